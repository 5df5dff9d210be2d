package io.crm.feed;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoWriteException;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Updates;
import io.crm.events.Change;
import io.crm.events.Event;
import io.crm.events.EventConsumer;
import org.bson.Document;
import org.bson.types.ObjectId;

/**
 * Stores every event in the feed ({@code events}), idempotent by event id: a batch that comes again (the relay
 * retrying after a crash) adds nothing. New events get consecutive sequence numbers, reserved with one {@code $inc}
 * per batch and inserted in the order given, which is the feed's order. On {@code <object>.erased} the old and new
 * values of that object's earlier events are blanked before the erased event itself is stored.
 */
public class FeedConsumer implements EventConsumer {

    /** The action of the right-to-erasure event. */
    static final String ERASED = "erased";
    /** Attempts at storing a batch that keeps meeting events some concurrent writer stored first. */
    private static final int MAX_ATTEMPTS = 10;

    private final FeedCollections store;

    FeedConsumer(FeedCollections store) {
        this.store = store;
    }

    @Override
    public String name() {
        return "feed";
    }

    @Override
    public void accept(List<Event> events) {
        // the same id twice in one batch is one event
        Map<ObjectId, Event> byId = new LinkedHashMap<>();
        events.forEach(e -> byId.putIfAbsent(e.id(), e));
        Set<ObjectId> stored = storedAmong(byId.keySet());
        List<Event> pending = new ArrayList<>();
        for (Event event : byId.values()) {
            if (stored.contains(event.id())) {
                // an erased event already stored means its scrub finished too (the scrub runs before the insert)
                continue;
            }
            if (ERASED.equals(event.action())) {
                // the object's events before this one, those of this batch included, are stored and then blanked
                insert(pending);
                pending.clear();
                scrub(event);
            }
            pending.add(event);
        }
        insert(pending);
    }

    /** The ids among these that the feed already holds (one query). */
    private Set<ObjectId> storedAmong(Set<ObjectId> ids) {
        Set<ObjectId> stored = new HashSet<>();
        if (ids.isEmpty()) {
            return stored;
        }
        store.events.find(Filters.in("_id", ids)).projection(Projections.include("_id"))
                .forEach(d -> stored.add(d.getObjectId("_id")));
        return stored;
    }

    /**
     * Inserts these (none of them stored when the batch was read) with fresh sequence numbers. An ordered insert stops
     * at a duplicate id, which only a concurrent writer (a relay whose lease ran out, still finishing its batch) can
     * cause: what is left after it is stored again with new numbers. A reserved number left unused is harmless, since
     * readers follow cursors rather than counting numbers.
     */
    private void insert(List<Event> events) {
        List<Event> left = events;
        for (int attempt = 1; !left.isEmpty(); attempt++) {
            long last = reserve(left.size());
            long first = last - left.size() + 1;
            List<Document> documents = new ArrayList<>(left.size());
            for (int i = 0; i < left.size(); i++) {
                documents.add(left.get(i).toDocument().append(FeedCollections.SEQ, first + i));
            }
            try {
                store.events.insertMany(documents, new InsertManyOptions().ordered(true));
                return;
            } catch (MongoBulkWriteException e) {
                List<BulkWriteError> errors = e.getWriteErrors();
                if (attempt >= MAX_ATTEMPTS || errors.isEmpty() || errors.stream()
                        .anyMatch(w -> ErrorCategory.fromErrorCode(w.getCode()) != ErrorCategory.DUPLICATE_KEY)) {
                    throw e;
                }
                // everything before the failed one is in; from it on, keep what nobody else stored meanwhile
                List<Event> rest = left.subList(errors.get(0).getIndex(), left.size());
                Set<ObjectId> stored = storedAmong(new HashSet<>(rest.stream().map(Event::id).toList()));
                left = rest.stream().filter(ev -> !stored.contains(ev.id())).toList();
            }
        }
    }

    /** Reserves {@code count} sequence numbers; returns the last of them. */
    private long reserve(int count) {
        FindOneAndUpdateOptions upsert = new FindOneAndUpdateOptions().upsert(true)
                .returnDocument(ReturnDocument.AFTER);
        Document state;
        try {
            state = store.counters.findOneAndUpdate(Filters.eq("_id", FeedCollections.STATE_ID),
                    Updates.inc(FeedCollections.SEQ, (long) count), upsert);
        } catch (MongoWriteException e) {
            if (e.getError().getCategory() != ErrorCategory.DUPLICATE_KEY) {
                throw e;
            }
            // two first-ever upserts raced; the document exists now
            state = store.counters.findOneAndUpdate(Filters.eq("_id", FeedCollections.STATE_ID),
                    Updates.inc(FeedCollections.SEQ, (long) count), upsert);
        }
        return ((Number) state.get(FeedCollections.SEQ)).longValue();
    }

    /**
     * Right to erasure: the old and new values of every change in this object's stored events become null (the field
     * names stay, so the history still says what changed and when, not to what).
     */
    private void scrub(Event erased) {
        for (Document stored : store.events.find(Filters.and(
                        Filters.eq("objectType", erased.objectType()), Filters.eq("objectId", erased.objectId())))
                .projection(Projections.include("changes"))) {
            List<Document> changes = stored.getList("changes", Document.class, List.of());
            if (changes.stream().allMatch(c -> c.get("old") == null && c.get("new") == null)) {
                continue;
            }
            store.events.updateOne(Filters.eq("_id", stored.get("_id")), Updates.set("changes", Change.blanked(changes)));
        }
    }
}
