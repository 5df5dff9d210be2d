package io.crm.webhook;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;
import io.crm.json.JsonValues;
import io.crm.events.IdempotentInserts;
import io.crm.record.RecordException;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.bson.types.ObjectId;
import tools.jackson.databind.json.JsonMapper;

/**
 * The delivery queue ({@code webhook_deliveries}): one document per (subscription, event), holding the exact body
 * sent on every attempt, and its state: {@code pending} (not tried yet), {@code retrying}, {@code succeeded},
 * {@code failed} (given up). Everything here is shared by the replicas through the database only:
 * <ul>
 * <li><b>Order per object.</b> Deliveries get a {@code seq} in the order the consumer receives them; a
 * {@code chain} is one subscription's deliveries of one object, and only the unfinished delivery with the lowest seq
 * of a chain is its {@code head}, the only one that may be claimed. Whoever finishes a delivery, and whoever inserts
 * one, then re-marks the chain's head ({@link #promote}): each writes first and reads after, so of two racing sides
 * at least one sees the other's write, and no chain is left without a head.</li>
 * <li><b>Claims.</b> A replica claims a due head with one findOneAndUpdate that moves its {@code dueAt} past the
 * attempt's timeout and sets a claim token; the result is written only under that token. A replica that dies
 * mid-attempt leaves a claim that simply falls due again.</li>
 * </ul>
 */
public class WebhookDeliveries {

    public static final String COLLECTION = "webhook_deliveries";
    public static final String COUNTERS = "webhook_counters";
    static final String PENDING = "pending";
    static final String RETRYING = "retrying";
    static final String SUCCEEDED = "succeeded";
    static final String FAILED = "failed";
    static final List<String> UNFINISHED = List.of(PENDING, RETRYING);

    private final MongoCollection<Document> collection;
    private final MongoCollection<Document> counters;
    private final JsonMapper json;
    private final WebhookProperties properties;

    public WebhookDeliveries(MongoCollection<Document> collection, MongoCollection<Document> counters,
                             JsonMapper json, WebhookProperties properties) {
        this.collection = collection;
        this.counters = counters;
        this.json = json;
        this.properties = properties;
    }

    MongoCollection<Document> collection() {
        return collection;
    }

    /** A delivery to queue: for this subscription, of this event, with this exact body. */
    record New(String subscriptionId, String eventId, String eventType, String objectType, String objectId,
               String payload) {
    }

    /**
     * Queues deliveries in the given order (their seq follows it), skipping those already queued (the same event
     * again after a crash: unique by subscription and event), then marks the heads of the chains they joined.
     */
    void enqueue(List<New> deliveries, Instant now) {
        if (deliveries.isEmpty()) {
            return;
        }
        long last = reserve(deliveries.size());
        long seq = last - deliveries.size() + 1;
        Date at = Date.from(now);
        List<Document> docs = new ArrayList<>();
        Set<String> chains = new LinkedHashSet<>();
        for (New d : deliveries) {
            String chain = chain(d.subscriptionId(), d.objectType(), d.objectId());
            chains.add(chain);
            docs.add(new Document("_id", new ObjectId()).append("subscriptionId", d.subscriptionId())
                    .append("eventId", d.eventId()).append("eventType", d.eventType())
                    .append("objectType", d.objectType()).append("objectId", d.objectId())
                    .append("chain", chain).append("seq", seq++).append("payload", d.payload())
                    .append("status", PENDING).append("head", false).append("attempts", 0)
                    .append("dueAt", at).append("nextAttemptAt", at).append("createdAt", at));
        }
        // a delivery with a later one of its chain in this same batch has a follower from the start
        Map<String, Document> lastOfChain = new java.util.HashMap<>();
        docs.forEach(d -> lastOfChain.put(d.getString("chain"), d));
        docs.forEach(d -> d.append("followed", lastOfChain.get(d.getString("chain")) != d));
        IdempotentInserts.insert(collection, docs);
        // unfinished deliveries these joined now have followers: whoever finishes one must promote its chain
        // (written before the heads are read, like every promotion)
        collection.updateMany(Filters.and(Filters.in("chain", chains), Filters.in("status", UNFINISHED),
                Filters.nin("_id", docs.stream().map(d -> d.get("_id")).toList())), Updates.set("followed", true));
        promote(chains);
    }

