package io.crm.record;

import com.mongodb.client.model.Filters;
import org.bson.Document;
import org.bson.types.ObjectId;

import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.stereotype.Component;

/** Checks that a record a field points to (companyId, contactId, dealId...) exists and is not archived. */
@Component
public class References {

    private final MongoTemplate mongo;

    public References(MongoTemplate mongo) {
        this.mongo = mongo;
    }

    public void require(String field, Object id, String collection, String label) {
        if (id == null) {
            return;
        }
        Document found = mongo.getCollection(collection)
                .find(Filters.and(Filters.eq("_id", id), Filters.eq(RecordMeta.ARCHIVED, false)))
                .projection(new Document("_id", 1)).first();
        if (found == null) {
            throw new RecordException.Invalid(field, "refers to no existing " + label
                    + (id instanceof ObjectId oid ? " (" + oid.toHexString() + ")" : ""));
        }
    }
}
