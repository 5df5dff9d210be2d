package io.crm.record;

/**
 * One field of a resource: its JSON name, whether it is required, and how a JSON value becomes the stored (BSON)
 * value. The stored value is read back to JSON by {@link JsonValues}.
 */
public record Field(String name, boolean required, Converter converter, boolean mergeable) {

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

    public static Field required(String name, Converter converter) {
        return new Field(name, true, converter, false);
    }

    public static Field optional(String name, Converter converter) {
        return new Field(name, false, converter, false);
    }

    /** An object-valued field that a merge patch merges key by key (RFC 7396) instead of replacing. */
    public static Field mergeable(String name, Converter converter) {
        return new Field(name, false, converter, true);
    }
}
