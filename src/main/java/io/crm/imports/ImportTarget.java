package io.crm.imports;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import io.crm.record.Field;
import io.crm.record.Fields;
import io.crm.record.RecordService;

/**
 * One kind of record a CSV file can be imported into: the fields a column may be mapped to, how a row's cells
 * become a request body for the resource's own rules, and the field duplicates are matched on.
 *
 * @param entity     the API name ("contacts")
 * @param fields     the target field names a column may map to (nested ones as {@code address.city})
 * @param dynamic    a prefix of free target names ({@code attributes.} for contacts' extra fields), or null
 * @param matchField the field duplicates are matched on (email, domain)
 * @param matchPath  the stored path of its live-only unique key (a unique index), looked up per batch
 * @param synonyms   normalized header names (lower-case letters and digits) to the field they suggest
 */
record ImportTarget(String entity, RecordService<?> service, List<String> fields, String dynamic,
                    String matchField, String matchPath, Map<String, String> synonyms) {

    private static final Pattern LIST_SEPARATOR = Pattern.compile("[;,]");
    private static final Pattern NOT_ALNUM = Pattern.compile("[^\\p{L}\\p{N}]");

    /** Whether a column may be mapped to this target name. */
    boolean accepts(String target) {
        if (fields.contains(target)) {
            return true;
        }
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

    /** The field a header suggests (by its letters and digits, case-insensitively), or null. */
    String suggest(String header) {
        String key = normalize(header);
        for (String field : fields) {
            if (normalize(field).equals(key)) {
                return field;
            }
        }
        return synonyms.get(key);
    }

    static String normalize(String header) {
        return NOT_ALNUM.matcher(header.toLowerCase(Locale.ROOT)).replaceAll("");
    }

    /**
     * The request body of one row: each mapped, non-empty cell (trimmed, an export's formula guard removed) under its
     * field; {@code tags} split on ; or , and dotted names ({@code address.city}, {@code attributes.x}) nested.
     */
    Map<String, Object> body(String[] targets, List<String> cells) {
        Map<String, Object> body = new LinkedHashMap<>();
        for (int i = 0; i < targets.length && i < cells.size(); i++) {
            String target = targets[i];
            if (target == null) {
                continue;
            }
            String value = CsvWriter.unguard(cells.get(i).strip());
            if (value.isEmpty()) {
                continue;
            }
            int dot = target.indexOf('.');
            if (target.equals("tags")) {
                List<String> tags = new ArrayList<>();
                for (String tag : LIST_SEPARATOR.split(value)) {
                    if (!tag.isBlank()) {
                        tags.add(tag.strip());
                    }
                }
                body.put("tags", tags);
            } else if (dot > 0) {
                @SuppressWarnings("unchecked")
                Map<String, Object> nested = (Map<String, Object>) body.computeIfAbsent(target.substring(0, dot),
                        k -> new LinkedHashMap<String, Object>());
                nested.put(target.substring(dot + 1), value);
            } else {
                body.put(target, value);
            }
        }
        return body;
    }

    /** The duplicate-matching key of a row's body, normalized as the stored key is; null when the row has none. */
    String matchKey(Map<String, Object> body) {
        return body.get(matchField) instanceof String value && !value.isBlank()
                ? value.strip().toLowerCase(Locale.ROOT) : null;
    }
}
