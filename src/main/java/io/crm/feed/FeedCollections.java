package io.crm.feed;

import com.mongodb.client.MongoCollection;
import org.bson.Document;

import org.springframework.data.mongodb.core.MongoTemplate;

/**
 * Where the feed lives: {@code events} (one document per event: {@code Event.toDocument()} plus {@code seq}) and its
 * state document in {@code counters} ({@code _id: "events"}: {@code seq}, the last sequence number handed out, and
 * {@code deletedThrough}, the highest sequence number retention may have deleted).
 */
final class FeedCollections {

    static final String EVENTS = "events";
    static final String COUNTERS = "counters";
    static final String STATE_ID = "events";

    static final String SEQ = "seq";
    static final String DELETED_THROUGH = "deletedThrough";

    final MongoCollection<Document> events;
    final MongoCollection<Document> counters;

    FeedCollections(MongoTemplate mongo) {
        this(mongo.getCollection(EVENTS), mongo.getCollection(COUNTERS));
    }

    FeedCollections(MongoCollection<Document> events, MongoCollection<Document> counters) {
        this.events = events;
        this.counters = counters;
    }

    /** {@code deletedThrough}, 0 before retention first deleted anything. */
    long deletedThrough() {
        Document state = counters.find(new Document("_id", STATE_ID))
                .projection(new Document(DELETED_THROUGH, 1)).first();
        return state != null && state.get(DELETED_THROUGH) instanceof Number n ? n.longValue() : 0;
    }
}
