package io.crm.contact;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import io.crm.record.CustomFields;
import io.crm.record.Field;
import io.crm.record.Fields;
import io.crm.record.RecordJson;
import io.crm.record.RecordMeta;
import io.crm.record.Schema;
import org.bson.Document;
import org.bson.types.ObjectId;

/**
 * Contacts and how they are stored. Contacts live in the original service's {@code persons} collection in its shape:
 * {@code person_id} is the contact's {@code externalId}, and every field that is not a contact field ("attributes")
 * stays a top-level field of the document, so data written by the original service and by this one are the same data.
 */
public final class ContactSchema {

    public static final String COLLECTION = "persons";
    public static final String LEGACY_ID = "person_id";
    public static final String EMAIL_KEY = RecordMeta.META + ".emailKey";
    public static final String NAME_KEY = RecordMeta.META + ".nameKey";

    static final Set<String> RESERVED_ATTRIBUTE_KEYS = Set.of("_id", "id", RecordMeta.META, LEGACY_ID, "externalId",
            "name", "email", "phone", "title", "companyId", "tags", "attributes", CustomFields.FIELD);

    private ContactSchema() {
    }

    /** The contact fields, with the configured limits on tags and attributes ({@code crm.limits.*}). */
    static Schema schema(int maxTags, int maxAttributes) {
        return new Schema(List.of(
                Field.required("name", Fields.text(1, 200)),
                Field.optional("email", Fields.email()),
                Field.optional("phone", Fields.phone()),
                Field.optional("title", Fields.text(1, 200)),
                Field.optional("companyId", Fields.objectId()),
                Field.optional("tags", Fields.tags(maxTags)),
                Field.optional("externalId", Fields.text(1, 200)),
                Field.mergeable("attributes", attributes(maxAttributes))));
    }

    private static Field.Converter attributes(int max) {
        Field.Converter flat = Fields.attributes(max);
        return json -> {
            Document attributes = (Document) flat.convert(json);
            for (String key : attributes.keySet()) {
                if (RESERVED_ATTRIBUTE_KEYS.contains(key)) {
                    throw new Field.InvalidValue("cannot use the reserved key " + key);
                }
            }
            return attributes;
        };
    }

    /**
     * The API view of a stored document (a {@link Document} in API field names, values still BSON). A known field
     * holding a value of another type (possible in legacy data) is shown as an attribute, so nothing is hidden.
     */
    public static Document toApi(Document stored) {
        Document api = new Document();
        Document attributes = new Document();
        for (Map.Entry<String, Object> e : stored.entrySet()) {
            String key = e.getKey();
            Object value = e.getValue();
            switch (key) {
                case "_id", RecordMeta.META -> api.put(key, value);
                case LEGACY_ID -> putTyped(api, attributes, "externalId", key, value, String.class);
                case "name", "email", "phone", "title" -> putTyped(api, attributes, key, key, value, String.class);
                case "companyId" -> putTyped(api, attributes, key, key, value, ObjectId.class);
                case "tags" -> putTyped(api, attributes, key, key, value, List.class);
                // the custom values (RecordService); a legacy attribute named "custom" that is no object stays one
                case CustomFields.FIELD -> putTyped(api, attributes, key, key, value, Document.class);
                default -> attributes.put(key, value);
            }
        }
        api.put("attributes", attributes);
        return api;
    }

    private static void putTyped(Document api, Document attributes, String apiKey, String storedKey, Object value,
                                 Class<?> type) {
        if (value == null || type.isInstance(value)) {
            api.put(apiKey, value);
        } else {
            attributes.put(storedKey, value);
        }
    }

    /** The stored document for an API-shaped one: externalId back to person_id, attributes flattened. */
    public static Document toStored(Document api) {
        Document stored = new Document();
        if (api.get("_id") != null) {
            stored.put("_id", api.get("_id"));
        }
        if (api.get("externalId") != null) {
            stored.put(LEGACY_ID, api.get("externalId"));
        }
        for (String key : List.of("name", "email", "phone", "title", "companyId", "tags", CustomFields.FIELD)) {
            if (api.get(key) != null) {
                stored.put(key, api.get(key));
            }
        }
        if (api.get("attributes") instanceof Document attributes) {
            // Attributes are top-level fields; a legacy value of an unexpected type under a contact field's name
            // comes back here too and is kept where it was unless the field itself was set.
            attributes.forEach((k, v) -> {
                if (!stored.containsKey(k) && !k.equals("_id") && !k.equals(RecordMeta.META)) {
                    stored.put(k, v);
                }
            });
        }
        return stored;
    }

    /** Keys derived from the fields, kept in the meta sub-document: search text, sort key, unique email key. */
    public static Document derived(Document stored) {
        Object name = stored.get("name");
        Object email = stored.get("email");
        Object phone = stored.get("phone");
        Document derived = new Document();
        derived.put("nameKey", RecordMeta.sortKey(name));
        if (email instanceof String s && !s.isBlank()) {
            derived.put("emailKey", s.strip().toLowerCase(Locale.ROOT));
        }
        derived.put("search", RecordMeta.searchText(name, email, phone));
        derived.put(MATCH_KEYS_FIELD, matchKeys(name, email, phone));
        return derived;
    }

    /** Meta field with the keys that make two contacts likely duplicates (see {@link #matchKeys}). */
    public static final String MATCH_KEYS_FIELD = "matchKeys";
    public static final String MATCH_KEYS = RecordMeta.META + "." + MATCH_KEYS_FIELD;

    /**
     * What likely duplicates share: the same email (case-insensitive), or the same normalized name (case and spacing
     * ignored) with the same phone digits. Unlike the unique email key these exist on archived contacts and on legacy
     * duplicates too, so they can be found.
     */
    public static List<String> matchKeys(Object name, Object email, Object phone) {
        List<String> keys = new java.util.ArrayList<>(2);
        if (email instanceof String e && !e.isBlank()) {
            keys.add("email:" + e.strip().toLowerCase(Locale.ROOT));
        }
        if (name instanceof String n && !n.isBlank() && phone instanceof String p) {
            String digits = p.replaceAll("[^0-9]", "");
            if (digits.length() >= 5) {
                keys.add("namephone:" + n.strip().toLowerCase(Locale.ROOT).replaceAll("\\s+", " ") + "|" + digits);
            }
        }
        return keys;
    }

    /** The JSON representation returned by the API. */
    public static Map<String, Object> toJson(Document stored) {
        Document api = toApi(stored);
        Document json = new Document();
        json.put("id", api.get("_id"));
        for (String key : List.of("name", "email", "phone", "title", "companyId", "tags", "externalId")) {
            json.put(key, api.get(key));
        }
        if (json.get("tags") == null) {
            json.put("tags", List.of());
        }
        json.put("attributes", api.get("attributes"));
        return RecordJson.withMeta(stored, json);
    }
}
