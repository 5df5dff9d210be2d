package io.crm.notification;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexModel;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;
import io.crm.store.CollectionIndexes;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * Each user's notifications in {@value #COLLECTION}: {_id, userId, kind, text, link, at, readAt, expireAt}, kept
 * {@link #KEEP}. An id is derived
 * from the event that caused it and the user, so a relayed-again batch stores nothing twice.
 */
public class NotificationStore {

    public static final String COLLECTION = "notifications";
    static final String USER_ID = "userId";
    static final String READ_AT = "readAt";
    static final String AT = "at";
    /** Notifications are news: after this they go (a TTL index on expireAt), read or not. */
    static final Duration KEEP = Duration.ofDays(90);

    private final MongoCollection<Document> collection;

    NotificationStore(MongoCollection<Document> collection) {
        this.collection = collection;
    }

    MongoCollection<Document> collection() {
        return collection;
    }

    /** One user's list, newest first; their unread ones and the unread count. */
    static CollectionIndexes indexes() {
        return new CollectionIndexes(COLLECTION, List.of(
                new IndexModel(Indexes.compoundIndex(Indexes.ascending(USER_ID), Indexes.descending(AT, "_id")),
                        new IndexOptions().name("notifications_user")),
                new IndexModel(Indexes.compoundIndex(Indexes.ascending(USER_ID, READ_AT),
                        Indexes.descending(AT, "_id")), new IndexOptions().name("notifications_user_unread")),
                new IndexModel(Indexes.ascending("expireAt"),
                        new IndexOptions().name("notifications_expiry").expireAfter(0L, TimeUnit.SECONDS))));
    }

    /** Newest first; only the unread ones when asked. */
    public List<Document> list(String userId, boolean unreadOnly, int limit) {
        Bson filter = unreadOnly ? Filters.and(Filters.eq(USER_ID, userId), Filters.eq(READ_AT, null))
                : Filters.eq(USER_ID, userId);
        return collection.find(filter).sort(Sorts.descending(AT, "_id")).limit(limit).into(new ArrayList<>());
    }

    public long unread(String userId) {
        return collection.countDocuments(Filters.and(Filters.eq(USER_ID, userId), Filters.eq(READ_AT, null)));
    }

    /** Marks one of the user's notifications read; false when the user has no such notification. */
    public boolean markRead(String userId, String id, Date at) {
        return collection.updateOne(Filters.and(Filters.eq("_id", id), Filters.eq(USER_ID, userId)),
                Updates.set(READ_AT, at)).getMatchedCount() == 1;
    }

    /** Marks these of the user's notifications read (the ones a page showed), or all unread when ids is null. */
    public long markAllRead(String userId, List<String> ids, Date at) {
        Bson filter = Filters.and(Filters.eq(USER_ID, userId), Filters.eq(READ_AT, null));
        if (ids != null) {
            filter = Filters.and(filter, Filters.in("_id", ids));
        }
        return collection.updateMany(filter, Updates.set(READ_AT, at)).getModifiedCount();
    }
}
