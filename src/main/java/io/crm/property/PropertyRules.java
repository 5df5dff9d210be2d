package io.crm.property;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import io.crm.record.Field;
import io.crm.record.FieldError;
import io.crm.record.Fields;
import io.crm.record.RecordException;
import org.bson.Document;

/**
 * What a property definition may be, as plain rules on request bodies (no store): the name's form and that it is no
 * built-in field of the object, options only for selects (non-empty, unique values), unique only for text, email and
 * number. Problems are 400s listing every field at once.
 */
final class PropertyRules {

    static final Pattern NAME = Pattern.compile("^[a-z][a-zA-Z0-9_]{0,63}$");
    static final Set<PropertyType> UNIQUE_TYPES = Set.of(PropertyType.TEXT, PropertyType.EMAIL, PropertyType.NUMBER);
    static final int MAX_OPTIONS = 500;
    /** Echoed by clients that send a fetched definition back; ignored like a record's server fields. */
    static final Set<String> SERVER_FIELDS = Set.of("objectType", "archived", "createdAt", "updatedAt");
    private static final Set<String> CREATE_FIELDS = Set.of("name", "label", "type", "options", "required", "unique",
            "description");
    private static final Set<String> PATCH_FIELDS = Set.of("label", "type", "options", "required", "description",
            "replaceOptions", "name", "unique");

    private PropertyRules() {
    }

    /** The stored fields of a new definition (without objectType and bookkeeping). */
    static Document create(Map<String, Object> body, Set<String> builtIns) {
        List<FieldError> errors = new ArrayList<>();
        unknown(body, CREATE_FIELDS, errors);
        Document doc = new Document();
        Object name = body.get("name");
        if (!(name instanceof String n) || !NAME.matcher(n).matches()) {
            errors.add(new FieldError("name", "must match ^[a-z][a-zA-Z0-9_]{0,63}$ (a letter a-z first)"));
        } else if (builtIns.contains(n)) {
            errors.add(new FieldError("name", "is a built-in field of this object"));
        } else {
            doc.put("name", n);
        }
        PropertyType type = type(body.get("type"), errors);
        doc.put("label", body.get("label") == null ? name : text("label", body.get("label"), 200, errors));
        doc.put("type", type == null ? null : type.json());
        doc.put("options", type == null ? List.of() : options(type, body.get("options"), errors));
        doc.put("required", bool("required", body.get("required"), errors));
        boolean unique = bool("unique", body.get("unique"), errors);
        if (unique && type != null && !UNIQUE_TYPES.contains(type)) {
            errors.add(new FieldError("unique", "is only for text, email and number properties"));
        }
        doc.put("unique", unique);
        if (body.get("description") != null) {
            doc.put("description", text("description", body.get("description"), 1000, errors));
        }
        if (!errors.isEmpty()) {
            throw new RecordException.Invalid(errors);
        }
        return doc;
    }

    /** A validated change of a definition. */
    record Change(Document next, Map<String, String> replacements) {
    }

    /** The definition after a merge patch of {@code current} (a stored definition), and the option replacements. */
    static Change patch(Document current, Map<String, Object> patch) {
        List<FieldError> errors = new ArrayList<>();
        unknown(patch, PATCH_FIELDS, errors);
        Document next = new Document(current);
        for (String fixed : List.of("name", "unique")) {
            if (patch.containsKey(fixed) && !java.util.Objects.equals(patch.get(fixed), current.get(fixed))) {
                errors.add(new FieldError(fixed, "cannot be changed"));
            }
        }
        if (patch.containsKey("label")) {
            next.put("label", patch.get("label") == null ? current.get("name")
                    : text("label", patch.get("label"), 200, errors));
        }
        if (patch.containsKey("description")) {
            if (patch.get("description") == null) {
                next.remove("description");
            } else {
                next.put("description", text("description", patch.get("description"), 1000, errors));
            }
        }
        if (patch.containsKey("required")) {
            next.put("required", bool("required", patch.get("required"), errors));
        }
        PropertyType type = PropertyType.ofJson(current.getString("type"));
        if (patch.containsKey("type")) {
            type = type(patch.get("type"), errors);
            if (type != null && current.getBoolean("unique", false) && !UNIQUE_TYPES.contains(type)) {
                errors.add(new FieldError("type", "must stay text, email or number: the property is unique"));
            }
        }
        if (type != null) {
            next.put("type", type.json());
            Object options = patch.containsKey("options") ? patch.get("options")
                    : isSelect(type) ? current.get("options") : null;
            if (!isSelect(type) && !patch.containsKey("options")) {
                options = null;
            }
            next.put("options", options(type, options, errors));
        }
        Map<String, String> replacements = replacements(patch.get("replaceOptions"), next, errors);
        if (!errors.isEmpty()) {
            throw new RecordException.Invalid(errors);
        }
        return new Change(next, replacements);
    }

