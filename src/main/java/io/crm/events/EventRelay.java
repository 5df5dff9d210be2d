package io.crm.events;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.Updates;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves pending events from the outboxes of every {@link EventSource} (and the intents of permanent deletes) to every
 * {@link EventConsumer}, then removes them from the outboxes. Events of one object go in the order they were made;
 * an event is removed only after every consumer took it, so a crash anywhere means it comes again (consumers are
 * idempotent by event id). Exactly one replica relays at a time, under a lease ({@link Lease}); the event feed's
 * order depends on it.
 */
public class EventRelay {

    /** Runs a pass when this replica holds (or could take) the lease; false when another replica holds it. */
    @FunctionalInterface
    public interface Lease {
        boolean runIfHeld(Runnable pass);
    }

    private static final Logger log = LoggerFactory.getLogger(EventRelay.class);

    private final MongoDatabase database;
    private final List<EventSource> sources;
    private final List<EventConsumer> consumers;
    private final HardDeletes deletes;
    private final Lease lease;
    private final Clock clock;
    private final EventsProperties properties;
    private final EventSignal signal;
    private final Counter relayedEvents;
    private final Timer lag;
    /** Wall time (nanos) of the last search of every collection; a search is due every scan-every. */
    private volatile long lastScan = System.nanoTime() - Duration.ofDays(1).toNanos();

    public EventRelay(MongoDatabase database, List<EventSource> sources, List<EventConsumer> consumers,
                      HardDeletes deletes, Lease lease, Clock clock, EventsProperties properties, EventSignal signal,
                      MeterRegistry meters) {
        this.database = database;
        this.sources = List.copyOf(sources);
        this.consumers = List.copyOf(consumers);
        this.deletes = deletes;
        this.lease = lease;
        this.clock = clock;
        this.properties = properties;
        this.signal = signal;
        this.relayedEvents = Counter.builder("crm.events.relayed")
                .description("Events handed to every consumer (audit log, feed, webhooks)").register(meters);
        // change to relayed: what a webhook receiver or feed reader waits on top of their own delivery
        this.lag = Timer.builder("crm.events.relay.lag").description("Time from a change to its event being relayed")
                .publishPercentileHistogram().serviceLevelObjectives(Duration.ofMillis(100), Duration.ofSeconds(1))
                .maximumExpectedValue(Duration.ofMinutes(10)).register(meters);
    }

    /**
     * Relays what this process just wrote (the {@link EventSignal}'s hints: {@code _id} lookups) and, when a search
     * is due ({@code crm.events.scan-every}), whatever is pending anywhere, until nothing is left or half the lease
     * is used. Returns the number of events relayed: 0 when there was nothing to do, -1 when another replica holds
     * the lease (its own hints and searches cover everything then; this replica's hints are dropped).
     */
    public int runOnce() {
        return run(false);
    }

    private int run(boolean forceScan) {
        boolean scan = forceScan || System.nanoTime() - lastScan >= properties.scanEvery().toNanos();
        EventSignal.Hints peek = signal.take();
        if (!scan && peek.isEmpty()) {
            return 0;
        }
        int[] relayed = {0};
        boolean held = lease.runIfHeld(() -> {
            long deadline = System.nanoTime() + properties.lease().toNanos() / 2;
            EventSignal.Hints hints = peek;
            boolean search = scan || hints.overflowed();
            if (search) {
                lastScan = System.nanoTime();
            }
            int step;
            do {
                step = step(hints, search);
                relayed[0] += step;
                hints = signal.take();
                search = search && step > 0 || hints.overflowed();
            } while ((step > 0 || !hints.isEmpty()) && System.nanoTime() < deadline);
        });
        return held ? relayed[0] : -1;
    }

