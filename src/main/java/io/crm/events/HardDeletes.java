package io.crm.events;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one change that cannot carry its event inside the document: a permanent delete (the legacy
 * {@code DELETE /person}). Two writes: first an intent in {@value #COLLECTION} holding the object's pending events
 * and the delete event, then the delete itself, conditional on the version the intent names. The relay publishes an
 * intent once its object is gone, and drops it when the object is still there at another version, or at the same
 * version after {@code crm.events.settle-after} (the deleting request died in between). Its id is
 * collection:object:version, so two deletes of the same version cannot both claim it.
 */
public final class HardDeletes {

    public static final String COLLECTION = "event_deletes";

    private static final Logger log = LoggerFactory.getLogger(HardDeletes.class);

    private final MongoCollection<Document> intents;
    private final Clock clock;

    public HardDeletes(MongoCollection<Document> intents, Clock clock) {
        this.intents = intents;
        this.clock = clock;
    }

    public MongoCollection<Document> collection() {
        return intents;
    }

    /**
     * Deletes {@code current} from {@code records} if it still matches {@code unchanged} (its id and the version it
     * was read at), with {@code event}. Returns false when nothing was deleted (changed or gone meanwhile, or another
     * delete of the same version in progress): then there is no event either.
     */
    public boolean delete(String collectionName, MongoCollection<Document> records, Document current, long version,
                          Bson unchanged, Event event) {
        List<Document> events = new ArrayList<>(Outbox.pending(current));
        events.add(event.toDocument());
        String key = intentId(collectionName, current.get("_id"), version);
        try {
            intents.insertOne(new Document("_id", key).append("collection", collectionName)
                    .append("objectId", current.get("_id")).append("version", version)
                    .append("at", Date.from(clock.instant())).append("events", events));
        } catch (MongoWriteException e) {
            if (e.getError().getCategory() == ErrorCategory.DUPLICATE_KEY) {
                return false;
            }
            throw e;
        }
        if (records.findOneAndDelete(Filters.and(unchanged)) != null) {
            return true;
        }
        try {
            intents.deleteOne(Filters.eq("_id", key));
        } catch (RuntimeException e) {
            // the object is still there at another version or gone by another delete: the relay drops the intent
            log.warn("delete intent {} stays until the relay drops it: {}", key, e.getClass().getSimpleName());
        }
        return false;
    }

    static String intentId(String collection, Object objectId, long version) {
        return collection + ":" + Event.idText(objectId) + ":" + version;
    }
}
