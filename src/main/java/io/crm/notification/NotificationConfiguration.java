package io.crm.notification;

import io.crm.activity.ActivitySchema;
import io.crm.deal.DealSchema;
import io.crm.security.UserService;
import io.crm.store.CollectionIndexes;
import io.crm.webhook.WebhookSubscriptions;

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

    /** A webhook subscription disabled after failing for days: its creator (or the admins) hear of it. */
    @Bean
    WebhookDisabledNotices webhookDisabledNotices(NotificationStore store, MongoTemplate mongo,
                                                  WebhookSubscriptions subscriptions) {
        WebhookDisabledNotices notices = new WebhookDisabledNotices(store,
                mongo.getCollection(UserService.COLLECTION));
        subscriptions.onDisabled(notices::disabled);
        return notices;
    }

    @Bean
    CollectionIndexes notificationCollectionIndexes() {
        return NotificationStore.indexes();
    }
}
