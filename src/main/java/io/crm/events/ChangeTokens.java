package io.crm.events;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import org.bson.Document;
import org.bson.types.ObjectId;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;

/**
 * One token per object type in {@value #COLLECTION}, replaced by a new one whenever the relay hands on a change of
 * that type. A replica may keep something it computed from a whole collection (the pipeline totals) under the token
 * it read before computing, and use it again while the token is the same: every change either still waits in its
 * record's outbox (or a delete intent), which {@link #current} looks at first, or has been relayed, which replaced
 * the token before the outbox was cleared. The tokens live in the store, so every replica sees every change.
 *
 * <p>A token is a new ObjectId each time, never a counter: a restored backup's old token is never taken for a later
 * one.
 */
public class ChangeTokens implements EventConsumer {

    public static final String COLLECTION = "change_tokens";

    private final MongoDatabase database;
    private final MongoCollection<Document> tokens;
    private final MongoCollection<Document> deletes;

    public ChangeTokens(MongoDatabase database) {
        this.database = database;
        this.tokens = database.getCollection(COLLECTION);
        this.deletes = database.getCollection(HardDeletes.COLLECTION);
    }

    @Override
    public String name() {
        return "change-tokens";
    }

    @Override
    public void accept(List<Event> events) {
        Set<String> types = new TreeSet<>();
        for (Event event : events) {
            types.add(event.objectType());
        }
        types.forEach(this::changed);
    }

    /**
     * Replaces the token of an object type: for a change made without events (the adoption of documents the original
     * service wrote), so nothing computed before it is used again.
     */
    public void changed(String objectType) {
        tokens.updateOne(Filters.eq("_id", objectType), Updates.set("token", new ObjectId()),
                new UpdateOptions().upsert(true));
    }

    /**
     * The current token of the source's object type, or empty while a change of it waits to be relayed (then nothing
     * computed earlier may be used, nor kept). The pending changes are looked at before the token is read: a change
     * relayed in between has replaced the token by then.
     */
    public Optional<Object> current(EventSource source) {
        if (database.getCollection(source.collection()).find(Outbox.PENDING)
                .projection(Projections.include("_id")).limit(1).first() != null) {
            return Optional.empty();
        }
        if (deletes.find(Filters.eq("collection", source.collection())).projection(Projections.include("_id"))
                .limit(1).first() != null) {
            return Optional.empty();
        }
        Document token = tokens.find(Filters.eq("_id", source.objectType())).first();
        if (token == null) {
            // the first ask in this database (or since it was emptied): a token of its own, so nothing kept from
            // another database (a test's dropped one) is ever taken for this one's; two replicas asking at once
            // agree on the one that was inserted first
            tokens.updateOne(Filters.eq("_id", source.objectType()), Updates.setOnInsert("token", new ObjectId()),
                    new UpdateOptions().upsert(true));
            token = tokens.find(Filters.eq("_id", source.objectType())).first();
        }
        return Optional.of(token.get("token"));
    }
}