    /**
     * {@link #promote(String)} for many chains with one query and one update (not one each: the relay queues a whole
     * batch of events at once).
     */
    int promote(java.util.Collection<String> chains) {
        if (chains.isEmpty()) {
            return 0;
        }
        Map<String, Document> heads = new java.util.HashMap<>();
        for (Document d : collection.find(Filters.and(Filters.in("chain", chains), Filters.in("status", UNFINISHED)))
                .projection(new Document("chain", 1).append("seq", 1).append("head", 1))) {
            heads.merge(d.getString("chain"), d,
                    (a, b) -> ((Number) a.get("seq")).longValue() <= ((Number) b.get("seq")).longValue() ? a : b);
        }
        List<Object> promoted = heads.values().stream().filter(d -> !d.getBoolean("head", false))
                .map(d -> d.get("_id")).toList();
        if (!promoted.isEmpty()) {
            collection.updateMany(Filters.in("_id", promoted), Updates.set("head", true));
        }
        return promoted.size();
    }

    /** Chains promoted at once by {@link #repairHeads}. */
    private static final int REPAIR_BATCH = 500;

    /**
     * Marks a head on every chain whose unfinished deliveries have none, and returns how many it marked. A replica
     * killed between finishing a delivery and promoting its chain ({@link #finish} then {@link #promote(String)}), or
     * a promotion the store refused, leaves such a chain: nothing would ever claim its deliveries again. One pass
     * over the deliveries waiting behind another (unfinished, not a head; the claim index serves it), their chains
     * promoted a batch at a time; a chain that has its head is left as it is.
     */
    int repairHeads() {
        int repaired = 0;
        Set<String> chains = new LinkedHashSet<>();
        try (var waiting = collection.find(Filters.and(Filters.eq("head", false), Filters.in("status", UNFINISHED)))
                .projection(new Document("chain", 1).append("_id", 0)).batchSize(REPAIR_BATCH).iterator()) {
            while (waiting.hasNext()) {
                chains.add(waiting.next().getString("chain"));
                if (chains.size() >= REPAIR_BATCH) {
                    repaired += promote(chains);
                    chains.clear();
                }
            }
        }
        return repaired + promote(chains);
    }

    /** Reserves n consecutive sequence numbers in one write; returns the last of them. */
    private long reserve(int n) {
        Document counter = counters.findOneAndUpdate(Filters.eq("_id", "deliverySeq"), Updates.inc("value", (long) n),
                new FindOneAndUpdateOptions().upsert(true).returnDocument(ReturnDocument.AFTER));
        return ((Number) counter.get("value")).longValue();
    }

    static String chain(String subscriptionId, String objectType, String objectId) {
        return subscriptionId + "|" + objectType + "|" + objectId;
    }

    /** Marks the chain's lowest unfinished delivery as its head (idempotent; see the class comment). */
    void promote(String chain) {
        Document first = collection.find(Filters.and(Filters.eq("chain", chain), Filters.in("status", UNFINISHED)))
                .sort(Sorts.ascending("seq")).limit(1).first();
        if (first != null && !first.getBoolean("head", false)) {
            collection.updateOne(Filters.eq("_id", first.get("_id")), Updates.set("head", true));
        }
    }

    /**
     * Up to {@code limit} due head deliveries of these subscriptions, most overdue first, not yet claimed: candidates
     * for {@link #claim(List, Instant, Instant, String)}, so that one search serves many claims.
     */
    List<Document> due(List<String> subscriptionIds, Instant now, int limit) {
        return collection.find(Filters.and(Filters.eq("head", true), Filters.in("status", UNFINISHED),
                        Filters.in("subscriptionId", subscriptionIds), Filters.lte("dueAt", Date.from(now))))
                .sort(Sorts.ascending("dueAt")).limit(limit)
                .projection(new Document("_id", 1).append("subscriptionId", 1))
                .into(new ArrayList<>());
    }

