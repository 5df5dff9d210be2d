package io.crm.record;

import io.crm.json.JsonValues;
import java.util.List;
import java.util.Map;

import org.bson.Document;

/** The JSON shape every v1 record shares: id, the resource's own fields, then the bookkeeping from {@code _crm}. */
public final class RecordJson {

    private RecordJson() {
    }

    /** The named fields a stored record has (no id, no meta, no nulls): what a merge patch applies to. */
    public static Document fields(Document stored, List<String> names) {
        Document fields = new Document();
        names.forEach(k -> {
            if (stored.get(k) != null) {
                fields.put(k, stored.get(k));
            }
        });
        return fields;
    }

    /**
     * The API JSON of a record whose stored fields have their API names: id, every named field (null when absent;
     * {@code lists} shown as [] when absent), then the bookkeeping.
     */
    public static Map<String, Object> toJson(Document stored, List<String> names, String... lists) {
        Document json = new Document("id", stored.get("_id"));
        names.forEach(k -> json.put(k, stored.get(k)));
        for (String list : lists) {
            if (json.get(list) == null) {
                json.put(list, List.of());
            }
        }
        return withMeta(stored, json);
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
