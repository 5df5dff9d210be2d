package io.crm.record;

import io.crm.json.JsonValues;
import java.util.Map;

import org.bson.Document;

/** The JSON shape every v1 record shares: id, the resource's own fields, then the bookkeeping from {@code _crm}. */
public final class RecordJson {

    private RecordJson() {
    }

    /** {@code json} (id and the record's fields) followed by createdAt, updatedAt, version, owner and authors and, if so, archived. */
    public static Map<String, Object> withMeta(Document stored, Document json) {
        Document meta = RecordMeta.of(stored);
        json.put("createdAt", meta.get("createdAt"));
        json.put("updatedAt", meta.get("updatedAt"));
        json.put("version", RecordMeta.version(stored));
        json.put("ownerId", meta.get("ownerId"));
        json.put("createdBy", meta.get("createdBy"));
        json.put("updatedBy", meta.get("updatedBy"));
        if (RecordMeta.archived(stored)) {
            json.put("archived", true);
            json.put("archivedAt", meta.get("archivedAt"));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> out = (Map<String, Object>) JsonValues.toJson(json);
        return out;
    }
}
