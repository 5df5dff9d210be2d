package io.crm.feed;

import java.time.Clock;
import java.util.List;

import com.mongodb.client.model.IndexModel;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import io.crm.store.CollectionIndexes;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.mongodb.core.MongoTemplate;

/** The event feed's beans: the consumer the relay feeds, the reader behind the API, and retention (a leased job). */
@Configuration(proxyBeanMethods = false)
public class FeedConfiguration {

    @Bean
    FeedCollections feedCollections(MongoTemplate mongo) {
        return new FeedCollections(mongo);
    }

    @Bean
    FeedConsumer feedConsumer(FeedCollections store) {
        return new FeedConsumer(store);
    }

    @Bean
    FeedReader feedReader(FeedCollections store) {
        return new FeedReader(store);
    }

    @Bean
    FeedRetention feedRetention(FeedCollections store, Clock clock, FeedProperties properties) {
        return new FeedRetention(store, clock, properties.retention(), properties.cleanupEvery());
    }

    /** Every query of the feed is served by one of these (see docs/indexes.md). */
    @Bean
    CollectionIndexes feedCollectionIndexes() {
        return new CollectionIndexes(FeedCollections.EVENTS, List.of(
                // the feed's order, the cursor condition and retention's prefix deletes
                new IndexModel(Indexes.ascending(FeedCollections.SEQ),
                        new IndexOptions().name("events_seq_unique").unique(true)),
                // types=contact.created,... (an $in on type, walked in seq order)
                new IndexModel(Indexes.ascending("type", FeedCollections.SEQ),
                        new IndexOptions().name("events_type_seq")),
                // types=contact.* (a wildcard is the object type)
                new IndexModel(Indexes.ascending("objectType", FeedCollections.SEQ),
                        new IndexOptions().name("events_object_type_seq")),
                // right to erasure: one object's events
                new IndexModel(Indexes.ascending("objectType", "objectId"),
                        new IndexOptions().name("events_object"))));
    }
}
