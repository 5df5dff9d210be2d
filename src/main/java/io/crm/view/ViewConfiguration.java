package io.crm.view;

import java.time.Clock;
import java.util.List;

import com.mongodb.client.model.IndexModel;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import io.crm.store.CollectionIndexes;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.mongodb.core.MongoTemplate;

@Configuration(proxyBeanMethods = false)
public class ViewConfiguration {

    @Bean
    SavedViews savedViews(MongoTemplate mongo, SavedViews.Rules rules, Clock clock) {
        return new SavedViews(mongo.getCollection(SavedViews.COLLECTION), rules, clock);
    }

    /** A user's views, and the shared ones: the two branches of the list's OR. */
    @Bean
    CollectionIndexes viewCollectionIndexes() {
        return new CollectionIndexes(SavedViews.COLLECTION, List.of(
                new IndexModel(Indexes.ascending("ownerId", "objectType"), new IndexOptions().name("views_owner")),
                new IndexModel(Indexes.ascending("shared", "objectType"), new IndexOptions().name("views_shared"))));
    }
}
