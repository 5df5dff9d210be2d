package io.crm.property;

import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;

import io.crm.record.Field;
import io.crm.record.Fields;
import org.bson.types.Decimal128;

/**
 * The type of a custom property: how a JSON value becomes the stored value, and what a search may compare it with.
 * Stored shapes: text, email, url, phone and select as strings; multiselect a list of option values; number a double;
 * decimal a Decimal128 (exact); date the ISO text YYYY-MM-DD (sorts correctly); datetime a BSON date; boolean a boolean.
 */
public enum PropertyType {
    TEXT, NUMBER, DECIMAL, DATE, DATETIME, BOOLEAN, SELECT, MULTISELECT, EMAIL, URL, PHONE;

    /** The JSON name ({@code "multiselect"}). */
    public String json() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The type named by its JSON name, or null. */
    public static PropertyType ofJson(String name) {
        for (PropertyType type : values()) {
            if (type.json().equals(name)) {
                return type;
            }
        }
        return null;
    }

    /** Ordered comparisons (LT, GTE, BETWEEN...) make sense. */
    public boolean ordered() {
        return this == NUMBER || this == DECIMAL || this == DATE || this == DATETIME || this == TEXT;
    }

    /**
     * The stored value of one JSON value; {@code options} are the allowed option values of a select or multiselect.
     * Throws {@link Field.InvalidValue} with a message for the client.
     */
    public Object convert(Object json, List<String> options) {
        return switch (this) {
            case TEXT -> Fields.text(1, Fields.MAX_ATTRIBUTE_LENGTH).convert(json);
            case EMAIL -> Fields.email().convert(json);
            case PHONE -> Fields.phone().convert(json);
            case URL -> url(json);
            case BOOLEAN -> Fields.bool().convert(json);
            case DATE -> Fields.date().convert(json);
            case DATETIME -> Fields.instant().convert(json);
            case NUMBER -> number(json);
            case DECIMAL -> decimal(json);
            case SELECT -> Fields.oneOf(options).convert(json);
            case MULTISELECT -> multiselect(json, options);
        };
    }

    /**
     * The value kept in the attribute-pattern index entry ({@code _crm.props.v}) for one stored value (one entry per
     * element of a multiselect): strings lower-cased, so equality is case-insensitive; anything else as stored.
     */
    public static Object indexValue(Object stored) {
        return stored instanceof String s ? s.toLowerCase(Locale.ROOT) : stored;
    }

    private static Object url(Object json) {
        if (!(json instanceof String s) || s.isBlank() || s.length() > 2000) {
            throw new Field.InvalidValue("must be an http or https URL");
        }
        try {
            java.net.URI uri = new java.net.URI(s.strip());
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
                throw new Field.InvalidValue("must be an http or https URL");
            }
            return uri.toString();
        } catch (java.net.URISyntaxException e) {
            throw new Field.InvalidValue("must be an http or https URL");
        }
    }

    private static Object number(Object json) {
        double d;
        if (json instanceof Number n) {
            d = n.doubleValue();
        } else if (json instanceof String s) {
            try {
                d = Double.parseDouble(s.strip());
            } catch (NumberFormatException e) {
                throw new Field.InvalidValue("must be a number");
            }
        } else {
            throw new Field.InvalidValue("must be a number");
        }
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            throw new Field.InvalidValue("must be a finite number");
        }
        return d;
    }

    private static Object decimal(Object json) {
        try {
            BigDecimal value = json instanceof Double || json instanceof Float
                    ? new BigDecimal(json.toString())
                    : json instanceof Number n ? new BigDecimal(n.toString())
                    : json instanceof String s ? new BigDecimal(s.strip()) : null;
            if (value == null) {
                throw new Field.InvalidValue("must be a decimal number such as 1234.50");
            }
            return new Decimal128(value);
        } catch (NumberFormatException e) {
            throw new Field.InvalidValue("must be a decimal number such as 1234.50");
        }
    }

    private static Object multiselect(Object json, List<String> options) {
        if (!(json instanceof List<?> list)) {
            throw new Field.InvalidValue("must be a list of option values");
        }
        Field.Converter one = Fields.oneOf(options);
        java.util.LinkedHashSet<Object> values = new java.util.LinkedHashSet<>();
        for (Object item : list) {
            values.add(one.convert(item));
        }
        return new java.util.ArrayList<>(values);
    }
}
