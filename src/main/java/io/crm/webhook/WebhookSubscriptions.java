package io.crm.webhook;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.PushOptions;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Updates;
import io.crm.events.Actor;
import io.crm.events.Actors;
import io.crm.json.JsonValues;
import io.crm.record.FieldError;
import io.crm.record.RecordException;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.bson.types.ObjectId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Webhook subscriptions ({@code webhook_subscriptions}): a receiver URL, the event patterns it wants, its signing
 * secrets, whether an admin paused it or the service disabled it, and its delivery health (last success, failing
 * since, the latest failures). The secret is returned when made (create, rotate) and never again.
 */
public class WebhookSubscriptions {

    public static final String COLLECTION = "webhook_subscriptions";
    static final int MAX_SUBSCRIPTIONS = 100;
    public static final int MAX_URL = 2000;
    public static final int MAX_DESCRIPTION = 500;
    static final int RECENT_FAILURES = 10;
    private static final Set<String> FIELDS = Set.of("url", "events", "description", "paused", "enabled");

    private static final Logger log = LoggerFactory.getLogger(WebhookSubscriptions.class);

    private final MongoCollection<Document> collection;
    private final MongoCollection<Document> deliveries;
    private final AddressPolicy addresses;
    private final Actors actors;
    private final Clock clock;
    private final WebhookProperties properties;
    /**
     * When this replica last wrote a success of each subscription ({@link #recordSuccess}); bounded, as subscriptions
     * deleted on other replicas stay in it (a forgotten one only writes its next success again).
     */
    private final Cache<ObjectId, Instant> successWritten = Caffeine.newBuilder()
            .maximumSize(4L * MAX_SUBSCRIPTIONS).build();

    public WebhookSubscriptions(MongoCollection<Document> collection, MongoCollection<Document> deliveries,
                                AddressPolicy addresses, Actors actors, Clock clock, WebhookProperties properties) {
        this.collection = collection;
        this.deliveries = deliveries;
        this.addresses = addresses;
        this.actors = actors;
        this.clock = clock;
        this.properties = properties;
    }

    /** Told once per disabling, by the replica whose write disabled the subscription. */
    @FunctionalInterface
    public interface DisabledListener {
        /** {@code subscription}: as stored right after it was disabled (its reason, time and creator). */
        void disabled(Document subscription);
    }