    private static Map<String, String> replacements(Object json, Document next, List<FieldError> errors) {
        Map<String, String> replacements = new LinkedHashMap<>();
        if (json == null) {
            return replacements;
        }
        if (!(json instanceof Map<?, ?> map)) {
            errors.add(new FieldError("replaceOptions", "must be an object of removed option values to new ones"));
            return replacements;
        }
        Set<String> values = new HashSet<>(CustomProperties.fromDocument(next).optionValues());
        map.forEach((k, v) -> {
            if (!(v instanceof String to) || !values.contains(to)) {
                errors.add(new FieldError("replaceOptions." + k, "must be one of the property's options"));
            } else {
                replacements.put(String.valueOf(k), to);
            }
        });
        return replacements;
    }

    static boolean isSelect(PropertyType type) {
        return type == PropertyType.SELECT || type == PropertyType.MULTISELECT;
    }

    private static PropertyType type(Object json, List<FieldError> errors) {
        PropertyType type = json instanceof String s ? PropertyType.ofJson(s) : null;
        if (type == null) {
            List<String> names = java.util.Arrays.stream(PropertyType.values()).map(PropertyType::json).toList();
            errors.add(new FieldError("type", "must be one of " + String.join(", ", names)));
        }
        return type;
    }

    private static List<Document> options(PropertyType type, Object json, List<FieldError> errors) {
        if (!isSelect(type)) {
            if (json instanceof List<?> list && !list.isEmpty()) {
                errors.add(new FieldError("options", "are only for select and multiselect properties"));
            }
            return List.of();
        }
        if (!(json instanceof List<?> list) || list.isEmpty()) {
            errors.add(new FieldError("options", "must be a non-empty list of {value, label, order}"));
            return List.of();
        }
        if (list.size() > MAX_OPTIONS) {
            errors.add(new FieldError("options", "must have at most " + MAX_OPTIONS + " options"));
            return List.of();
        }
        List<Document> options = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            String at = "options[" + i + "]";
            Object item = list.get(i) instanceof Document d ? new LinkedHashMap<>(d) : list.get(i);
            if (!(item instanceof Map<?, ?> option)) {
                errors.add(new FieldError(at, "must be an object {value, label, order}"));
                continue;
            }
            String value = text(at + ".value", option.get("value"), 200, errors);
            if (value != null && !seen.add(value)) {
                errors.add(new FieldError(at + ".value", "is not unique"));
            }
            String label = option.get("label") == null ? value : text(at + ".label", option.get("label"), 200, errors);
            int order = i;
            if (option.get("order") instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
                order = n.intValue();
            } else if (option.get("order") != null) {
                errors.add(new FieldError(at + ".order", "must be a whole number"));
            }
            options.add(new Document("value", value).append("label", label).append("order", order));
        }
        return options;
    }

    private static String text(String field, Object json, int max, List<FieldError> errors) {
        try {
            return (String) Fields.text(1, max).convert(json);
        } catch (Field.InvalidValue invalid) {
            errors.add(new FieldError(field, invalid.getMessage()));
            return null;
        }
    }

    private static boolean bool(String field, Object json, List<FieldError> errors) {
        if (json == null) {
            return false;
        }
        if (!(json instanceof Boolean b)) {
            errors.add(new FieldError(field, "must be true or false"));
            return false;
        }
        return b;
    }

    private static void unknown(Map<String, Object> body, Set<String> known, List<FieldError> errors) {
        body.keySet().stream().filter(k -> !known.contains(k) && !SERVER_FIELDS.contains(k))
                .forEach(k -> errors.add(new FieldError(k, "is not a known field")));
    }
}
