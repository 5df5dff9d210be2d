package io.crm.record;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.bson.Document;

/**
 * A resource's fields and how a request body becomes the stored document: full validation on create, JSON merge
 * patch (RFC 7396) on update. Server-managed fields in a body are ignored, unknown fields are rejected, and every
 * problem is reported at once as a list of {@link FieldError}s.
 */
public final class Schema {

    /** Set by the server only; clients may echo them back (e.g. PATCH with a fetched record) without effect. */
    public static final Set<String> SERVER_FIELDS = Set.of("id", "createdAt", "updatedAt", "version", "archived",
            "archivedAt", "createdBy", "updatedBy");

    private final Map<String, Field> fields = new LinkedHashMap<>();
    /** The fields by where they are stored (contacts' externalId under person_id); free attributes have no path. */
    private final Map<String, Field> stored = new java.util.HashMap<>();

    public Schema(List<Field> fields) {
        fields.forEach(f -> this.fields.put(f.name(), f));
        fields.stream().filter(f -> f.kind() != Field.Kind.ATTRIBUTES).forEach(f -> stored.put(f.path(), f));
    }

    /** The field stored under {@code path} (a stored document's top-level key), or null. */
    public Field storedAt(String path) {
        return stored.get(path);
    }

    public Field field(String name) {
        return fields.get(name);
    }

    /** The fields, in order. */
    public List<Field> fields() {
        return List.copyOf(fields.values());
    }

    /** The field names, in order. */
    public List<String> names() {
        return List.copyOf(fields.keySet());
    }

    /** This schema with more fields after its own (a {@link SchemaCustomizer}'s, or a test's). */
    public Schema with(Field... more) {
        List<Field> all = new ArrayList<>(fields.values());
        all.addAll(List.of(more));
        return new Schema(all);
    }

    /**
     * The fields with an object's parts in its place, named by their dotted path ({@code address.city}): the columns
     * of a CSV file, the properties of a search. Contacts' free attributes are not a column of their own kind here.
     */
    public List<Field> leaves() {
        List<Field> leaves = new ArrayList<>();
        for (Field field : fields.values()) {
            if (field.kind() == Field.Kind.OBJECT) {
                for (Field child : field.children()) {
                    leaves.add(new Field(field.name() + "." + child.name(), false, child.converter(), false,
                            child.label(), field.path() + "." + child.path(), child.key(), child.liveOnly(),
                            child.aliases()));
                }
            } else {
                leaves.add(field);
            }
        }
        return leaves;
    }

    /** The fields a stored record has (no id, no meta, no nulls), by API name: what a merge patch applies to. */
    public Document ownFields(Document stored) {
        Document own = new Document();
        for (Field field : fields.values()) {
            Object value = stored.get(field.path());
            if (value != null) {
                own.put(field.name(), value);
            }
        }
        return own;
    }

    /**
     * The API JSON of a stored record: id, every field by its API name (null when absent, a list field [] when
     * absent), the {@code server} fields it keeps of its own, then the bookkeeping.
     */
    public Map<String, Object> toJson(Document stored, String... server) {
        Document json = new Document("id", stored.get("_id"));
        for (Field field : fields.values()) {
            Object value = stored.get(field.path());
            json.put(field.name(), value == null && field.kind() == Field.Kind.LIST ? List.of() : value);
        }
        for (String name : server) {
            json.put(name, stored.get(name));
        }
        return RecordJson.withMeta(stored, json);
    }

    /**
     * The JSON Schema of a request body: a create (the required fields listed) or a JSON merge patch (nothing
     * required; null removes a field). Unknown fields are refused, so {@code additionalProperties} is false.
     */
    public Map<String, Object> requestSchema(boolean create) {
        Map<String, Object> properties = new LinkedHashMap<>();
        List<String> required = new ArrayList<>();
        for (Field field : fields.values()) {
            Map<String, Object> value = Fields.schemaOf(field.converter());
            properties.put(field.name(), create ? value
                    : Fields.schema("anyOf", List.of(value, Fields.schema("type", "null"))));
            if (create && field.required()) {
                required.add(field.name());
            }
        }
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("type", "object");
        schema.put("properties", properties);
        if (!required.isEmpty()) {
            schema.put("required", required);
        }
        schema.put("additionalProperties", false);
        return schema;
    }

    /**
     * The names a custom property may not take: the fields, the server fields, {@code ownerId}, {@code custom}, and
     * any {@code more} the resource keeps (a server-set field of its own).
     */
    public Set<String> reservedNames(String... more) {
        Set<String> names = new java.util.HashSet<>(fields.keySet());
        names.addAll(SERVER_FIELDS);
        names.add("ownerId");
        names.add(CustomFields.FIELD);
        names.addAll(List.of(more));
        return Set.copyOf(names);
    }

    /** Validates a create body into the document to store (without {@code _id} and meta). */
    public Document create(Map<String, Object> body) {
        List<FieldError> errors = new ArrayList<>();
        Document doc = new Document();
        apply(body, doc, errors);
        for (Field field : fields.values()) {
            if (field.required() && doc.get(field.name()) == null && !hasError(errors, field.name())) {
                errors.add(new FieldError(field.name(), "is required"));
            }
        }
        if (!errors.isEmpty()) {
            throw new RecordException.Invalid(errors);
        }
        return doc;
    }

    /** Applies a merge patch to a copy of {@code current}: null removes a field, anything else replaces it. */
    public Document patch(Document current, Map<String, Object> patch) {
        List<FieldError> errors = new ArrayList<>();
        Document doc = new Document(current);
        apply(patch, doc, errors);
        for (Map.Entry<String, Object> e : patch.entrySet()) {
            Field field = fields.get(e.getKey());
            if (e.getValue() == null && field != null && field.required()) {
                errors.add(new FieldError(field.name(), "is required and cannot be removed"));
            }
        }
        if (!errors.isEmpty()) {
            throw new RecordException.Invalid(errors);
        }
        return doc;
    }

    private void apply(Map<String, Object> body, Document doc, List<FieldError> errors) {
        for (Map.Entry<String, Object> e : body.entrySet()) {
            String name = e.getKey();
            if (SERVER_FIELDS.contains(name)) {
                continue;
            }
            Field field = fields.get(name);
            if (field == null) {
                errors.add(new FieldError(name, "is not a known field"));
                continue;
            }
            if (e.getValue() == null) {
                doc.remove(name);
                continue;
            }
            Object value = e.getValue();
            if (field.mergeable() && value instanceof Map<?, ?> patch && doc.get(name) instanceof Map<?, ?> current) {
                value = mergePatch(current, patch);
            }
            try {
                doc.put(name, field.converter().convert(value));
            } catch (Field.InvalidValue invalid) {
                errors.add(new FieldError(name, invalid.getMessage()));
            }
        }
    }

    /** RFC 7396 on one object: null removes a key, objects merge recursively, anything else replaces. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> mergePatch(Map<?, ?> target, Map<?, ?> patch) {
        Map<String, Object> result = new LinkedHashMap<>();
        target.forEach((k, v) -> result.put(String.valueOf(k), v));
        patch.forEach((k, v) -> {
            String key = String.valueOf(k);
            if (v == null) {
                result.remove(key);
            } else if (v instanceof Map<?, ?> inner && result.get(key) instanceof Map<?, ?> existing) {
                result.put(key, mergePatch(existing, inner));
            } else {
                result.put(key, v);
            }
        });
        return result;
    }

    private static boolean hasError(List<FieldError> errors, String field) {
        return errors.stream().anyMatch(e -> e.field().equals(field));
    }
}
