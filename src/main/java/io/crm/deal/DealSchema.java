package io.crm.deal;

import java.util.List;
import java.util.Map;

import io.crm.record.Field;
import io.crm.record.Fields;
import io.crm.record.RecordMeta;
import io.crm.record.Schema;
import org.bson.Document;

/** Deals: fields, derived keys and JSON shape. Stored documents use the API field names; amount is a Decimal128. */
public final class DealSchema {

    public static final String COLLECTION = "deals";
    public static final String TITLE_KEY = RecordMeta.META + ".titleKey";
    /**
     * The amount as a sort key every deal has (one type, so keyset paging never meets a missing value): the amount,
     * or {@link #NO_AMOUNT} below every amount for a deal without one (first ascending, last descending).
     */
    public static final String AMOUNT_KEY = RecordMeta.META + ".amountKey";
    static final org.bson.types.Decimal128 NO_AMOUNT = new org.bson.types.Decimal128(-1);
    public static final int MAX_CONTACTS = 50;
    /** Set by the server from the stage; a client echoing it back is ignored, like the other server fields. */
    static final String CLOSED_AT = "closedAt";

    private DealSchema() {
    }

    /**
     * The deal fields. Pipeline, stage and currency get defaults on create; that the stage is one of the pipeline's
     * and the lost reason rule are checked by {@link DealService}, which knows the pipelines.
     */
    public static Schema schema() {
        return new Schema(List.of(
                Field.required("title", Fields.text(1, 200)).keyed(TITLE_KEY, false).aliases("deal", "deal name"),
                Field.optional("amount", Fields.money()).aliases("value", "deal value"),
                Field.optional("currency", Fields.currency()),
                Field.optional("pipelineId", Fields.objectId()).label("Pipeline"),
                Field.optional("stage", Fields.text(1, 50)).aliases("deal stage"),
                Field.optional("lostReason", Fields.text(1, 200)),
                Field.optional("companyId", Fields.objectId()).label("Company"),
                Field.optional("contactIds", Fields.objectIds(MAX_CONTACTS)).label("Contacts"),
                Field.optional("expectedCloseDate", Fields.date()).aliases("close date")));
    }

    public static Document derived(Document stored) {
        String title = RecordMeta.sortKey(stored.get("title"));
        return new Document("titleKey", title).append("search", title).append("amountKey", amountKey(stored));
    }

    static org.bson.types.Decimal128 amountKey(Document stored) {
        return stored.get("amount") instanceof org.bson.types.Decimal128 amount ? amount : NO_AMOUNT;
    }

    /** The API JSON: the fields, then closedAt (set by the server), then the bookkeeping. */
    static Map<String, Object> toJson(Schema schema, Document stored) {
        Map<String, Object> json = schema.toJson(stored, CLOSED_AT);
        if (json.get("pipelineId") == null) {
            // stored before pipelines existed: the default pipeline's
            json.put("pipelineId", Pipelines.DEFAULT_ID.toHexString());
        }
        return json;
    }
}
