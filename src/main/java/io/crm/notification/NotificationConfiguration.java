package io.crm.notification;

import io.crm.activity.ActivitySchema;
import io.crm.deal.DealSchema;
import io.crm.security.UserService;
import io.crm.store.CollectionIndexes;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.mongodb.core.MongoTemplate;

@Configuration(proxyBeanMethods = false)
class NotificationConfiguration {

    @Bean
    NotificationStore notificationStore(MongoTemplate mongo) {
        return new NotificationStore(mongo.getCollection(NotificationStore.COLLECTION));
    }

    @Bean
    NotificationConsumer notificationConsumer(NotificationStore store, MongoTemplate mongo) {
        return new NotificationConsumer(store, mongo.getCollection(ActivitySchema.COLLECTION),
                mongo.getCollection(DealSchema.COLLECTION), mongo.getCollection(UserService.COLLECTION));
    }

    @Bean
    CollectionIndexes notificationCollectionIndexes() {
        return NotificationStore.indexes();
    }
}
