package io.crm.record;

import java.util.List;
import java.util.Locale;

import org.bson.types.Decimal128;
import org.bson.types.ObjectId;

/**
 * One field of a resource, and everything the rest of the service knows about it: its JSON name, whether it is
 * required, how a JSON value becomes the stored (BSON) value, the label people see, where it is stored, its derived
 * lower-cased key and the CSV headers that suggest it. The JSON view, searches, forms, list columns, CSV import and
 * export, merge and the API documentation are all derived from a resource's fields, so a field is added in one place.
 *
 * @param label     what people see (forms, columns, filters, CSV mapping); by default the name in words
 * @param path      where the value is stored when not under its name (contacts' {@code externalId} is {@code person_id})
 * @param key       a derived key holding the value lower-cased ({@code _crm.nameKey}): equality and order use it
 * @param liveOnly  the key exists on live records only ({@code _crm.emailKey}, the unique key)
 * @param aliases   normalized CSV headers (lower-case letters and digits) that suggest this field on import
 */
public record Field(String name, boolean required, Converter converter, boolean mergeable, String label,
                    String path, String key, boolean liveOnly, List<String> aliases) {

    /** The kinds of stored values: what a search may compare, which input a form shows. */
    public enum Kind {
        /** Free text that also orders (names, titles). */
        TEXT,
        /** Text without a useful order: email, phone, domain, external ids. */
        STRING,
        /** One of a fixed set of values. */
        ENUM,
        /** A record id (ObjectId). */
        ID,
        DATE,
        DATETIME,
        DECIMAL,
        NUMBER,
        BOOLEAN,
        /** A list of values (tags, ids). */
        LIST,
        /** A nested object with fields of its own (an address). */
        OBJECT,
        /** A flat object of free keys (contacts' attributes). */
        ATTRIBUTES;

        /** The Java type a stored value of this kind has (a legacy value of another type is not this field's). */
        public Class<?> storedType() {
            return switch (this) {
                case TEXT, STRING, ENUM, DATE -> String.class;
                case ID -> ObjectId.class;
                case DATETIME -> java.util.Date.class;
                case DECIMAL -> Decimal128.class;
                case NUMBER -> Number.class;
                case BOOLEAN -> Boolean.class;
                case LIST -> List.class;
                case OBJECT, ATTRIBUTES -> java.util.Map.class;
            };
        }
    }

    /** Converts a JSON value (String, Number, Boolean, List, Map; never null) or throws {@link InvalidValue}. */
    @FunctionalInterface
    public interface Converter {
        Object convert(Object json);
    }

    /** Thrown by converters; its message is shown to the client next to the field name. */
    public static final class InvalidValue extends RuntimeException {
        public InvalidValue(String message) {
            super(message, null, false, false);
        }
    }

    public Field {
        label = label != null ? label : words(name);
        path = path != null ? path : name;
        aliases = List.copyOf(aliases);
    }

    public static Field required(String name, Converter converter) {
        return new Field(name, true, converter, false, null, null, null, false, List.of());
    }

    public static Field optional(String name, Converter converter) {
        return new Field(name, false, converter, false, null, null, null, false, List.of());
    }

    /** An object-valued field that a merge patch merges key by key (RFC 7396) instead of replacing. */
    public static Field mergeable(String name, Converter converter) {
        return new Field(name, false, converter, true, null, null, null, false, List.of());
    }

    public Field label(String label) {
        return new Field(name, required, converter, mergeable, label, path, key, liveOnly, aliases);
    }

    /** The same field with another converter (its rules wrapped). */
    public Field converting(Converter converter) {
        return new Field(name, required, converter, mergeable, label, path, key, liveOnly, aliases);
    }

    /** Stored under another name than its API name. */
    public Field storedAs(String path) {
        return new Field(name, required, converter, mergeable, label, path, key, liveOnly, aliases);
    }

    /** Has a derived lower-cased key (on live records only when {@code liveOnly}). */
    public Field keyed(String key, boolean liveOnly) {
        return new Field(name, required, converter, mergeable, label, path, key, liveOnly, aliases);
    }

    /** CSV headers that suggest this field, besides its name and label (any case, spacing and punctuation). */
    public Field aliases(String... headers) {
        return new Field(name, required, converter, mergeable, label, path, key, liveOnly,
                java.util.Arrays.stream(headers).map(Field::normalize).toList());
    }

    public Kind kind() {
        return Fields.kindOf(converter);
    }

    /** The fields of an object-valued field (an address's parts); empty for any other. */
    public List<Field> children() {
        return converter instanceof Fields.Typed typed ? typed.children() : List.of();
    }

    /** Converts one item of a list field (one tag, one id); the field's own converter for any other. */
    public Converter element() {
        return converter instanceof Fields.Typed typed && typed.element() != null ? typed.element() : converter;
    }

    /** A header's letters and digits, lower-cased: how CSV headers are compared to names, labels and aliases. */
    public static String normalize(String header) {
        return header.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}]", "");
    }

    /** "expectedCloseDate" as "Expected close date". */
    public static String words(String name) {
        String spaced = name.replaceAll("([a-z0-9])([A-Z])", "$1 $2").toLowerCase(Locale.ROOT);
        spaced = spaced.replaceAll("\\bid\\b", "ID");
        return spaced.isEmpty() ? spaced : Character.toUpperCase(spaced.charAt(0)) + spaced.substring(1);
    }
}
