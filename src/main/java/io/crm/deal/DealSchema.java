package io.crm.deal;

import java.util.List;
import java.util.Map;

import io.crm.record.Field;
import io.crm.record.Fields;
import io.crm.record.RecordJson;
import io.crm.record.RecordMeta;
import io.crm.record.Schema;
import org.bson.Document;

/** Deals: fields, derived keys and JSON shape. Stored documents use the API field names; amount is a Decimal128. */
public final class DealSchema {

    public static final String COLLECTION = "deals";
    public static final String TITLE_KEY = RecordMeta.META + ".titleKey";
    public static final int MAX_CONTACTS = 50;
    /** Set by the server from the stage; a client echoing it back is ignored, like the other server fields. */
    static final String CLOSED_AT = "closedAt";

    private static final List<String> FIELDS = List.of("title", "amount", "currency", "pipelineId", "stage",
            "lostReason", "companyId", "contactIds", "expectedCloseDate", CLOSED_AT);

    private DealSchema() {
    }

    /**
     * The deal fields. Pipeline, stage and currency get defaults on create; that the stage is one of the pipeline's
     * and the lost reason rule are checked by {@link DealService}, which knows the pipelines.
     */
    static Schema schema() {
        return new Schema(List.of(
                Field.required("title", Fields.text(1, 200)),
                Field.optional("amount", Fields.money()),
                Field.optional("currency", Fields.currency()),
                Field.optional("pipelineId", Fields.objectId()),
                Field.optional("stage", Fields.text(1, 50)),
                Field.optional("lostReason", Fields.text(1, 200)),
                Field.optional("companyId", Fields.objectId()),
                Field.optional("contactIds", Fields.objectIds(MAX_CONTACTS)),
                Field.optional("expectedCloseDate", Fields.date())));
    }

    /** The record's own fields (no id, no meta). */
    static Document fields(Document stored) {
        return RecordJson.fields(stored, FIELDS);
    }

    public static Document derived(Document stored) {
        String title = RecordMeta.sortKey(stored.get("title"));
        return new Document("titleKey", title).append("search", title);
    }

    public static Map<String, Object> toJson(Document stored) {
        Map<String, Object> json = RecordJson.toJson(stored, FIELDS, "contactIds");
        if (json.get("pipelineId") == null) {
            // stored before pipelines existed: the default pipeline's
            json.put("pipelineId", Pipelines.DEFAULT_ID.toHexString());
        }
        return json;
    }
}
