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

/**
 * Contacts and how they are stored. Contacts live in the original service's {@code persons} collection in its shape:
 * {@code person_id} is the contact's {@code externalId}, and every field that is not a contact field ("attributes")
 * stays a top-level field of the document, so data written by the original service and by this one are the same data.
 */
public final class ContactSchema {

    public static final String COLLECTION = "persons";
    public static final String LEGACY_ID = "person_id";
    /** The API field stored as {@link #LEGACY_ID}. */
    public static final String EXTERNAL_ID = "externalId";
    public static final String EMAIL_KEY = RecordMeta.META + ".emailKey";
    public static final String NAME_KEY = RecordMeta.META + ".nameKey";

    /** Keys an attribute may never take, besides every field's name and stored name. */
    private static final Set<String> RESERVED_KEYS = Set.of("_id", "id", RecordMeta.META, CustomFields.FIELD);

    private ContactSchema() {
    }

    /**
     * The contact fields, with the configured limits on tags and attributes ({@code crm.limits.*}). The one place a
     * contact field is declared: everything else (JSON view, search, forms, lists, CSV, merge, API docs) follows.
     */
    public static Schema schema(int maxTags, int maxAttributes) {
        return new Schema(List.of(
                Field.required("name", Fields.text(1, 200)).keyed(NAME_KEY, false)
                        .aliases("full name", "contact name", "contact"),
                Field.optional("email", Fields.email()).keyed(EMAIL_KEY, true).aliases("email address", "mail"),
                Field.optional("phone", Fields.phone()).aliases("phone number", "telephone", "tel", "mobile"),
                Field.optional("title", Fields.text(1, 200)).aliases("job title", "position"),
                Field.optional("companyId", Fields.objectId()).label("Company"),
                Field.optional("tags", Fields.tags(maxTags)).aliases("tag", "labels"),
                Field.optional(EXTERNAL_ID, Fields.text(1, 200)).storedAs(LEGACY_ID).label("External ID")
                        .aliases("person id"),
                Field.mergeable("attributes", Fields.attributes(maxAttributes))));
    }

    /**
     * The keys an attribute cannot take: every field's name and stored name (an attribute is a top-level field of
     * the stored document), ids, the meta and the custom values.
     */
    static Set<String> reservedAttributeKeys(Schema schema) {
        Set<String> keys = new java.util.HashSet<>(RESERVED_KEYS);
        for (Field field : schema.fields()) {
            keys.add(field.name());
            keys.add(field.path());
        }
        return Set.copyOf(keys);
    }

    /**
     * {@code schema} with its attributes refusing the reserved keys of this very schema (so a field a customizer
     * adds is reserved too), reported with the body's other field errors.
     */
    static Schema guardingAttributes(Schema schema) {
        Set<String> reserved = reservedAttributeKeys(schema);
        return new Schema(schema.fields().stream().map(field -> {
            if (field.kind() != Field.Kind.ATTRIBUTES || !(field.converter() instanceof Fields.Typed typed)) {
                return field;
            }
            Field.Converter checked = json -> {
                Document attributes = (Document) typed.convert(json);
                for (String key : attributes.keySet()) {
                    if (reserved.contains(key)) {
                        throw new Field.InvalidValue("cannot use the reserved key " + key);
                    }
                }
                return attributes;
            };
            return field.converting(new Fields.Typed(typed.schema(), checked, typed.kind(), null, List.of()));
        }).toList());
    }

    /**
     * The API view of a stored document (a {@link Document} in API field names, values still BSON). A known field
     * holding a value of another type (possible in legacy data) is shown as an attribute, so nothing is hidden.
     */
    public static Document toApi(Schema schema, Document stored) {
        Document api = new Document();
        Document attributes = new Document();
        for (Map.Entry<String, Object> e : stored.entrySet()) {
            String key = e.getKey();
            Object value = e.getValue();
            Field field = schema.storedAt(key);
            if (key.equals("_id") || key.equals(RecordMeta.META)) {
                api.put(key, value);
            } else if (key.equals(CustomFields.FIELD)) {
                // the custom values (RecordService); a legacy attribute named "custom" that is no object stays one
                putTyped(api, attributes, key, key, value, Document.class);
            } else if (field != null) {
                putTyped(api, attributes, field.name(), key, value, field.kind().storedType());
            } else {
                attributes.put(key, value);
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

    /** The stored document for an API-shaped one: fields under their stored names, attributes flattened. */
    public static Document toStored(Schema schema, Document api) {
        Document stored = new Document();
        if (api.get("_id") != null) {
            stored.put("_id", api.get("_id"));
        }
        for (Field field : schema.fields()) {
            if (field.kind() != Field.Kind.ATTRIBUTES && api.get(field.name()) != null) {
                stored.put(field.path(), api.get(field.name()));
            }
        }
        if (api.get(CustomFields.FIELD) != null) {
            stored.put(CustomFields.FIELD, api.get(CustomFields.FIELD));
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

    /** The JSON representation returned by the API: every field, {@code attributes} last. */
    public static Map<String, Object> toJson(Schema schema, Document stored) {
        Document api = toApi(schema, stored);
        Document json = new Document();
        json.put("id", api.get("_id"));
        for (Field field : schema.fields()) {
            if (field.kind() != Field.Kind.ATTRIBUTES) {
                Object value = api.get(field.name());
                json.put(field.name(), value == null && field.kind() == Field.Kind.LIST ? List.of() : value);
            }
        }
        json.put("attributes", api.get("attributes"));
        return RecordJson.withMeta(stored, json);
    }
}
