package io.crm.imports;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import io.crm.property.CustomProperties;
import io.crm.property.CustomProperty;
import io.crm.property.PropertyType;
import io.crm.record.Field;
import io.crm.record.Fields;
import io.crm.record.RecordService;
import io.crm.record.Schema;

/**
 * One kind of record a CSV file can be imported into, derived from the resource's schema: the fields a column may
 * be mapped to (an object's parts by their dotted names, {@code custom.<name>} for each live custom property), the
 * headers that suggest each one (its name, label and aliases), how a row's cells become a request body for the
 * resource's own rules, and the field duplicates are matched on (the one with a live-only unique key).
 *
 * @param entity the API name ("contacts")
 * @param custom the live custom properties, read when used (one may be added between preview and import)
 */
record ImportTarget(String entity, RecordService<?> service, Supplier<List<CustomProperty>> custom) {

    private static final Pattern LIST_SEPARATOR = Pattern.compile("[;,]");
    private static final String CUSTOM = CustomProperties.VALUES + ".";

    private Schema schema() {
        return service.schema();
    }

    /** The built-in fields a column may map to. */
    private List<Field> builtIn() {
        return schema().leaves().stream()
                .filter(f -> f.kind() != Field.Kind.ATTRIBUTES && f.kind() != Field.Kind.OBJECT).toList();
    }

    /** The target names a column may map to, built-in fields first. */
    List<String> fields() {
        List<String> fields = new ArrayList<>(builtIn().stream().map(Field::name).toList());
        custom.get().forEach(c -> fields.add(CUSTOM + c.name()));
        return fields;
    }

    /** A prefix of free target names ({@code attributes.} when the resource keeps free attributes), or null. */
    String dynamic() {
        return schema().fields().stream().filter(f -> f.kind() == Field.Kind.ATTRIBUTES).findFirst()
                .map(f -> f.name() + ".").orElse(null);
    }

    /** The field duplicates are matched on (the one with a live-only unique key: email, domain). */
    private Field unique() {
        return schema().leaves().stream().filter(Field::liveOnly).findFirst()
                .orElseThrow(() -> new IllegalStateException(entity + " has no unique key to match on"));
    }

    String matchField() {
        return unique().name();
    }

    /** The stored path of the match field's live-only unique key (a unique index), looked up per batch. */
    String matchPath() {
        return unique().key();
    }

    /** Whether a column may be mapped to this target name. */
    boolean accepts(String target) {
        if (fields().contains(target)) {
            return true;
        }
        String dynamic = dynamic();
        if (dynamic != null && target.startsWith(dynamic) && target.length() > dynamic.length()) {
            try {
                Fields.checkKey(target.substring(dynamic.length()));
                return true;
            } catch (Field.InvalidValue e) {
                return false;
            }
        }
        return false;
    }

    /** The field a header suggests (its letters and digits, any case, against names, labels and aliases), or null. */
    String suggest(String header) {
        if (fields().contains(header.strip())) {
            // an export's own header (address.city, custom.region): imports back as it was
            return header.strip();
        }
        String key = Field.normalize(header);
        for (Field field : builtIn()) {
            // a reference's label ("Company") names a record, while its cells must be ids: only its name suggests it
            boolean byLabel = field.kind() != Field.Kind.ID && Field.normalize(field.label()).equals(key);
            if (Field.normalize(field.name()).equals(key) || byLabel) {
                return field.name();
            }
        }
        for (CustomProperty property : custom.get()) {
            if (Field.normalize(property.name()).equals(key) || Field.normalize(property.label()).equals(key)) {
                return CUSTOM + property.name();
            }
        }
        for (Field field : builtIn()) {
            if (field.aliases().contains(key)) {
                return field.name();
            }
        }
        return null;
    }

    /** What turning rows into bodies needs, looked up once per batch rather than once per row. */
    Rows rows(String[] targets) {
        Map<String, Field.Kind> kinds = new LinkedHashMap<>();
        builtIn().forEach(f -> kinds.put(f.name(), f.kind()));
        Map<String, PropertyType> customTypes = new LinkedHashMap<>();
        custom.get().forEach(c -> customTypes.put(CUSTOM + c.name(), c.type()));
        return new Rows(targets, kinds, customTypes, matchField());
    }

    /** The rows of one batch under a mapping ({@code targets}: the field of each column, null: ignored). */
    record Rows(String[] targets, Map<String, Field.Kind> kinds, Map<String, PropertyType> customTypes,
                String matchField) {

        /**
         * The request body of one row: each mapped, non-empty cell (trimmed, an export's formula guard removed)
         * under its field; a list split on ; or , and dotted names ({@code address.city}, {@code attributes.x},
         * {@code custom.region}) nested; a custom boolean from true/false, yes/no or 1/0.
         */
        Map<String, Object> body(List<String> cells) {
            Map<String, Object> body = new LinkedHashMap<>();
            for (int i = 0; i < targets.length && i < cells.size(); i++) {
                String target = targets[i];
                if (target == null) {
                    continue;
                }
                String text = CsvWriter.unguard(cells.get(i).strip());
                if (text.isEmpty()) {
                    continue;
                }
                Object value = text;
                PropertyType customType = customTypes.get(target);
                if (kinds.get(target) == Field.Kind.LIST || customType == PropertyType.MULTISELECT) {
                    value = items(text);
                } else if (customType == PropertyType.BOOLEAN) {
                    value = bool(text);
                }
                int dot = target.indexOf('.');
                if (dot > 0) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> nested = (Map<String, Object>) body.computeIfAbsent(
                            target.substring(0, dot), k -> new LinkedHashMap<String, Object>());
                    nested.put(target.substring(dot + 1), value);
                } else {
                    body.put(target, value);
                }
            }
            return body;
        }

        /** The duplicate-matching key of a row's body, normalized as the stored key is; null when it has none. */
        String matchKey(Map<String, Object> body) {
            return body.get(matchField) instanceof String value && !value.isBlank()
                    ? value.strip().toLowerCase(Locale.ROOT) : null;
        }
    }

    private static List<String> items(String text) {
        List<String> items = new ArrayList<>();
        for (String item : LIST_SEPARATOR.split(text)) {
            if (!item.isBlank()) {
                items.add(item.strip());
            }
        }
        return items;
    }

    /** A boolean cell; anything else stays text, so the property's rule names the problem. */
    private static Object bool(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "1" -> true;
            case "false", "no", "0" -> false;
            default -> text;
        };
    }
}
