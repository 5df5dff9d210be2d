package io.crm.events;

import java.util.List;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoBulkWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.InsertManyOptions;
import org.bson.Document;

/** How a consumer keeps its copies idempotent: ids derived from the event's, and a duplicate is not an error. */
public final class IdempotentInserts {

    private IdempotentInserts() {
    }

    /** Inserts the documents whose ids are new (one unordered insertMany); the rest were stored before. */
    public static void insert(MongoCollection<Document> collection, List<Document> docs) {
        if (docs.isEmpty()) {
            return;
        }
        try {
            collection.insertMany(docs, new InsertManyOptions().ordered(false));
        } catch (MongoBulkWriteException e) {
            if (e.getWriteConcernError() != null || !e.getWriteErrors().stream()
                    .allMatch(w -> ErrorCategory.fromErrorCode(w.getCode()) == ErrorCategory.DUPLICATE_KEY)) {
                throw e;
            }
        }
    }
}
