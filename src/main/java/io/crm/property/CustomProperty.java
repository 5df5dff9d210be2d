package io.crm.property;

import java.util.List;

/**
 * One custom property definition of an object type ({@code contacts}, {@code companies}, {@code deals}). Stored in
 * the {@value CustomProperties#COLLECTION} collection as {@code {objectType, name, label, type (json name), options:
 * [{value, label, order}], required, unique, description, archived, createdAt, updatedAt}}. Values live in a record
 * under {@code custom.<name>}.
 */
public record CustomProperty(String objectType, String name, String label, PropertyType type, List<Option> options,
                             boolean required, boolean unique, String description, boolean archived) {

    public record Option(String value, String label, int order) {
    }

    /** The option values in their order (empty unless a select or multiselect). */
    public List<String> optionValues() {
        return options.stream().sorted(java.util.Comparator.comparingInt(Option::order)).map(Option::value).toList();
    }

    /** The stored value of a JSON value for this property. */
    public Object convert(Object json) {
        return type.convert(json, optionValues());
    }
}
