package io.crm.webhook;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.mongodb.client.model.IndexModel;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import io.crm.events.Actors;
import io.crm.jobs.JobsProperties;
import io.crm.jobs.LeasedJob;
import io.crm.store.CollectionIndexes;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.mongodb.core.MongoTemplate;

@Configuration(proxyBeanMethods = false)
public class WebhookConfiguration {

    @Bean
    AddressPolicy webhookAddressPolicy(ObjectProvider<WebhookResolver> resolver, WebhookProperties properties) {
        return new AddressPolicy(resolver.getIfAvailable(() -> WebhookResolver.SYSTEM), properties.allowHttp(),
                properties.allowPrivate());
    }

    @Bean
    WebhookDeliveries webhookDeliveries(MongoTemplate mongo, JsonMapper json, WebhookProperties properties) {
        return new WebhookDeliveries(mongo.getCollection(WebhookDeliveries.COLLECTION),
                mongo.getCollection(WebhookDeliveries.COUNTERS), json, properties);
    }

    @Bean
    WebhookSubscriptions webhookSubscriptions(MongoTemplate mongo, AddressPolicy addresses, Actors actors, Clock clock,
                                              WebhookProperties properties) {
        return new WebhookSubscriptions(mongo.getCollection(WebhookSubscriptions.COLLECTION),
                mongo.getCollection(WebhookDeliveries.COLLECTION), addresses, actors, clock, properties);
    }

    @Bean(destroyMethod = "close")
    WebhookSender webhookSender(AddressPolicy addresses, WebhookProperties properties) {
        return new WebhookSender(addresses, properties);
    }

    @Bean
    WebhookDispatcher webhookDispatcher(WebhookSubscriptions subscriptions, WebhookDeliveries deliveries,
                                        WebhookSender sender, Clock clock, WebhookProperties properties,
                                        io.micrometer.core.instrument.MeterRegistry meters) {
        return new WebhookDispatcher(subscriptions, deliveries, sender, clock, properties, meters);
    }

    /**
     * Mends chains left without a head (a replica killed between finishing a delivery and promoting the next one),
     * once for the fleet every {@code crm.jobs.webhook-heads-every}.
     */
    @Bean
    LeasedJob webhookHeadsJob(WebhookDeliveries deliveries, JobsProperties jobs) {
        return new LeasedJob() {
            @Override
            public String name() {
                return "webhook-heads";
            }

            @Override
            public Duration every() {
                return jobs.webhookHeadsEvery();
            }

            @Override
            public String run() {
                return "marked the head of " + deliveries.repairHeads() + " delivery chains that had none";
            }
        };
    }

    /** The {@link io.crm.events.EventConsumer} that queues webhook deliveries. */
    @Bean
    WebhookConsumer webhookConsumer(WebhookSubscriptions subscriptions, WebhookDeliveries deliveries, JsonMapper json,
                                    Clock clock, WebhookDispatcher dispatcher) {
        return new WebhookConsumer(subscriptions, deliveries, json, clock, dispatcher::wake);
    }

    /** Every query on deliveries is served by one of these (see docs/indexes.md). */
    @Bean
    CollectionIndexes webhookDeliveryIndexes() {
        return new CollectionIndexes(WebhookDeliveries.COLLECTION, List.of(
                // one delivery per subscription and event: the consumer may see an event twice
                new IndexModel(Indexes.ascending("subscriptionId", "eventId"),
                        new IndexOptions().name("webhook_delivery_event").unique(true)),
                // the dispatcher's claim: due heads of the active subscriptions, most overdue first
                new IndexModel(Indexes.ascending("head", "status", "subscriptionId", "dueAt"),
                        new IndexOptions().name("webhook_delivery_claim")),
                // a chain's lowest unfinished delivery (per-object order)
                new IndexModel(Indexes.ascending("chain", "status", "seq"),
                        new IndexOptions().name("webhook_delivery_chain")),
                new IndexModel(Indexes.compoundIndex(Indexes.ascending("subscriptionId"), Indexes.descending("_id")),
                        new IndexOptions().name("webhook_delivery_subscription")),
                // erasure: every delivery of one object
                new IndexModel(Indexes.ascending("objectType", "objectId"),
                        new IndexOptions().name("webhook_delivery_object")),
                // finished deliveries go after crm.webhooks.keep-deliveries (unfinished ones have no expireAt)
                new IndexModel(Indexes.ascending("expireAt"),
                        new IndexOptions().name("webhook_delivery_expiry").expireAfter(0L, TimeUnit.SECONDS))));
    }
}
