package io.crm.record;

import java.math.BigDecimal;
import java.math.MathContext;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Currency;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import io.crm.record.Field.Converter;
import io.crm.record.Field.InvalidValue;
import org.bson.Document;
import org.bson.types.Decimal128;
import org.bson.types.ObjectId;

/**
 * The value converters the resources are built from; each one also enforces the value's rules, and describes the
 * values it accepts as a JSON Schema (OpenAPI 3.1), which the API documentation is generated from.
 */
public final class Fields {

    /**
     * A converter, the JSON Schema of what it accepts and the kind of value it stores; a list's {@code element}
     * converts one item, an object's {@code children} are its fields. Searches, forms, CSV columns and the API
     * documentation all read a field's description from here.
     */
    public record Typed(Map<String, Object> schema, Converter converter, Field.Kind kind, Converter element,
                        List<Field> children) implements Converter {
        @Override
        public Object convert(Object json) {
            return converter.convert(json);
        }
    }

    /** The JSON Schema of the values a converter accepts ({@code {}}, anything, when it does not say). */
    public static Map<String, Object> schemaOf(Converter converter) {
        return converter instanceof Typed typed ? typed.schema() : Map.of();
    }

    /** The kind of value a converter stores ({@link Field.Kind#TEXT} when it does not say). */
    public static Field.Kind kindOf(Converter converter) {
        return converter instanceof Typed typed ? typed.kind() : Field.Kind.TEXT;
    }

    /** The values an enum converter allows, in order (empty for any other converter). */
    @SuppressWarnings("unchecked")
    public static List<String> optionsOf(Converter converter) {
        return schemaOf(converter).get("enum") instanceof List<?> values ? (List<String>) values : List.of();
    }

    private static final Map<String, Object> ID_SCHEMA = schema("type", "string", "pattern", "^[0-9a-f]{24}$",
            "description", "a record id");

    private static Typed typed(Map<String, Object> schema, Field.Kind kind, Converter converter) {
        return new Typed(schema, converter, kind, null, List.of());
    }

    /** A list whose items {@code element} converts one by one (a filter on a list compares one item). */
    private static Typed list(Map<String, Object> schema, Converter element, Converter converter) {
        return new Typed(schema, converter, Field.Kind.LIST, element, List.of());
    }

