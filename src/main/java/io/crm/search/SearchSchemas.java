package io.crm.search;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import io.crm.activity.ActivitySchema;
import io.crm.activity.ActivityService;
import io.crm.company.CompanySchema;
import io.crm.company.CompanyService;
import io.crm.contact.ContactSchema;
import io.crm.contact.ContactService;
import io.crm.deal.DealSchema;
import io.crm.deal.DealService;
import io.crm.property.CustomProperties;
import io.crm.property.CustomProperty;
import io.crm.property.PropertyType;
import io.crm.record.Field;
import io.crm.record.Fields;
import io.crm.record.RecordMeta;
import io.crm.record.Schema;
import org.bson.Document;
import org.bson.types.ObjectId;

/**
 * The searchable properties of each object type, derived from the resource's schema: every field with its stored
 * path, kind and converter (so a value of the wrong type is refused as in a body), the record bookkeeping
 * (createdAt, updatedAt, ownerId) and, for contacts, companies and deals, the live custom properties. Plain Java.
 */
public final class SearchSchemas {

    /** One object type: where it is stored, its built-in properties, sorts and JSON view. */
    public record ObjectSchema(String objectType, String collection, Map<String, SearchProperty> builtIn,
                               Map<String, String> sorts, Function<Document, Map<String, Object>> toJson,
                               Map<String, String> labels) {

        /** What people see for a property: its field's label, a custom property's label, else its name in words. */
        public String label(String property, List<CustomProperty> custom) {
            if (labels.containsKey(property)) {
                return labels.get(property);
            }
            for (CustomProperty c : custom) {
                if (property.equals(CustomProperties.VALUES + "." + c.name())) {
                    return c.label() == null || c.label().isBlank() ? c.name() : c.label();
                }
            }
            return Field.words(property);
        }

        /** The built-in properties plus {@code custom.<name>} for each live custom property. */
        public Map<String, SearchProperty> with(List<CustomProperty> custom) {
            Map<String, SearchProperty> all = new LinkedHashMap<>(builtIn);
            custom.forEach(c -> all.put(CustomProperties.VALUES + "." + c.name(), SearchSchemas.custom(c)));
            return all;
        }

        public boolean hasCustomProperties() {
            return CustomProperties.OBJECT_TYPES.contains(objectType);
        }
    }

    private SearchSchemas() {
    }

    /**
     * The four object types, by their API path segment, each derived from its resource's live schema; {@code stages}:
     * every pipeline's stages, read when used.
     */
    public static Map<String, ObjectSchema> all(ContactService contacts, CompanyService companies, DealService deals,
                                                ActivityService activities,
                                                java.util.function.Supplier<List<String>> stages) {
        Map<String, ObjectSchema> all = new LinkedHashMap<>();
        all.put("contacts", contacts(contacts.schema(), contacts::view));
        all.put("companies", companies(companies.schema(), companies::view));
        all.put("deals", deals(deals.schema(), deals::view, stages));
        all.put("activities", activities(activities.schema(), activities::view));
        return all;
    }

    static ObjectSchema contacts(Schema schema, Function<Document, Map<String, Object>> toJson) {
        return new ObjectSchema("contacts", ContactSchema.COLLECTION, properties(schema, Map.of()),
                ContactService.SORTS, toJson, labels(schema, Map.of()));
    }

    static ObjectSchema companies(Schema schema, Function<Document, Map<String, Object>> toJson) {
        return new ObjectSchema("companies", CompanySchema.COLLECTION, properties(schema, Map.of()),
                CompanyService.SORTS, toJson, labels(schema, Map.of()));
    }

    static ObjectSchema deals(Schema schema, Function<Document, Map<String, Object>> toJson,
                              java.util.function.Supplier<List<String>> stages) {
        // a stage of any pipeline (pipelines change at runtime, so the list is read when a filter is converted)
        return new ObjectSchema("deals", DealSchema.COLLECTION, properties(schema, Map.of("stage",
                new SearchProperty("stage", SearchType.ENUM, "stage", null, false,
                        json -> Fields.oneOf(stages.get()).convert(json), null, false),
                "closedAt", SearchProperty.of("closedAt", SearchType.DATETIME, "closedAt", Fields.instant()))),
                DealService.SORTS, toJson, labels(schema, Map.of()));
    }

