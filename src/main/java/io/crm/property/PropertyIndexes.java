package io.crm.property;

import java.util.List;

import com.mongodb.client.model.IndexModel;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import io.crm.store.CollectionIndexes;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The property definitions: one name per object type (archived ones keep theirs, so a restore cannot clash). */
@Configuration(proxyBeanMethods = false)
public class PropertyIndexes {

    public static final String NAME_UNIQUE = "properties_object_name_unique";

    @Bean
    CollectionIndexes propertyCollectionIndexes() {
        return new CollectionIndexes(CustomProperties.COLLECTION, List.of(
                new IndexModel(Indexes.ascending("objectType", "name"),
                        new IndexOptions().name(NAME_UNIQUE).unique(true)),
                new IndexModel(Indexes.ascending("objectType", "archived", "name"),
                        new IndexOptions().name("properties_object_live"))));
    }

    /** A property's latest rewrite, and the rewrites no replica is running. */
    @Bean
    CollectionIndexes propertyRewriteIndexes() {
        return new CollectionIndexes(PropertyRewrites.COLLECTION, List.of(
                new IndexModel(Indexes.compoundIndex(Indexes.ascending("objectType", "name"),
                        Indexes.descending("createdAt")), new IndexOptions().name("property_rewrites_property")),
                new IndexModel(Indexes.ascending("status", "heartbeatAt"),
                        new IndexOptions().name("property_rewrites_status"))));
    }
}