    /** A JSON Schema from key/value pairs, in order. */
    public static Map<String, Object> schema(Object... pairs) {
        Map<String, Object> schema = new java.util.LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            schema.put((String) pairs[i], pairs[i + 1]);
        }
        return java.util.Collections.unmodifiableMap(schema);
    }

    /** An object of named fields, nothing else; required ones listed. */
    public static Map<String, Object> objectSchema(List<Field> fields) {
        Map<String, Object> properties = new java.util.LinkedHashMap<>();
        List<String> required = new ArrayList<>();
        for (Field field : fields) {
            properties.put(field.name(), schemaOf(field.converter()));
            if (field.required()) {
                required.add(field.name());
            }
        }
        return required.isEmpty() ? schema("type", "object", "properties", properties, "additionalProperties", false)
                : schema("type", "object", "properties", properties, "required", required,
                "additionalProperties", false);
    }

    private static final Pattern EMAIL = Pattern.compile("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$");
    private static final Pattern PHONE = Pattern.compile("^[0-9+()\\-. /#*xXextEXT]{1,50}$");
    private static final Pattern HOSTNAME = Pattern.compile(
            "^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$");
    private static final Pattern TAG = Pattern.compile("^[\\p{L}\\p{N}][\\p{L}\\p{N} _.:/+-]{0,49}$");
    private static final Set<String> COUNTRIES = Set.of(Locale.getISOCountries());
    private static final Set<String> CURRENCIES = Currency.getAvailableCurrencies().stream()
            .map(Currency::getCurrencyCode).collect(Collectors.toUnmodifiableSet());
    public static final int MAX_ATTRIBUTE_LENGTH = 2000;

    private Fields() {
    }

    public static Converter text(int min, int max) {
        return typed(schema("type", "string", "minLength", min, "maxLength", max), Field.Kind.TEXT, json -> {
            String s = string(json).strip();
            if (s.length() < min) {
                throw new InvalidValue(min == 1 ? "must not be blank" : "must have at least " + min + " characters");
            }
            if (s.length() > max) {
                throw new InvalidValue("must have at most " + max + " characters");
            }
            return s;
        });
    }

    public static Converter email() {
        return typed(schema("type", "string", "format", "email", "maxLength", 254), Field.Kind.STRING, json -> {
            String s = string(json).strip();
            if (s.length() > 254 || !EMAIL.matcher(s).matches()) {
                throw new InvalidValue("must be a valid email address");
            }
            return s;
        });
    }

    public static Converter phone() {
        return typed(schema("type", "string", "pattern", PHONE.pattern(), "maxLength", 50), Field.Kind.STRING, json -> {
            String s = string(json).strip();
            if (!PHONE.matcher(s).matches()) {
                throw new InvalidValue("must be a phone number (digits, spaces and + ( ) - . only, at most 50)");
            }
            return s;
        });
    }

    public static Converter hostname() {
        return typed(schema("type", "string", "format", "hostname", "example", "example.com"), Field.Kind.STRING, json -> {
            String s = string(json).strip().toLowerCase(Locale.ROOT);
            if (!HOSTNAME.matcher(s).matches()) {
                throw new InvalidValue("must be a domain name such as example.com");
            }
            return s;
        });
    }

    public static Converter objectId() {
        return typed(ID_SCHEMA, Field.Kind.ID, json -> {
            String s = string(json);
            if (!ObjectId.isValid(s)) {
                throw new InvalidValue("must be a record id (24 hexadecimal characters)");
            }
            return new ObjectId(s);
        });
    }

    public static Converter objectIds(int max) {
        Converter one = objectId();
        return list(schema("type", "array", "items", ID_SCHEMA, "maxItems", max, "uniqueItems", true), one, json -> {
            List<Object> ids = list(json, max);
            LinkedHashSet<Object> unique = new LinkedHashSet<>();
            for (Object id : ids) {
                unique.add(one.convert(id));
            }
            return new ArrayList<>(unique);
        });
    }

    /** A user's id, stored as its hex text (owners and assignees live in the users collection). */
    public static Converter userId() {
        return typed(schema("type", "string", "pattern", "^[0-9a-f]{24}$", "description", "a user id"), Field.Kind.ID,
                json -> {
                    String s = string(json);
                    if (!ObjectId.isValid(s)) {
                        throw new InvalidValue("must be a user id (24 hexadecimal characters)");
                    }
                    return s;
                });
    }

    /** Tags: trimmed, lower-cased, de-duplicated, order kept; at most {@code max} ({@code crm.limits.max-tags}). */
    public static Converter tags(int max) {
        Converter one = json -> {
            if (!(json instanceof String s) || !TAG.matcher(s.strip()).matches()) {
                throw new InvalidValue("each tag must be 1 to 50 letters, digits, spaces or _ . : / + -");
            }
            return s.strip().toLowerCase(Locale.ROOT);
        };
        return list(schema("type", "array", "items", schema("type", "string", "minLength", 1, "maxLength", 50), "maxItems", max), one, json -> {
            LinkedHashSet<Object> tags = new LinkedHashSet<>();
            for (Object item : list(json, max)) {
                tags.add(one.convert(item));
            }
            return new ArrayList<>(tags);
        });
    }

    public static Converter bool() {
        return typed(schema("type", "boolean"), Field.Kind.BOOLEAN, json -> {
            if (!(json instanceof Boolean b)) {
                throw new InvalidValue("must be true or false");
            }
            return b;
        });
    }

    public static Converter oneOf(Collection<String> allowed) {
        return typed(schema("type", "string", "enum", List.copyOf(allowed)), Field.Kind.ENUM, json -> {
            String s = string(json);
            if (!allowed.contains(s)) {
                throw new InvalidValue("must be one of " + String.join(", ", allowed));
            }
            return s;
        });
    }

    /** A non-negative amount with at most two decimals, stored exactly as Decimal128 (never a binary float). */
    public static Converter money() {
        return typed(schema("type", "string", "pattern", "^[0-9]{1,15}(\\.[0-9]{1,2})?$", "example", "1234.50", "description", "an exact decimal amount, at most 2 decimals (a JSON number below 10^13 is accepted too)"), Field.Kind.DECIMAL, json -> {
            BigDecimal value;
            try {
                value = json instanceof Double || json instanceof Float ? fromBinary(((Number) json).doubleValue())
                        : json instanceof Number n ? new BigDecimal(n.toString())
                        : new BigDecimal(string(json).strip());
            } catch (NumberFormatException e) {
                throw new InvalidValue("must be a decimal number such as 1234.50");
            }
            if (value.signum() < 0) {
                throw new InvalidValue("must be zero or more");
            }
            if (value.stripTrailingZeros().scale() > 2) {
                throw new InvalidValue("must have at most 2 decimals");
            }
            if (value.precision() - value.scale() > 15) {
                throw new InvalidValue("is too large");
            }
            return new Decimal128(value.setScale(2));
        });
    }

    /**
     * A JSON number the parser delivered as a binary double. Any decimal of at most 15 significant digits survives
     * the trip through a double, so rounding the double's exact value to 15 digits gives back what the client sent;
     * above 10^13 a 2-decimal amount has more digits than that, so it must come as a string to stay exact.
     */
    private static BigDecimal fromBinary(double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            throw new NumberFormatException("not finite");
        }
        if (Math.abs(d) >= 1e13) {
            throw new InvalidValue("must be sent as a string (e.g. \"12345678901234.50\") when 10^13 or more,"
                    + " so that no digit is lost");
        }
        return new BigDecimal(d).round(new MathContext(15)).stripTrailingZeros();
    }

    public static Converter currency() {
        return typed(schema("type", "string", "pattern", "^[A-Z]{3}$", "example", "USD", "description", "ISO 4217"), Field.Kind.ENUM, json -> {
            String s = string(json).strip().toUpperCase(Locale.ROOT);
            if (!CURRENCIES.contains(s)) {
                throw new InvalidValue("must be an ISO 4217 currency code such as USD");
            }
            return s;
        });
    }

    public static Converter country() {
        return typed(schema("type", "string", "pattern", "^[A-Z]{2}$", "example", "US", "description", "ISO 3166-1 alpha-2"), Field.Kind.ENUM, json -> {
            String s = string(json).strip().toUpperCase(Locale.ROOT);
            if (!COUNTRIES.contains(s)) {
                throw new InvalidValue("must be an ISO 3166-1 alpha-2 country code such as US");
            }
            return s;
        });
    }

    /** A calendar date, stored as its ISO text (YYYY-MM-DD), which also sorts correctly. */
    public static Converter date() {
        return typed(schema("type", "string", "format", "date"), Field.Kind.DATE, json -> {
            try {
                return LocalDate.parse(string(json)).toString();
            } catch (DateTimeParseException e) {
                throw new InvalidValue("must be a date in the form YYYY-MM-DD");
            }
        });
    }

    /** An instant with an explicit offset, e.g. 2026-01-31T09:00:00Z. */
    public static Converter instant() {
        return typed(schema("type", "string", "format", "date-time"), Field.Kind.DATETIME, json -> {
            try {
                return Date.from(OffsetDateTime.parse(string(json)).toInstant());
            } catch (DateTimeParseException e) {
                throw new InvalidValue("must be an ISO-8601 timestamp with offset, e.g. 2026-01-31T09:00:00Z");
            }
        });
    }

    /** A flat object of extra fields: scalar values only, safe keys, at most {@code max} of them. */
    public static Converter attributes(int max) {
        return typed(schema("type", "object", "maxProperties", max, "additionalProperties", schema("type", List.of("string", "number", "integer", "boolean", "null"))), Field.Kind.ATTRIBUTES, json -> {
            if (!(json instanceof Map<?, ?> map)) {
                throw new InvalidValue("must be an object");
            }
            if (map.size() > max) {
                throw new InvalidValue("must have at most " + max + " entries");
            }
            Document out = new Document();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                String key = String.valueOf(e.getKey());
                checkKey(key);
                Object value = e.getValue();
                if (!(value instanceof Document) && (value instanceof Map<?, ?> || value instanceof List<?>)) {
                    throw new InvalidValue("values must be text, numbers, booleans or null (" + key + ")");
                }
                if (value instanceof String s && s.length() > MAX_ATTRIBUTE_LENGTH) {
                    throw new InvalidValue("values must have at most " + MAX_ATTRIBUTE_LENGTH + " characters");
                }
                out.put(key, value instanceof BigDecimal d ? d.doubleValue() : value);
            }
            return out;
        });
    }

    /** A nested object with its own fields (e.g. an address); unknown keys are rejected. */
    public static Converter object(List<Field> fields) {
        return new Typed(objectSchema(fields), json -> {
            if (!(json instanceof Map<?, ?> map)) {
                throw new InvalidValue("must be an object");
            }
            Document out = new Document();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                Field field = fields.stream().filter(f -> f.name().equals(e.getKey())).findFirst()
                        .orElseThrow(() -> new InvalidValue("has an unknown field " + e.getKey()));
                if (e.getValue() != null) {
                    try {
                        out.put(field.name(), field.converter().convert(e.getValue()));
                    } catch (InvalidValue invalid) {
                        throw new InvalidValue(field.name() + " " + invalid.getMessage());
                    }
                }
            }
            return out;
        }, Field.Kind.OBJECT, null, List.copyOf(fields));
    }

    /** Field names become MongoDB keys: "$" prefixes would be operators and dots would be paths. */
    public static void checkKey(String key) {
        if (key.isEmpty() || key.length() > 100 || key.startsWith("$") || key.contains(".") || key.contains("\0")) {
            throw new InvalidValue("keys must be 1 to 100 characters, not start with $ and not contain dots");
        }
    }

    static String string(Object json) {
        if (json instanceof String s) {
            return s;
        }
        throw new InvalidValue("must be a string");
    }

    static List<Object> list(Object json, int max) {
        if (!(json instanceof List<?> l)) {
            throw new InvalidValue("must be an array");
        }
        if (l.size() > max) {
            throw new InvalidValue("must have at most " + max + " items");
        }
        return new ArrayList<>(l);
    }
}
