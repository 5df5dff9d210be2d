package io.crm.webhook;

import java.net.URI;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.crm.events.Actors;
import io.crm.events.Event;
import io.crm.platform.web.LimitsProperties;
import io.crm.platform.web.Preconditions;
import io.crm.security.Access;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.bson.Document;
import org.bson.types.ObjectId;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Webhook subscriptions and their deliveries, for admins (the request rules restrict /api/v1/webhooks to ADMIN, and
 * so does method security). The signing secret is in the answers of create and rotate-secret only.
 */
@RestController
@PreAuthorize(Access.ADMIN)
@RequestMapping("/api/v1/webhooks")
@Tag(name = "webhooks")
public class WebhookController {

    private final WebhookSubscriptions subscriptions;
    private final WebhookDeliveries deliveries;
    private final WebhookConsumer consumer;
    private final WebhookDispatcher dispatcher;
    private final Actors actors;
    private final Clock clock;
    private final LimitsProperties limits;

    public WebhookController(WebhookSubscriptions subscriptions, WebhookDeliveries deliveries,
                             WebhookConsumer consumer, WebhookDispatcher dispatcher, Actors actors, Clock clock,
                             LimitsProperties limits) {
        this.subscriptions = subscriptions;
        this.deliveries = deliveries;
        this.consumer = consumer;
        this.dispatcher = dispatcher;
        this.actors = actors;
        this.clock = clock;
        this.limits = limits;
    }

    @GetMapping
    @Operation(summary = "Webhook subscriptions, oldest first, with their delivery health")
    public Map<String, Object> list() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("items", subscriptions.list().stream().map(WebhookSubscriptions::toJson).toList());
        body.put("nextCursor", null);
        return body;
    }

    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Subscribe {url, events, description}; the answer shows the signing secret, once")
    public ResponseEntity<Map<String, Object>> create(@RequestBody Map<String, Object> body) {
        WebhookSubscriptions.Created created = subscriptions.create(body);
        return ResponseEntity.created(URI.create("/api/v1/webhooks/" + id(created.subscription())))
                .body(withSecret(created));
    }

    @GetMapping("/{id}")
    @Operation(summary = "One webhook subscription")
    public Map<String, Object> get(@PathVariable String id) {
        return WebhookSubscriptions.toJson(subscriptions.get(id));
    }

    @PatchMapping(path = "/{id}", consumes = {"application/merge-patch+json", MediaType.APPLICATION_JSON_VALUE})
    @Operation(summary = "Change url, events, description, paused; paused=false or enabled=true re-enables")
    public Map<String, Object> update(@PathVariable String id, @RequestBody Map<String, Object> patch) {
        Map<String, Object> json = WebhookSubscriptions.toJson(subscriptions.update(id, patch));
        dispatcher.wake();
        return json;
    }

    @DeleteMapping("/{id}")
    @Operation(summary = "Unsubscribe; queued deliveries are dropped")
    public ResponseEntity<Void> delete(@PathVariable String id) {
        subscriptions.delete(id);
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/{id}/rotate-secret")
    @Operation(summary = "A new signing secret (shown once); the old one also signs for 24 h")
    public Map<String, Object> rotate(@PathVariable String id) {
        return withSecret(subscriptions.rotate(id));
    }

    @GetMapping("/{id}/deliveries")
    @Operation(summary = "The subscription's deliveries, newest first (cursor-paged)")
    public Map<String, Object> deliveries(@PathVariable String id, @RequestParam(required = false) String cursor,
                                          @RequestParam(required = false) String limit) {
        String subscriptionId = id(subscriptions.get(id));
        int size = Preconditions.limit(limit, limits.maxPageSize());
        List<Document> page = deliveries.page(subscriptionId, cursor, size);
        String next = null;
        if (page.size() > size) {
            page = page.subList(0, size);
            next = page.get(size - 1).getObjectId("_id").toHexString();
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("items", page.stream().map(WebhookDeliveries::toJson).toList());
        body.put("nextCursor", next);
        return body;
    }

    @PostMapping("/{id}/deliveries/{deliveryId}/retry")
    @Operation(summary = "Send a delivery again now")
    public Map<String, Object> retry(@PathVariable String id, @PathVariable String deliveryId) {
        Document retried = deliveries.retry(id(subscriptions.get(id)), deliveryId, clock.instant());
        dispatcher.wake();
        return WebhookDeliveries.toJson(retried);
    }

    @PostMapping("/{id}/test")
    @Operation(summary = "Queue a ping event (type ping) for this subscription only")
    public ResponseEntity<Map<String, Object>> test(@PathVariable String id) {
        Document subscription = subscriptions.get(id);
        Event ping = new Event(new ObjectId(), "ping", clock.instant(), actors.current(), "webhook",
                id(subscription), List.of(), 0);
        consumer.ping(subscription, ping);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("eventId", ping.id().toHexString());
        body.put("type", ping.type());
        return ResponseEntity.accepted().body(body);
    }

    private static Map<String, Object> withSecret(WebhookSubscriptions.Created created) {
        Map<String, Object> json = WebhookSubscriptions.toJson(created.subscription());
        json.put("secret", created.secret());
        return json;
    }

    private static String id(Document subscription) {
        return subscription.getObjectId("_id").toHexString();
    }
}
