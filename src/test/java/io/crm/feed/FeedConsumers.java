package io.crm.feed;

import com.mongodb.client.MongoDatabase;
import io.crm.events.EventConsumer;

/** The feed's consumer over a plain database, for tests of the events machinery outside Spring. */
public final class FeedConsumers {

    public static final String EVENTS = FeedCollections.EVENTS;
    public static final String SEQ = FeedCollections.SEQ;

    private FeedConsumers() {
    }

    public static EventConsumer over(MongoDatabase database) {
        return new FeedConsumer(new FeedCollections(database.getCollection(FeedCollections.EVENTS),
                database.getCollection(FeedCollections.COUNTERS)));
    }
}
