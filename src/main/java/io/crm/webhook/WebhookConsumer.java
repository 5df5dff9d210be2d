package io.crm.webhook;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import io.crm.events.Event;
import io.crm.events.EventConsumer;
import io.crm.events.EventJson;
import org.bson.Document;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns events into webhook deliveries: for each event and each subscription whose patterns match it, one delivery
 * holding the event's public JSON ({@link EventJson}) as the exact body every attempt sends. Idempotent by event:
 * a (subscription, event) pair is queued once. Subscriptions the service disabled get no new deliveries (their
 * receiver has been failing for days); paused ones do, and get them when resumed.
 * <p>
 * An {@code erased} event first removes the object's old and new values from the bodies of its earlier deliveries,
 * then is queued like any other.
 */
public class WebhookConsumer implements EventConsumer {

    private final WebhookSubscriptions subscriptions;
    private final WebhookDeliveries deliveries;
    private final JsonMapper json;
    private final Clock clock;
    private final Runnable wake;

    public WebhookConsumer(WebhookSubscriptions subscriptions, WebhookDeliveries deliveries, JsonMapper json,
                           Clock clock, Runnable wake) {
        this.subscriptions = subscriptions;
        this.deliveries = deliveries;
        this.json = json;
        this.clock = clock;
        this.wake = wake;
    }

    @Override
    public String name() {
        return "webhooks";
    }

    @Override
    public void accept(List<Event> events) {
        List<Document> receiving = subscriptions.list().stream()
                .filter(s -> !s.getBoolean("disabled", false)).toList();
        List<WebhookDeliveries.New> queued = new ArrayList<>();
        for (Event event : events) {
            if (event.action().equals("erased")) {
                // what is already queued for this object is written first, so the scrub reaches it too
                deliveries.enqueue(queued, clock.instant());
                queued.clear();
                deliveries.scrub(event.objectType(), event.objectId());
            }
            String payload = null;
            for (Document subscription : receiving) {
                if (EventPatterns.matches(subscription.getList("events", String.class), event.type())) {
                    if (payload == null) {
                        payload = json.writeValueAsString(EventJson.toJson(event));
                    }
                    queued.add(new WebhookDeliveries.New(subscription.getObjectId("_id").toHexString(),
                            event.id().toHexString(), event.type(), event.objectType(), event.objectId(), payload));
                }
            }
        }
        deliveries.enqueue(queued, clock.instant());
        wake.run();
    }

    /** The {@code ping} event of {@code POST /api/v1/webhooks/{id}/test}: queued for that subscription only. */
    void ping(Document subscription, Event ping) {
        deliveries.enqueue(List.of(new WebhookDeliveries.New(subscription.getObjectId("_id").toHexString(),
                ping.id().toHexString(), ping.type(), ping.objectType(), ping.objectId(),
                json.writeValueAsString(EventJson.toJson(ping)))), clock.instant());
        wake.run();
    }
}
