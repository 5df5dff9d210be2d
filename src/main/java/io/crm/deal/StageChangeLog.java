package io.crm.deal;

import java.util.ArrayList;
import java.util.Date;
import java.util.List;

import com.mongodb.client.MongoCollection;
import io.crm.events.Change;
import io.crm.events.Event;
import io.crm.events.EventConsumer;
import io.crm.events.IdempotentInserts;
import org.bson.Document;
import org.bson.types.ObjectId;

import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.stereotype.Component;

/**
 * Every stage a deal enters, as {dealId, from, to, at, version} in {@value #COLLECTION} (from is null when the deal
 * was created; version is the deal's version that made the change, which orders changes saved in the same
 * millisecond), for timelines. A consumer of {@code deal.created} and {@code deal.stage_changed} events, so an entry
 * exists exactly when the change does; the entry's id is the event's, which makes a relayed-again batch a no-op.
 */
@Component
public class StageChangeLog implements EventConsumer {

    public static final String COLLECTION = "deal_stage_changes";
    public static final String DEAL_ID = "dealId";
    public static final String AT = "at";

    private final MongoCollection<Document> collection;

    public StageChangeLog(MongoTemplate mongo) {
        this.collection = mongo.getCollection(COLLECTION);
    }

    public MongoCollection<Document> collection() {
        return collection;
    }

    @Override
    public String name() {
        return "deal-stages";
    }

    @Override
    public void accept(List<Event> events) {
        List<Document> entries = new ArrayList<>();
        for (Event event : events) {
            if (!"deal".equals(event.objectType()) || !ObjectId.isValid(event.objectId())) {
                continue;
            }
            String action = event.action();
            if (action.equals("created") || action.equals("stage_changed")) {
                for (Change change : event.changes()) {
                    if (change.field().equals("stage")) {
                        entries.add(new Document("_id", event.id()).append(DEAL_ID, new ObjectId(event.objectId()))
                                .append("from", change.oldValue()).append("to", change.newValue())
                                .append(AT, Date.from(event.occurredAt())).append("version", event.version()));
                    }
                }
            }
        }
        IdempotentInserts.insert(collection, entries);
    }
}
