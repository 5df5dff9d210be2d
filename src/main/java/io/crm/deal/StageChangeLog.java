package io.crm.deal;

import java.util.Date;

import com.mongodb.client.MongoCollection;
import org.bson.Document;
import org.bson.types.ObjectId;

import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.stereotype.Component;

/**
 * Every stage a deal enters, as {dealId, from, to, at, version} in {@value #COLLECTION} (from is null when the deal
 * was created; version is the deal's version that made the change, which orders changes saved in the same
 * millisecond), for timelines. Entries are written after the deal itself is saved, so a logged change always
 * happened.
 */
@Component
public class StageChangeLog {

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

    public void record(ObjectId dealId, String from, String to, Date at, long version) {
        collection.insertOne(new Document("_id", new ObjectId()).append(DEAL_ID, dealId).append("from", from)
                .append("to", to).append(AT, at).append("version", version));
    }
}
