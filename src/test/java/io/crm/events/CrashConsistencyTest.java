package io.crm.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import io.crm.audit.AuditLog;
import io.crm.feed.FeedConsumers;
import io.crm.record.RecordContext;
import io.crm.record.RecordException;
import io.crm.record.RecordMeta;
import io.crm.record.RecordStore;
import io.crm.support.MutableClock;
import io.crm.support.PlainEvents;
import io.crm.support.TestMongo;
import io.crm.webhook.AddressPolicy;
import io.crm.webhook.WebhookConsumer;
import io.crm.webhook.WebhookDeliveries;
import io.crm.webhook.WebhookProperties;
import io.crm.webhook.WebhookResolver;
import io.crm.webhook.WebhookSubscriptions;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * No change without its event and no event without its change, whatever instant the process dies at. Each trial runs
 * a workload of record writes with relay runs in between on a "process" whose store access dies at a random
 * operation, either before it reaches the store or right after it was applied (the two halves of a crash: the write
 * lost, or the write done and the answer lost). Once dead, every further store call fails, so no cleanup code runs,
 * as with {@code kill -9}. A fresh process then relays what is pending, and the audit trail must hold exactly one
 * event per stored version of every record (plus one for each permanent delete), in version order; the feed and the
 * webhook deliveries of a subscription to everything must hold exactly the audit trail's events, each once, the
 * deliveries of each record in version order with one head per chain that waits to be sent.
 */
class CrashConsistencyTest {

    private static final int TRIALS = 1_000;
    private static final Set<String> OPERATIONS = Set.of("insertOne", "insertMany", "findOneAndReplace",
            "findOneAndUpdate", "findOneAndDelete", "updateOne", "updateMany", "deleteOne", "deleteMany", "find",
            "countDocuments", "replaceOne", "bulkWrite", "aggregate");
    private static final Actors ACTORS = Actors.fixed(new Actor("64b000000000000000000001", "Alice"));

    private static MongoClient client;

    @BeforeAll
    static void connect() {
        client = MongoClients.create(TestMongo.uri("crash_consistency"));
    }

    @AfterAll
    static void disconnect() {
        client.close();
    }

    /** Thrown by every store call from the instant the process died. */
    static final class Crash extends RuntimeException {
        Crash() {
            super("process killed", null, false, false);
        }
    }

    /** A process's view of the store: dies at operation {@code dieAt}, before or after applying it. */
    static final class Dying {
        private final int dieAt;
        private final boolean afterApplying;
        private int operations;
        private boolean dead;

        Dying(int dieAt, boolean afterApplying) {
            this.dieAt = dieAt;
            this.afterApplying = afterApplying;
        }

        MongoDatabase wrap(MongoDatabase database) {
            InvocationHandler handler = (proxy, method, args) -> {
                Object result = invoke(database, method, args);
                return method.getName().equals("getCollection") ? wrap((MongoCollection<?>) result) : result;
            };
            return (MongoDatabase) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {MongoDatabase.class}, handler);
        }

