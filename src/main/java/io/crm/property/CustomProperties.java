package io.crm.property;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import org.bson.Document;

import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.stereotype.Component;

/**
 * Reads the custom property definitions. Values of a record are stored under {@value #VALUES}; each value is also an
 * entry {@code {k: name, v: PropertyType.indexValue(value)}} of the array {@value #INDEX} (one per element of a
 * multiselect), the attribute pattern that one index (archived, k, v) serves for every property.
 */
@Component
public class CustomProperties {

    public static final String COLLECTION = "properties";
    /** The record's field holding its custom values, by property name. */
    public static final String VALUES = "custom";
    /** The meta array of {k, v} entries (attribute pattern). */
    public static final String INDEX = io.crm.record.RecordMeta.META + ".props";
    /** The object types that have custom properties (their API path segment). */
    public static final List<String> OBJECT_TYPES = List.of("contacts", "companies", "deals");

    private final MongoCollection<Document> definitions;

    /**
     * The attribute-pattern index of an object's collection: one index serves an equality or a range on any custom
     * property ({@code _crm.props: {$elemMatch: {k, v}}}), so adding a property needs no new index and no rewrite.
     */
    public static com.mongodb.client.model.IndexModel valuesIndex(String prefix) {
        return new com.mongodb.client.model.IndexModel(com.mongodb.client.model.Indexes.ascending(
                io.crm.record.RecordMeta.ARCHIVED, INDEX + ".k", INDEX + ".v"),
                new com.mongodb.client.model.IndexOptions().name(prefix + "_props"));
    }

    public CustomProperties(MongoTemplate mongo) {
        this.definitions = mongo.getCollection(COLLECTION);
    }

    /** The live (not archived) properties of an object type, by name. */
    public List<CustomProperty> active(String objectType) {
        List<CustomProperty> found = new ArrayList<>();
        definitions.find(Filters.and(Filters.eq("objectType", objectType), Filters.eq("archived", false)))
                .sort(Sorts.ascending("name")).forEach(d -> found.add(fromDocument(d)));
        return found;
    }

    /** Every property of an object type, archived ones included, by name (served by the (objectType, name) index). */
    public java.util.Map<String, CustomProperty> all(String objectType) {
        java.util.Map<String, CustomProperty> found = new java.util.LinkedHashMap<>();
        definitions.find(Filters.eq("objectType", objectType)).sort(Sorts.ascending("name"))
                .forEach(d -> found.put(d.getString("name"), fromDocument(d)));
        return found;
    }

    /** A live property by name. */
    public Optional<CustomProperty> find(String objectType, String name) {
        return Optional.ofNullable(definitions.find(Filters.and(Filters.eq("objectType", objectType),
                Filters.eq("name", name), Filters.eq("archived", false))).first()).map(CustomProperties::fromDocument);
    }

    public static CustomProperty fromDocument(Document d) {
        List<CustomProperty.Option> options = new ArrayList<>();
        for (Document o : d.getList("options", Document.class, List.of())) {
            options.add(new CustomProperty.Option(o.getString("value"), o.getString("label"),
                    o.get("order") instanceof Number n ? n.intValue() : 0));
        }
        return new CustomProperty(d.getString("objectType"), d.getString("name"), d.getString("label"),
                PropertyType.ofJson(d.getString("type")), options, d.getBoolean("required", false),
                d.getBoolean("unique", false), d.getString("description"), d.getBoolean("archived", false));
    }
}