    /**
     * Claims candidates of {@link #due} that are still due heads (another replica may have claimed some since) with
     * one update under one token, and returns the ones this claim got: lookups by id, which every store answers from
     * its unique index.
     */
    List<Document> claim(List<Object> ids, Instant now, Instant until, String token) {
        collection.updateMany(Filters.and(Filters.in("_id", ids), Filters.eq("head", true),
                        Filters.in("status", UNFINISHED), Filters.lte("dueAt", Date.from(now))),
                Updates.combine(Updates.set("dueAt", Date.from(until)), Updates.set("claimToken", token)));
        return collection.find(Filters.and(Filters.in("_id", ids), Filters.eq("claimToken", token)))
                .into(new ArrayList<>());
    }

    /**
     * Writes an attempt's outcome under the claim it was made with; returns whether its chain needs a new head (the
     * delivery is finished, succeeded or given up, and later deliveries of its object are waiting), or null when the
     * claim was lost (another replica took it over). Most chains hold one delivery: no search for a next one then.
     */
    Boolean finish(Document delivery, String token, WebhookSender.Outcome outcome, Instant at) {
        int attempts = delivery.getInteger("attempts", 0) + 1;
        List<Duration> delays = properties.retryDelays();
        String status;
        Instant next = null;
        if (outcome.success()) {
            status = SUCCEEDED;
        } else if (outcome.retryable() && attempts <= delays.size()) {
            status = RETRYING;
            // Retry-After is honoured as a lower bound: a receiver asking for less than the schedule does not use
            // the attempts up sooner, so retries still span the whole schedule (at least 24 h by default)
            Duration wait = jitter(delays.get(attempts - 1));
            if (outcome.retryAfter() != null && outcome.retryAfter().compareTo(wait) > 0) {
                wait = outcome.retryAfter();
            }
            next = at.plus(wait);
        } else {
            status = FAILED;
        }
        boolean finished = next == null;
        List<Bson> set = new ArrayList<>(List.of(Updates.set("status", status), Updates.set("attempts", attempts),
                Updates.set("lastAttemptAt", Date.from(at)), Updates.set("lastResponseCode", outcome.code()),
                Updates.set("lastLatencyMs", outcome.latencyMs()), Updates.set("lastError", outcome.error()),
                Updates.set("claimToken", null)));
        if (finished) {
            set.add(Updates.set("head", false));
            set.add(Updates.set("nextAttemptAt", null));
            set.add(Updates.set("finishedAt", Date.from(at)));
            set.add(Updates.set("expireAt", Date.from(at.plus(properties.keepDeliveries()))));
        } else {
            set.add(Updates.set("dueAt", Date.from(next)));
            set.add(Updates.set("nextAttemptAt", Date.from(next)));
        }
        Document after = collection.findOneAndUpdate(Filters.and(Filters.eq("_id", delivery.get("_id")),
                Filters.eq("claimToken", token)), Updates.combine(set),
                new FindOneAndUpdateOptions().returnDocument(ReturnDocument.AFTER));
        if (after == null) {
            return null;
        }
        return finished && after.getBoolean("followed", false);
    }

    /** +-10 %, so that receivers that failed together are not all retried in the same second. */
    private static Duration jitter(Duration delay) {
        double factor = 0.9 + 0.2 * ThreadLocalRandom.current().nextDouble();
        return Duration.ofMillis(Math.round(delay.toMillis() * factor));
    }

    /** A subscription's deliveries, newest first, cursor-paged by id. */
    List<Document> page(String subscriptionId, String cursor, int size) {
        List<Bson> and = new ArrayList<>(List.of(Filters.eq("subscriptionId", subscriptionId)));
        if (cursor != null && !cursor.isBlank()) {
            if (!ObjectId.isValid(cursor)) {
                throw new RecordException.BadQuery("cursor is not valid");
            }
            and.add(Filters.lt("_id", new ObjectId(cursor)));
        }
        return collection.find(Filters.and(and)).sort(Sorts.descending("_id")).limit(size + 1)
                .into(new ArrayList<>());
    }

