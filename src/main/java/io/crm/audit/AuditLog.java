package io.crm.audit;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.function.Supplier;

import com.mongodb.client.MongoCollection;
import io.crm.events.Actor;
import io.crm.events.Actors;
import io.crm.events.Change;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit trail of every change to CRM records and users. MongoDB here has no multi-document transactions (a
 * standalone server), so the event is written <em>first</em>, as {@code pending}, and the change only then: a change
 * whose event cannot be written does not happen. After the change the event becomes {@code applied}; a change that
 * is refused (stale version, duplicate, gone) removes its event again. An outcome nobody saw (a timeout, a crash in
 * between) leaves the event pending until {@link AuditReconciler} compares it with the entity.
 */
public class AuditLog {

    public static final String COLLECTION = "audit_events";
    public static final String PENDING = "pending";
    public static final String APPLIED = "applied";
    public static final String NOT_APPLIED = "not-applied";

    private static final Logger log = LoggerFactory.getLogger(AuditLog.class);

    private final MongoCollection<Document> events;
    private final Actors actors;
    private final Clock clock;

    public AuditLog(MongoCollection<Document> events, Actors actors, Clock clock) {
        this.events = events;
        this.actors = actors;
        this.clock = clock;
    }

    public MongoCollection<Document> collection() {
        return events;
    }

    public Actor actor() {
        return actors.current();
    }

    /**
     * Runs {@code write} as the change the event describes: event first, then the write, then the event's outcome.
     *
     * @param version the entity's version after the change (0 for a permanent delete)
     */
    public <T> T record(String action, String entityType, Object entityId, List<Change> changes, long version,
                        Supplier<T> write) {
        ObjectId eventId = new ObjectId();
        events.insertOne(pendingEvent(eventId, actors.current(), Date.from(clock.instant()), action, entityType,
                new Entry(entityId, changes, version)));
        T result;
        try {
            result = write.get();
        } catch (RuntimeException e) {
            if (e instanceof Refusal) {
                // refused before anything was written: the change did not happen, so neither did its event
                events.deleteOne(Filters.eq("_id", eventId));
            }
            throw e;
        }
        try {
            events.updateOne(Filters.eq("_id", eventId), Updates.set("state", APPLIED));
        } catch (RuntimeException e) {
            // the change is stored and its event exists; the reconciler settles the state later
            log.warn("audit event {} stays pending: {}", eventId.toHexString(), e.getClass().getSimpleName());
        }
        return result;
    }

    /** One entity's part of a batch of changes of the same kind: its id, changed fields and version after. */
    public record Entry(Object entityId, List<Change> changes, long version) {
    }

    /**
     * The batch form of {@link #record}, step one: writes the events of a batch of changes as {@code pending} with
     * one insert, before the changes are written. Returns the event ids in the order of {@code entries}; the caller
     * then reports each change's outcome with {@link #applied} or {@link #discard}.
     */
    public List<ObjectId> pending(String action, String entityType, List<Entry> entries) {
        Actor actor = actors.current();
        Date at = Date.from(clock.instant());
        List<ObjectId> ids = new ArrayList<>(entries.size());
        List<Document> docs = new ArrayList<>(entries.size());
        for (Entry entry : entries) {
            ObjectId eventId = new ObjectId();
            ids.add(eventId);
            docs.add(pendingEvent(eventId, actor, at, action, entityType, entry));
        }
        if (!docs.isEmpty()) {
            events.insertMany(docs);
        }
        return ids;
    }

    private static Document pendingEvent(ObjectId eventId, Actor actor, Date at, String action, String entityType,
                                         Entry entry) {
        Object entityId = entry.entityId();
        return new Document("_id", eventId)
                .append("at", at)
                .append("actorId", actor.id())
                .append("actorName", actor.name())
                .append("action", action)
                .append("entityType", entityType)
                .append("entityId", String.valueOf(entityId instanceof ObjectId id ? id.toHexString() : entityId))
                .append("version", entry.version())
                .append("changes", entry.changes().stream().map(Change::toDocument).toList())
                .append("state", PENDING);
    }

    /** Marks the events of changes that were written as applied (a failure leaves them to the reconciler). */
    public void applied(List<ObjectId> eventIds) {
        if (eventIds.isEmpty()) {
            return;
        }
        try {
            events.updateMany(Filters.in("_id", eventIds), Updates.set("state", APPLIED));
        } catch (RuntimeException e) {
            log.warn("{} audit events stay pending: {}", eventIds.size(), e.getClass().getSimpleName());
        }
    }

    /** Removes the events of changes that were certainly not written (refused): they did not happen. */
    public void discard(List<ObjectId> eventIds) {
        if (eventIds.isEmpty()) {
            return;
        }
        try {
            events.deleteMany(Filters.in("_id", eventIds));
        } catch (RuntimeException e) {
            // their entities do not exist, so the reconciler settles them as not-applied
            log.warn("{} audit events of refused changes stay pending: {}", eventIds.size(),
                    e.getClass().getSimpleName());
        }
    }
}