    static ObjectSchema activities(Schema schema, Function<Document, Map<String, Object>> toJson) {
        // open task: a task without completedAt, kept as a derived flag
        return new ObjectSchema("activities", ActivitySchema.COLLECTION, properties(schema, Map.of("open",
                SearchProperty.of("open", SearchType.BOOLEAN, ActivitySchema.OPEN_KEY, Fields.bool()))),
                ActivityService.SORTS, toJson, labels(schema, Map.of("open", "Open task")));
    }

    /**
     * A property per field of the schema (an object's parts by their dotted names; free attributes are not
     * searchable), the {@code refined} ones replaced or added (what the schema alone cannot say: the stages of the
     * pipelines, a server-set or derived value), then the bookkeeping.
     */
    static Map<String, SearchProperty> properties(Schema schema, Map<String, SearchProperty> refined) {
        Map<String, SearchProperty> p = new LinkedHashMap<>();
        for (Field field : schema.leaves()) {
            if (field.kind() == Field.Kind.ATTRIBUTES || field.kind() == Field.Kind.OBJECT) {
                continue;
            }
            SearchProperty property = SearchProperty.of(field.name(), SearchType.of(field.kind()), field.path(),
                    field.element());
            add(p, field.key() == null ? property : property.keyed(field.key(), field.liveOnly()));
        }
        refined.values().forEach(property -> add(p, property));
        meta(p);
        return p;
    }

    /** The labels of the schema's fields (an object's parts: "Address city"), and of the bookkeeping. */
    private static Map<String, String> labels(Schema schema, Map<String, String> more) {
        Map<String, String> labels = new LinkedHashMap<>(more);
        for (Field field : schema.fields()) {
            if (field.kind() == Field.Kind.OBJECT) {
                field.children().forEach(child -> labels.put(field.name() + "." + child.name(),
                        field.label() + " " + child.label().toLowerCase(java.util.Locale.ROOT)));
            } else {
                labels.put(field.name(), field.label());
            }
        }
        labels.put("ownerId", "Owner");
        return Map.copyOf(labels);
    }

    /** Every record's bookkeeping: when created and changed, and its owner. */
    private static void meta(Map<String, SearchProperty> p) {
        add(p, SearchProperty.of("createdAt", SearchType.DATETIME, RecordMeta.CREATED_AT, Fields.instant()));
        add(p, SearchProperty.of("updatedAt", SearchType.DATETIME, RecordMeta.UPDATED_AT, Fields.instant()));
        add(p, SearchProperty.of("ownerId", SearchType.ID, RecordMeta.OWNER_ID, userId()));
    }

    static SearchProperty custom(CustomProperty c) {
        PropertyType type = c.type();
        SearchType kind = switch (type) {
            case TEXT -> SearchType.TEXT;
            case EMAIL, URL, PHONE -> SearchType.STRING;
            case SELECT -> SearchType.ENUM;
            case MULTISELECT -> SearchType.LIST;
            case NUMBER -> SearchType.NUMBER;
            case DECIMAL -> SearchType.DECIMAL;
            case DATE -> SearchType.DATE;
            case DATETIME -> SearchType.DATETIME;
            case BOOLEAN -> SearchType.BOOLEAN;
        };
        // a multiselect's filter value is one option; the others convert one value as a record's body would
        Field.Converter converter = type == PropertyType.MULTISELECT
                ? json -> ((List<?>) c.convert(List.of(json))).get(0)
                : c::convert;
        boolean text = kind == SearchType.TEXT || kind == SearchType.STRING;
        return new SearchProperty(CustomProperties.VALUES + "." + c.name(), kind,
                CustomProperties.VALUES + "." + c.name(), null, false, converter, c.name(), text);
    }

    /** A user id (stored as its hex text). */
    private static Field.Converter userId() {
        return json -> {
            if (!(json instanceof String s) || !ObjectId.isValid(s)) {
                throw new Field.InvalidValue("must be a user id (24 hexadecimal characters) or \"me\"");
            }
            return s;
        };
    }

    private static void add(Map<String, SearchProperty> p, SearchProperty property) {
        p.put(property.name(), property);
    }
}
