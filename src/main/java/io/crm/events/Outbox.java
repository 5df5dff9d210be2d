package io.crm.events;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import com.mongodb.client.model.Filters;
import io.crm.store.StoreTransactions;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.bson.types.ObjectId;

/**
 * Makes the events of a change and puts them into the changed document itself, so the change and its events are
 * one single-document write (atomic on any MongoDB, the embedded store included, with no transaction). Pending
 * events live in the document's bookkeeping sub-document: {@code _crm.outbox}, oldest first; {@link EventRelay}
 * hands them to every consumer and then removes them.
 */
public final class Outbox {

    /** The bookkeeping sub-document of every stored object, and the outbox inside it. */
    public static final String META = "_crm";
    public static final String FIELD = "outbox";
    public static final String PATH = META + "." + FIELD;
    /** Indexed (multikey): a document has pending events exactly when it has a value here. */
    public static final String AT_PATH = PATH + ".at";
    /** The documents with pending events: a range on {@link #AT_PATH}, which the sparse outbox index serves. */
    public static final Bson PENDING = Filters.gte(AT_PATH, new java.util.Date(0L));

    private final Actors actors;
    private final Clock clock;
    private final EventSignal signal;

    public Outbox(Actors actors, Clock clock, EventSignal signal) {
        this.actors = actors;
        this.clock = clock;
        this.signal = signal;
    }

    /** The actor of the current change. */
    public Actor actor() {
        return actors.current();
    }

    /** A new event of the current actor, now. */
    public Event event(String objectType, String action, Object objectId, List<Change> changes, long version) {
        return new Event(new ObjectId(), objectType + "." + action, clock.instant(), actors.current(), objectType,
                Event.idText(objectId), changes, version);
    }

    /**
     * Sets the outbox of {@code next} (a document about to replace {@code current}, or a new one when {@code current}
     * is null) to the events still pending in {@code current} followed by {@code events}. {@code current} must be the
     * document as read from the store (its outbox included), and the replacement conditional on its version: the
     * relay only ever removes entries, so nothing pending is lost. Entries the relay removed meanwhile come back with
     * the replacement; they are relayed again, which every consumer ignores (idempotent).
     */
    public static void append(Document next, Document current, List<Event> events) {
        List<Document> entries = new ArrayList<>(current == null ? List.of() : pending(current));
        events.forEach(e -> entries.add(e.toDocument()));
        Object meta = next.get(META);
        Document target = meta instanceof Document d ? d : new Document();
        if (entries.isEmpty()) {
            target.remove(FIELD);
        } else {
            target.put(FIELD, entries);
        }
        next.put(META, target);
    }

    /** The entries pending in a stored document, oldest first. */
    public static List<Document> pending(Document stored) {
        Object meta = stored.get(META);
        if (meta instanceof Document d && d.get(FIELD) instanceof List<?> list) {
            List<Document> entries = new ArrayList<>(list.size());
            for (Object o : list) {
                if (o instanceof Document entry) {
                    entries.add(entry);
                }
            }
            return entries;
        }
        return List.of();
    }

    /**
     * Tells the relay of this process that events were just written into these documents, so it relays them now
     * instead of at its next search.
     */
    public void written(String collection, Object id) {
        written(collection, java.util.List.of(id));
    }

    /**
     * {@link #written(String, Object)} for a batch. Inside a transaction, once it has committed: before, the relay
     * would not see the events.
     */
    public void written(String collection, List<?> ids) {
        StoreTransactions.afterCommit(() -> signal.raise(collection, ids));
    }
}