    private final List<DisabledListener> disabledListeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Adds a listener for subscriptions disabled after failing for the whole window (the creator's notice). */
    public void onDisabled(DisabledListener listener) {
        disabledListeners.add(listener);
    }

    /** A subscription with its secret, which only this answer (and a rotation's) shows. */
    public record Created(Document subscription, String secret) {
    }

    public Created create(Map<String, Object> body) {
        List<FieldError> errors = new ArrayList<>();
        unknownFields(body, errors);
        if (!body.containsKey("url")) {
            errors.add(new FieldError("url", "is required"));
        }
        if (!body.containsKey("events")) {
            errors.add(new FieldError("events", "is required"));
        }
        check(body, errors);
        if (body.containsKey("paused") || body.containsKey("enabled")) {
            errors.add(new FieldError(body.containsKey("paused") ? "paused" : "enabled",
                    "is set with PATCH; a new subscription starts active"));
        }
        if (!errors.isEmpty()) {
            throw new RecordException.Invalid(errors);
        }
        if (collection.estimatedDocumentCount() >= MAX_SUBSCRIPTIONS) {
            throw new RecordException.Conflict("at most " + MAX_SUBSCRIPTIONS + " webhook subscriptions");
        }
        Date now = Date.from(clock.instant());
        Actor creator = actors.current();
        String secret = WebhookSignature.newSecret();
        Document doc = new Document("_id", new ObjectId()).append("url", ((String) body.get("url")).strip())
                .append("events", EventPatterns.normalise((List<?>) body.get("events")))
                .append("description", description(body.get("description")))
                .append("paused", false).append("disabled", false)
                .append("secrets", List.of(new Document("secret", secret).append("until", null)))
                .append("createdAt", now).append("updatedAt", now)
                // who to tell when it is disabled (docs/events.md "Disabled subscriptions")
                .append("createdBy", new Document("id", creator.id()).append("name", creator.name()));
        collection.insertOne(doc);
        return new Created(doc, secret);
    }

    /** Every subscription, oldest first (there are at most {@link #MAX_SUBSCRIPTIONS}). */
    public List<Document> list() {
        return collection.find().sort(new Document("_id", 1)).limit(MAX_SUBSCRIPTIONS * 2).into(new ArrayList<>());
    }

    public Document get(String id) {
        Document doc = ObjectId.isValid(id) ? collection.find(Filters.eq("_id", new ObjectId(id))).first() : null;
        if (doc == null) {
            throw new RecordException.NotFound("Webhook subscription");
        }
        return doc;
    }

    /**
     * Changes url, events, description, paused; {@code paused: false} or {@code enabled: true} also re-enables a
     * subscription the service disabled (its failure window starts over).
     */
    public Document update(String id, Map<String, Object> patch) {
        Document current = get(id);
        List<FieldError> errors = new ArrayList<>();
        unknownFields(patch, errors);
        check(patch, errors);
        if (patch.containsKey("paused") && !(patch.get("paused") instanceof Boolean)) {
            errors.add(new FieldError("paused", "must be true or false"));
        }
        if (patch.containsKey("enabled") && !Boolean.TRUE.equals(patch.get("enabled"))) {
            errors.add(new FieldError("enabled", "can only be set to true (to stop deliveries, set paused)"));
        }
        if (!errors.isEmpty()) {
            throw new RecordException.Invalid(errors);
        }
        List<Bson> set = new ArrayList<>();
        if (patch.containsKey("url")) {
            set.add(Updates.set("url", ((String) patch.get("url")).strip()));
        }
        if (patch.containsKey("events")) {
            set.add(Updates.set("events", EventPatterns.normalise((List<?>) patch.get("events"))));
        }
        if (patch.containsKey("description")) {
            set.add(Updates.set("description", description(patch.get("description"))));
        }
        if (patch.containsKey("paused")) {
            set.add(Updates.set("paused", patch.get("paused")));
        }
        if (Boolean.FALSE.equals(patch.get("paused")) || Boolean.TRUE.equals(patch.get("enabled"))) {
            set.add(Updates.set("disabled", false));
            set.add(Updates.set("disabledReason", null));
            set.add(Updates.set("disabledAt", null));
            set.add(Updates.set("failingSince", null));
        }
        if (set.isEmpty()) {
            return current;
        }
        set.add(Updates.set("updatedAt", Date.from(clock.instant())));
        Document updated = collection.findOneAndUpdate(Filters.eq("_id", current.get("_id")), Updates.combine(set),
                new FindOneAndUpdateOptions().returnDocument(ReturnDocument.AFTER));
        if (updated == null) {
            throw new RecordException.NotFound("Webhook subscription");
        }
        return updated;
    }

    /** Removes the subscription and its deliveries (queued ones are not sent). */
    public void delete(String id) {
        Document current = get(id);
        collection.deleteOne(Filters.eq("_id", current.get("_id")));
        successWritten.invalidate(current.getObjectId("_id"));
        deliveries.deleteMany(Filters.eq("subscriptionId", current.getObjectId("_id").toHexString()));
    }

    /**
     * A new signing secret; the previous one keeps signing for {@code crm.webhooks.secret-overlap} (two signatures in
     * the header) so the receiver can switch without losing deliveries. Older ones stop at once.
     */
    public Created rotate(String id) {
        Document current = get(id);
        Instant now = clock.instant();
        String secret = WebhookSignature.newSecret();
        List<Document> secrets = new ArrayList<>();
        secrets.add(new Document("secret", secret).append("until", null));
        for (Document old : current.getList("secrets", Document.class, List.of())) {
            if (old.get("until") == null) {
                secrets.add(new Document("secret", old.getString("secret"))
                        .append("until", Date.from(now.plus(properties.secretOverlap()))));
            }
        }
        Document updated = collection.findOneAndUpdate(Filters.eq("_id", current.get("_id")),
                Updates.combine(Updates.set("secrets", secrets), Updates.set("updatedAt", Date.from(now))),
                new FindOneAndUpdateOptions().returnDocument(ReturnDocument.AFTER));
        if (updated == null) {
            throw new RecordException.NotFound("Webhook subscription");
        }
        return new Created(updated, secret);
    }

    /** The secrets that sign a delivery made now: the current one, then a rotated-out one still in its overlap. */
    static List<String> signingSecrets(Document subscription, Instant now) {
        List<String> out = new ArrayList<>();
        for (Document s : subscription.getList("secrets", Document.class, List.of())) {
            Date until = s.getDate("until");
            if (until == null || until.toInstant().isAfter(now)) {
                out.add(s.getString("secret"));
            }
        }
        return out;
    }

    /** Whether the dispatcher sends this subscription's deliveries now. */
    static boolean active(Document subscription) {
        return !subscription.getBoolean("paused", false) && !subscription.getBoolean("disabled", false);
    }

    /**
     * Notes a successful attempt. At most one write a second per subscription while all goes well (a busy one
     * succeeds many times a second), and at once when it was failing. {@code subscription}: as the attempt's dispatch
     * round read it; this replica skips the store altogether (a no-op write, but a round trip per delivery) while that
     * read shows no failure and this replica itself wrote a success less than a second before.
     */
    void recordSuccess(Document subscription, Instant at) {
        ObjectId id = subscription.getObjectId("_id");
        Instant written = successWritten.getIfPresent(id);
        if (written != null && subscription.get("failingSince") == null && written.isAfter(at.minusSeconds(1))) {
            return;
        }
        collection.updateOne(Filters.and(Filters.eq("_id", id), Filters.or(Filters.ne("failingSince", null),
                        Filters.eq("lastSuccessAt", null), Filters.lt("lastSuccessAt", Date.from(at.minusSeconds(1))))),
                Updates.combine(Updates.set("lastSuccessAt", Date.from(at)), Updates.set("failingSince", null)));
        successWritten.put(id, at);
    }

    /**
     * Notes a failed attempt: the failure window starts at the first failure after the last success, and once every
     * delivery has failed for {@code crm.webhooks.disable-after} the subscription is disabled.
     */
    void recordFailure(ObjectId id, Instant at, Document failure) {
        successWritten.invalidate(id); // a success after this failure clears it at once
        collection.updateOne(Filters.eq("_id", id), Updates.pushEach("recentFailures", List.of(failure),
                new PushOptions().slice(-RECENT_FAILURES)));
        collection.updateOne(Filters.and(Filters.eq("_id", id), Filters.eq("failingSince", null)),
                Updates.set("failingSince", Date.from(at)));
        Duration window = properties.disableAfter();
        Document disabled = collection.findOneAndUpdate(Filters.and(Filters.eq("_id", id), Filters.ne("disabled", true),
                Filters.lte("failingSince", Date.from(at.minus(window)))), Updates.combine(
                Updates.set("disabled", true), Updates.set("disabledAt", Date.from(at)),
                Updates.set("disabledReason", "every delivery failed for " + human(window)
                        + " (since the last success); the last error: " + failure.get("error"))),
                new FindOneAndUpdateOptions().returnDocument(ReturnDocument.AFTER));
        if (disabled != null) {
            for (DisabledListener listener : disabledListeners) {
                try {
                    listener.disabled(disabled);
                } catch (RuntimeException e) {
                    // the subscription is disabled either way; the notice is the extra
                    log.warn("webhook subscription {} disabled; telling {} failed: {}", id, listener, e.toString());
                }
            }
        }
    }

    public static Map<String, Object> toJson(Document doc) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", doc.getObjectId("_id").toHexString());
        json.put("url", doc.getString("url"));
        json.put("events", doc.getList("events", String.class));
        json.put("description", doc.getString("description"));
        json.put("paused", doc.getBoolean("paused", false));
        json.put("disabled", doc.getBoolean("disabled", false));
        json.put("disabledReason", doc.getString("disabledReason"));
        json.put("disabledAt", JsonValues.toJson(doc.get("disabledAt")));
        json.put("lastSuccessAt", JsonValues.toJson(doc.get("lastSuccessAt")));
        json.put("failingSince", JsonValues.toJson(doc.get("failingSince")));
        List<Map<String, Object>> failures = new ArrayList<>();
        List<Document> recent = new ArrayList<>(doc.getList("recentFailures", Document.class, List.of()));
        java.util.Collections.reverse(recent);
        for (Document f : recent) {
            Map<String, Object> failure = new LinkedHashMap<>();
            failure.put("at", JsonValues.toJson(f.get("at")));
            failure.put("deliveryId", f.getString("deliveryId"));
            failure.put("eventType", f.getString("eventType"));
            failure.put("responseCode", f.get("responseCode"));
            failure.put("error", f.getString("error"));
            failures.add(failure);
        }
        json.put("recentFailures", failures);
        json.put("createdAt", JsonValues.toJson(doc.get("createdAt")));
        Document createdBy = doc.get("createdBy", Document.class);
        Map<String, Object> creator = null;
        if (createdBy != null) {
            creator = new LinkedHashMap<>();
            creator.put("id", createdBy.getString("id"));
            creator.put("name", createdBy.getString("name"));
        }
        json.put("createdBy", creator);
        json.put("updatedAt", JsonValues.toJson(doc.get("updatedAt")));
        return json;
    }