    Document get(String subscriptionId, String id) {
        Document doc = ObjectId.isValid(id) ? collection.find(Filters.and(Filters.eq("_id", new ObjectId(id)),
                Filters.eq("subscriptionId", subscriptionId))).first() : null;
        if (doc == null) {
            throw new RecordException.NotFound("Delivery");
        }
        return doc;
    }

    /**
     * Sends a delivery again now (one more attempt; if that fails retryably the schedule continues from its attempt
     * count). A finished delivery goes out even though later ones of its object may have gone already: an admin asked.
     */
    Document retry(String subscriptionId, String id, Instant now) {
        Document doc = get(subscriptionId, id);
        String status = doc.getString("status");
        if (PENDING.equals(status)) {
            throw new RecordException.Conflict("the delivery is queued and has not been tried yet");
        }
        Date due = doc.getDate("dueAt");
        if (doc.getString("claimToken") != null && due != null && due.toInstant().isAfter(now)) {
            throw new RecordException.Conflict("the delivery is being sent right now");
        }
        Date at = Date.from(now);
        Document updated = collection.findOneAndUpdate(Filters.and(Filters.eq("_id", doc.get("_id")),
                        Filters.eq("status", status)),
                Updates.combine(Updates.set("status", RETRYING.equals(status) ? RETRYING : PENDING),
                        Updates.set("head", true), Updates.set("dueAt", at), Updates.set("nextAttemptAt", at),
                        Updates.set("finishedAt", null), Updates.set("expireAt", null),
                        Updates.set("claimToken", null)),
                new FindOneAndUpdateOptions().returnDocument(ReturnDocument.AFTER));
        if (updated == null) {
            throw new RecordException.Conflict("the delivery changed meanwhile; look again");
        }
        return updated;
    }

    /**
     * Right to erasure: the old and new values in the stored bodies of this object's deliveries become null (queued
     * ones go out without them; sent ones are kept without them).
     */
    void scrub(String objectType, String objectId) {
        for (Document d : collection.find(Filters.and(Filters.eq("objectType", objectType),
                Filters.eq("objectId", objectId)))) {
            String scrubbed = scrubbed(d.getString("payload"));
            if (!scrubbed.equals(d.getString("payload"))) {
                collection.updateOne(Filters.eq("_id", d.get("_id")), Updates.set("payload", scrubbed));
            }
        }
    }

    @SuppressWarnings("unchecked")
    private String scrubbed(String payload) {
        Map<String, Object> body = json.readValue(payload, LinkedHashMap.class);
        if (body.get("changes") instanceof List<?> changes) {
            for (Object change : changes) {
                if (change instanceof Map<?, ?> map) {
                    ((Map<String, Object>) map).put("old", null);
                    ((Map<String, Object>) map).put("new", null);
                }
            }
        }
        return json.writeValueAsString(body);
    }

    static Map<String, Object> toJson(Document d) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", d.getObjectId("_id").toHexString());
        out.put("eventId", d.getString("eventId"));
        out.put("eventType", d.getString("eventType"));
        out.put("object", Map.of("type", d.getString("objectType"), "id", d.getString("objectId")));
        out.put("seq", d.get("seq"));
        out.put("status", d.getString("status"));
        out.put("attempts", d.getInteger("attempts", 0));
        out.put("lastAttemptAt", JsonValues.toJson(d.get("lastAttemptAt")));
        out.put("lastResponseCode", d.get("lastResponseCode"));
        out.put("lastLatencyMs", d.get("lastLatencyMs"));
        out.put("lastError", d.getString("lastError"));
        out.put("nextAttemptAt", JsonValues.toJson(d.get("nextAttemptAt")));
        out.put("createdAt", JsonValues.toJson(d.get("createdAt")));
        out.put("finishedAt", JsonValues.toJson(d.get("finishedAt")));
        return out;
    }
}