    /**
     * Relays until nothing is pending (or the timeout passes), searching everything and waiting for the lease when
     * another relay holds it: for tests and tools that need every event delivered before they look. Delete intents
     * that must still settle do not count.
     */
    public void drain(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            int relayed = run(true);
            if (relayed == 0 && pendingObjects() == 0 && undecidedDeletes() == 0) {
                return;
            }
            if (relayed <= 0) {
                java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
            }
        }
        throw new IllegalStateException("events still pending after " + timeout);
    }

    private long pendingObjects() {
        long pending = 0;
        for (EventSource source : sources) {
            pending += collection(source).countDocuments(Outbox.PENDING);
        }
        return pending;
    }

    private long undecidedDeletes() {
        long undecided = 0;
        for (Document intent : deletes.collection().find().limit(properties.batchSize())) {
            if (decide(intent) != Decision.WAIT) {
                undecided++;
            }
        }
        return undecided;
    }

    /**
     * One step: the hinted documents (by id) or, when {@code search}, a batch of every collection's documents with
     * pending events, and the delete intents; relayed. Returns events relayed (at least 1 when anything was done).
     */
    int step(EventSignal.Hints hints, boolean search) {
        Map<org.bson.types.ObjectId, Event> batch = new LinkedHashMap<>();
        List<Runnable> afterwards = new ArrayList<>();
        for (EventSource source : sources) {
            MongoCollection<Document> collection = collection(source);
            java.util.Set<Object> hinted = hints.byCollection().getOrDefault(source.collection(), java.util.Set.of());
            if (!search && hinted.isEmpty()) {
                continue;
            }
            Bson pending = search ? Outbox.PENDING : Filters.in("_id", hinted);
            List<UpdateOneModel<Document>> relayedHere = new ArrayList<>();
            for (Document doc : collection.find(pending).projection(Projections.include(Outbox.PATH))
                    .limit(properties.batchSize())) {
                List<Object> ids = new ArrayList<>();
                for (Document entry : Outbox.pending(doc)) {
                    Event event = Event.fromDocument(entry);
                    batch.putIfAbsent(event.id(), event);
                    ids.add(event.id());
                }
                if (!ids.isEmpty()) {
                    relayedHere.add(new UpdateOneModel<>(Filters.eq("_id", doc.get("_id")), Updates.pullByFilter(
                            new Document(Outbox.PATH, new Document("_id", new Document("$in", ids))))));
                }
            }
            if (!relayedHere.isEmpty()) {
                // one round trip clears what this step relayed from all of the collection's documents
                afterwards.add(() -> collection.bulkWrite(relayedHere, new BulkWriteOptions().ordered(false)));
            }
        }
        if (search || hints.byCollection().containsKey(HardDeletes.COLLECTION)) {
            for (Document intent : deletes.collection().find().limit(properties.batchSize())) {
                Decision decision = decide(intent);
                if (decision == Decision.WAIT) {
                    continue;
                }
                if (decision == Decision.PUBLISH) {
                    for (Document entry : intent.getList("events", Document.class, List.of())) {
                        Event event = Event.fromDocument(entry);
                        batch.putIfAbsent(event.id(), event);
                    }
                }
                Object id = intent.get("_id");
                afterwards.add(() -> deletes.collection().deleteOne(Filters.eq("_id", id)));
            }
        }
        if (afterwards.isEmpty()) {
            return 0;
        }
        List<Event> events = List.copyOf(batch.values());
        if (!events.isEmpty()) {
            for (EventConsumer consumer : consumers) {
                consumer.accept(events);
            }
        }
        afterwards.forEach(Runnable::run);
        if (!events.isEmpty()) {
            java.time.Instant now = clock.instant();
            relayedEvents.increment(events.size());
            events.forEach(e -> lag.record(Duration.between(e.occurredAt(), now).abs()));
            log.debug("relayed {} events", events.size());
        }
        return Math.max(events.size(), 1);
    }

    private enum Decision { PUBLISH, DROP, WAIT }

    /**
     * Whether a permanent delete happened: its object is gone (and no later delete intent of it exists), or not: the
     * object is there at another version, or still at the same one after the settle delay.
     */
    private Decision decide(Document intent) {
        String collection = intent.getString("collection");
        Object objectId = intent.get("objectId");
        long version = intent.get("version") instanceof Number n ? n.longValue() : 0;
        Document now = database.getCollection(collection).find(Filters.eq("_id", objectId))
                .projection(Projections.include(Outbox.META + ".version")).first();
        if (now == null) {
            for (Document other : deletes.collection().find(Filters.and(Filters.eq("collection", collection),
                    Filters.eq("objectId", objectId)))) {
                if (other.get("version") instanceof Number n && n.longValue() > version) {
                    return Decision.DROP;
                }
            }
            return Decision.PUBLISH;
        }
        long current = now.get(Outbox.META) instanceof Document meta && meta.get("version") instanceof Number n
                ? n.longValue() : 0;
        if (current != version) {
            return Decision.DROP;
        }
        Instant at = intent.getDate("at").toInstant();
        return clock.instant().isAfter(at.plus(properties.settleAfter())) ? Decision.DROP : Decision.WAIT;
    }

    private MongoCollection<Document> collection(EventSource source) {
        return database.getCollection(source.collection());
    }
}