    private void check(Map<String, Object> body, List<FieldError> errors) {
        if (body.containsKey("url")) {
            if (!(body.get("url") instanceof String url) || url.isBlank()) {
                errors.add(new FieldError("url", "must be an https URL"));
            } else if (url.length() > MAX_URL) {
                errors.add(new FieldError("url", "must be at most " + MAX_URL + " characters"));
            } else {
                String problem = addresses.urlProblem(url.strip());
                if (problem != null) {
                    errors.add(new FieldError("url", problem));
                }
            }
        }
        if (body.containsKey("events")) {
            String problem = EventPatterns.problem(body.get("events"));
            if (problem != null) {
                errors.add(new FieldError("events", problem));
            }
        }
        Object description = body.get("description");
        if (description != null && !(description instanceof String)) {
            errors.add(new FieldError("description", "must be text"));
        } else if (description instanceof String text && text.length() > MAX_DESCRIPTION) {
            errors.add(new FieldError("description", "must be at most " + MAX_DESCRIPTION + " characters"));
        }
    }

    private static void unknownFields(Map<String, Object> body, List<FieldError> errors) {
        for (String field : body.keySet()) {
            if (!FIELDS.contains(field)) {
                errors.add(new FieldError(field, "is not a field of a webhook subscription"));
            }
        }
    }

    private static String description(Object value) {
        return value instanceof String text && !text.isBlank() ? text.strip() : null;
    }

    static String human(Duration duration) {
        if (duration.toDaysPart() > 0 && duration.equals(Duration.ofDays(duration.toDays()))) {
            return duration.toDays() + (duration.toDays() == 1 ? " day" : " days");
        }
        if (duration.equals(Duration.ofHours(duration.toHours()))) {
            return duration.toHours() + " h";
        }
        return duration.toMinutes() + " min";
    }
}
