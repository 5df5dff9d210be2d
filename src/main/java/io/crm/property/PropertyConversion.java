package io.crm.property;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;

import io.crm.json.JsonValues;
import io.crm.record.Field;

/**
 * Stored custom values back to JSON, and from one definition of a property to another (a changed type, replaced
 * options): the stored value is read back as the JSON a client would send, adapted where the new type has an obvious
 * reading of it (a number as text, a single value as a list, a date as a midnight UTC datetime), then converted by the
 * new definition exactly as a request's value would be.
 */
final class PropertyConversion {

    private PropertyConversion() {
    }

    /** The JSON view of a stored value: decimals as exact strings, datetimes as instants, the rest as stored. */
    static Object json(Object stored) {
        return JsonValues.toJson(stored);
    }

    /** The request-shaped JSON of a stored value: what a client would send for it (datetimes as ISO text). */
    static Object input(Object stored) {
        Object json = JsonValues.toJson(stored);
        if (json instanceof Instant instant) {
            return instant.toString();
        }
        if (json instanceof List<?> list) {
            return list.stream().map(PropertyConversion::input).toList();
        }
        return json;
    }

    /**
     * The stored value under {@code target} of a value stored under an earlier definition, with option values renamed
     * by {@code replacements} first; throws {@link Field.InvalidValue} when it does not convert.
     */
    static Object convert(Object stored, CustomProperty target, Map<String, String> replacements) {
        Object json = replaced(input(stored), replacements);
        return target.convert(adapt(json, target.type()));
    }

    private static Object replaced(Object json, Map<String, String> replacements) {
        if (json instanceof String s) {
            return replacements.getOrDefault(s, s);
        }
        if (json instanceof List<?> list) {
            return list.stream().map(v -> replaced(v, replacements)).toList();
        }
        return json;
    }

    private static Object adapt(Object json, PropertyType type) {
        return switch (type) {
            case TEXT, EMAIL, URL, PHONE, SELECT -> text(json instanceof List<?> list && list.size() == 1
                    ? list.get(0) : json);
            case MULTISELECT -> json instanceof List<?> ? json : List.of(text(json));
            case BOOLEAN -> json instanceof String s && (s.equals("true") || s.equals("false"))
                    ? Boolean.valueOf(s) : json;
            case DATE -> json instanceof String s ? dateOf(s) : json;
            case DATETIME -> json instanceof String s && s.length() == 10 ? midnight(s) : json;
            case NUMBER, DECIMAL -> json;
        };
    }

    private static Object text(Object json) {
        if (json instanceof Double d && d == Math.rint(d) && Math.abs(d) < 1e15) {
            return Long.toString(d.longValue());
        }
        return json instanceof Number || json instanceof Boolean ? String.valueOf(json) : json;
    }

    private static String dateOf(String s) {
        try {
            return OffsetDateTime.parse(s).withOffsetSameInstant(ZoneOffset.UTC).toLocalDate().toString();
        } catch (DateTimeParseException e) {
            return s;
        }
    }

    private static String midnight(String s) {
        try {
            return LocalDate.parse(s).atStartOfDay().atOffset(ZoneOffset.UTC).toInstant().toString();
        } catch (DateTimeParseException e) {
            return s;
        }
    }
}