        @SuppressWarnings("unchecked")
        <T> MongoCollection<T> wrap(MongoCollection<T> collection) {
            InvocationHandler handler = (proxy, method, args) -> {
                if (!OPERATIONS.contains(method.getName())) {
                    return invoke(collection, method, args);
                }
                if (dead) {
                    throw new Crash();
                }
                if (operations++ == dieAt) {
                    dead = true;
                    if (afterApplying) {
                        try {
                            invoke(collection, method, args);
                        } catch (RuntimeException ignored) {
                            // applied or not: the process is gone either way
                        }
                    }
                    throw new Crash();
                }
                return invoke(collection, method, args);
            };
            return (MongoCollection<T>) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {MongoCollection.class}, handler);
        }

        private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable {
            try {
                return method.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }
    }

    private static final WebhookProperties WEBHOOKS = new WebhookProperties(true, true, Duration.ofSeconds(2),
            Duration.ofDays(3), 4, 2, List.of(Duration.ofSeconds(5)), Duration.ofSeconds(1), Duration.ofHours(24),
            Duration.ofDays(30));

    /** One process: a record store of notes and the relay, over {@code database}. */
    private static final class Process {
        final RecordStore notes;
        final PlainEvents events;

        Process(MongoDatabase database, MutableClock clock) {
            WebhookSubscriptions subscriptions = new WebhookSubscriptions(
                    database.getCollection(WebhookSubscriptions.COLLECTION),
                    database.getCollection(WebhookDeliveries.COLLECTION),
                    new AddressPolicy(WebhookResolver.SYSTEM, true, true), ACTORS, clock, WEBHOOKS);
            WebhookDeliveries deliveries = new WebhookDeliveries(database.getCollection(WebhookDeliveries.COLLECTION),
                    database.getCollection(WebhookDeliveries.COUNTERS), JSON, WEBHOOKS);
            events = new PlainEvents(database, ACTORS, clock, List.of(new EventSource("note", "notes")),
                    List.of(new AuditLog(database.getCollection(AuditLog.COLLECTION)), FeedConsumers.over(database),
                            new WebhookConsumer(subscriptions, deliveries, JSON, clock, () -> { })));
            notes = new RecordStore(database.getCollection("notes"), "Note", Map.of(), Set.of(),
                    new RecordContext(events.outbox, events.deletes, id -> true, clock,
                            RecordContext.Unique.NONE, database));
        }
    }

    @Test
    void noLostAndNoOrphanEventWhereverTheProcessDies() {
        Random random = new Random(20261203L);
        int crashed = 0;
        Map<String, Integer> outcomes = new HashMap<>();
        for (int trial = 0; trial < TRIALS; trial++) {
            MongoDatabase database = client.getDatabase("crash_consistency");
            database.drop();
            subscribeToEverything(database);
            MutableClock clock = new MutableClock(Instant.parse("2026-12-03T10:00:00Z"));
            Dying dying = new Dying(random.nextInt(60), random.nextBoolean());
            Process doomed = new Process(dying.wrap(database), clock);
            try {
                workload(doomed, random);
            } catch (Crash e) {
                crashed++;
            }
            // a new process on the same store, long enough after for any interrupted delete to settle
            clock.advance(Duration.ofMinutes(5));
            Process next = new Process(database, clock);
            next.events.drain();
            outcomes.merge(check(database), 1, Integer::sum);
        }
        // the random points must actually have hit the write and relay paths, not only the end
        assertThat(crashed).isGreaterThan(TRIALS * 3 / 4);
        assertThat(outcomes).containsKeys("deleted", "live");
    }

    /** Creates, updates, archives, restores, batch-inserts and deletes notes, relaying now and then. */
    private static void workload(Process p, Random random) {
        Document a = p.notes.insert(new Document("title", "A"), new Document());
        relayMaybe(p, random);
        Document b = p.notes.insert(new Document("title", "B"), new Document());
        a = p.notes.replace(a, new Document("title", "A2"), new Document(), null);
        relayMaybe(p, random);
        a = p.notes.setArchived(a, true, new Document(), null);
        b = p.notes.replace(b, new Document("title", "B2").append("tag", "x"), new Document(), null);
        relayMaybe(p, random);
        p.notes.insertMany(new ArrayList<>(List.of(p.notes.newDocument(new Document("title", "C"), new Document()),
                p.notes.newDocument(new Document("title", "D"), new Document()))));
        a = p.notes.setArchived(a, false, new Document(), null);
        relayMaybe(p, random);
        p.notes.delete(b);
        relayMaybe(p, random);
        p.notes.mark(a, "merged", List.of(new Change("mergedFrom", null, "x")));
        p.events.relay.runOnce();
    }

    private static final tools.jackson.databind.json.JsonMapper JSON = tools.jackson.databind.json.JsonMapper.builder()
            .build();
    private static final ObjectId SUBSCRIPTION = new ObjectId("64b0000000000000000000aa");

    /** An active subscription to every event, as the API stores one, and the deliveries' unique key (declared by
     * WebhookConfiguration): what makes a delivery queued twice, by a relay that died before clearing, one. */
    private static void subscribeToEverything(MongoDatabase database) {
        database.getCollection(WebhookDeliveries.COLLECTION).createIndex(
                com.mongodb.client.model.Indexes.ascending("subscriptionId", "eventId"),
                new com.mongodb.client.model.IndexOptions().unique(true));
        database.getCollection(WebhookSubscriptions.COLLECTION).insertOne(new Document("_id", SUBSCRIPTION)
                .append("url", "https://hooks.example.test/crm").append("events", List.of("*"))
                .append("paused", false).append("disabled", false)
                .append("secrets", List.of(new Document("secret", "whsec_dGVzdA==").append("until", null))));
    }

    private static void relayMaybe(Process p, Random random) {
        if (random.nextBoolean()) {
            p.events.relay.runOnce();
        }
    }

    /**
     * Every record's trail is exactly versions 1..n, each once and in order; a deleted record's trail ends with one
     * delete; nothing is left pending. Returns what happened to note B ("live", "deleted" or "never").
     */
    private static String check(MongoDatabase database) {
        MongoCollection<Document> notes = database.getCollection("notes");
        MongoCollection<Document> audit = database.getCollection(AuditLog.COLLECTION);
        assertThat(notes.countDocuments(Filters.exists(Outbox.AT_PATH))).as("pending outboxes").isZero();
        assertThat(database.getCollection(HardDeletes.COLLECTION).countDocuments()).as("delete intents").isZero();
        Map<String, List<Document>> trails = new HashMap<>();
        for (Document event : audit.find().sort(new Document("_id", 1))) {
            trails.computeIfAbsent(event.getString("entityId"), k -> new ArrayList<>()).add(event);
        }
        String b = "never";
        for (Document note : notes.find()) {
            String id = note.getObjectId("_id").toHexString();
            List<Document> trail = trails.remove(id);
            long version = RecordMeta.version(note);
            assertThat(trail).as("trail of %s at version %d", id, version).isNotNull();
            assertThat(trail).extracting(e -> e.getLong("version"))
                    .as("one event per version of %s", id).containsExactly(versions(version));
            assertThat(trail.get(0).getString("action")).isEqualTo("create");
            if ("B2".equals(note.getString("title")) || "B".equals(note.getString("title"))) {
                b = "live";
            }
        }
        // what is left are the trails of records that are gone: they must end with exactly one delete
        for (Map.Entry<String, List<Document>> gone : trails.entrySet()) {
            List<Document> trail = gone.getValue();
            assertThat(trail).extracting(e -> e.getString("action")).as("trail of deleted %s", gone.getKey())
                    .startsWith("create").endsWith("delete").containsOnlyOnce("delete");
            List<Long> versions = trail.subList(0, trail.size() - 1).stream().map(e -> e.getLong("version")).toList();
            assertThat(versions).containsExactly(versions(versions.size()));
            b = "deleted";
        }
        checkFeedAndDeliveries(database);
        return b;
    }

    /**
     * The feed and the webhook deliveries hold exactly the audit trail's events, each once; the feed's numbers are
     * distinct; each record's deliveries go in version order, and its chain has one head, the first of them.
     */
    private static void checkFeedAndDeliveries(MongoDatabase database) {
        Set<Object> audited = new java.util.HashSet<>();
        database.getCollection(AuditLog.COLLECTION).find().forEach(e -> audited.add(e.get("_id")));
        List<Document> feed = database.getCollection(FeedConsumers.EVENTS).find().into(new ArrayList<>());
        assertThat(feed).extracting(e -> e.get("_id")).as("the feed").containsExactlyInAnyOrderElementsOf(audited);
        assertThat(feed).extracting(e -> e.get(FeedConsumers.SEQ)).as("feed numbers").doesNotHaveDuplicates();

        List<Document> deliveries = database.getCollection(WebhookDeliveries.COLLECTION).find()
                .sort(new Document("seq", 1)).into(new ArrayList<>());
        assertThat(deliveries).extracting(d -> new ObjectId(d.getString("eventId"))).as("webhook deliveries")
                .containsExactlyInAnyOrderElementsOf(audited.stream().map(ObjectId.class::cast).toList());
        Map<String, List<Document>> chains = new HashMap<>();
        deliveries.forEach(d -> chains.computeIfAbsent(d.getString("chain"), k -> new ArrayList<>()).add(d));
        for (Map.Entry<String, List<Document>> chain : chains.entrySet()) {
            List<Document> queued = chain.getValue();
            List<tools.jackson.databind.JsonNode> bodies = queued.stream()
                    .map(d -> JSON.readTree(d.getString("payload"))).toList();
            List<Long> versions = bodies.stream().filter(json -> !json.get("type").asString().endsWith(".deleted"))
                    .map(json -> json.get("version").asLong()).toList();
            assertThat(versions).as("deliveries of %s in version order", chain.getKey()).isSorted()
                    .doesNotHaveDuplicates();
            assertThat(bodies.subList(0, bodies.size() - 1)).as("a delete comes last in %s", chain.getKey())
                    .noneMatch(json -> json.get("type").asString().endsWith(".deleted"));
            assertThat(queued).filteredOn(d -> d.getBoolean("head", false)).as("heads of %s", chain.getKey())
                    .containsExactly(queued.get(0));
        }
    }

    private static Long[] versions(long upTo) {
        Long[] versions = new Long[(int) upTo];
        for (int i = 0; i < upTo; i++) {
            versions[i] = i + 1L;
        }
        return versions;
    }

    @Test
    void aCrashedDeleteIsDroppedOnlyWhenItsRecordIsStillThereAfterTheSettleDelay() {
        MongoDatabase database = client.getDatabase("crash_consistency");
        database.drop();
        MutableClock clock = new MutableClock(Instant.parse("2026-12-03T10:00:00Z"));
        Process p = new Process(database, clock);
        Document note = p.notes.insert(new Document("title", "kept"), new Document());
        p.events.drain();
        // the delete's first write (the intent) happened, the second (the delete) never did
        Dying dying = new Dying(0, true);
        Process doomed = new Process(dying.wrap(database), clock);
        Document current = note;
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> doomed.notes.delete(current))
                .isInstanceOf(Crash.class);
        assertThat(database.getCollection(HardDeletes.COLLECTION).countDocuments()).isOne();

        p.events.relay.runOnce();
        assertThat(database.getCollection(HardDeletes.COLLECTION).countDocuments()).as("still undecided").isOne();
        clock.advance(PlainEvents.PROPERTIES.settleAfter().plusSeconds(1));
        p.events.drain();
        assertThat(database.getCollection(HardDeletes.COLLECTION).countDocuments()).isZero();
        assertThat(database.getCollection(AuditLog.COLLECTION).countDocuments(Filters.eq("action", "delete")))
                .isZero();
        assertThat(database.getCollection("notes").countDocuments(Filters.eq("_id", note.get("_id")))).isOne();
    }

    @Test
    void aDeleteThatLostItsRaceIsNotAnEvent() {
        MongoDatabase database = client.getDatabase("crash_consistency");
        database.drop();
        MutableClock clock = new MutableClock(Instant.parse("2026-12-03T10:00:00Z"));
        Process p = new Process(database, clock);
        Document note = p.notes.insert(new Document("title", "v1"), new Document());
        Document updated = p.notes.replace(note, new Document("title", "v2"), new Document(), null);
        // a delete of version 1 after the update: re-read, deleted at version 2, one delete event
        p.notes.delete(note);
        p.events.drain();
        List<Document> trail = database.getCollection(AuditLog.COLLECTION).find().sort(new Document("_id", 1))
                .into(new ArrayList<>());
        assertThat(trail).extracting(e -> e.getString("action")).containsExactly("create", "update", "delete");
        assertThat(database.getCollection("notes").countDocuments()).isZero();
        assertThat(RecordMeta.version(updated)).isEqualTo(2);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> p.notes.delete(updated))
                .isInstanceOf(RecordException.NotFound.class);
        assertThat(ObjectId.isValid(trail.get(0).getString("entityId"))).isTrue();
    }
}
