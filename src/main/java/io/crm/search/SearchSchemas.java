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
import org.bson.Document;
import org.bson.types.ObjectId;

/**
 * The searchable properties of each object type: every built-in field with its stored path and type (contacts in the
 * legacy persons shape), the record bookkeeping (createdAt, updatedAt, ownerId) and, for contacts, companies and deals,
 * the live custom properties. Converters are the ones the resources' schemas use. Plain Java.
 */
public final class SearchSchemas {

    /** One object type: where it is stored, its built-in properties, sorts and JSON view. */
    public record ObjectSchema(String objectType, String collection, Map<String, SearchProperty> builtIn,
                               Map<String, String> sorts, Function<Document, Map<String, Object>> toJson) {

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

    /** The four object types, by their API path segment; {@code stages}: every pipeline's stages, read when used. */
    public static Map<String, ObjectSchema> all(java.util.function.Supplier<List<String>> stages) {
        Map<String, ObjectSchema> all = new LinkedHashMap<>();
        all.put("contacts", contacts());
        all.put("companies", companies());
        all.put("deals", deals(stages));
        all.put("activities", activities());
        return all;
    }

    static ObjectSchema contacts() {
        Map<String, SearchProperty> p = new LinkedHashMap<>();
        add(p, SearchProperty.of("name", SearchType.TEXT, "name", Fields.text(1, 200))
                .keyed(ContactSchema.NAME_KEY, false));
        add(p, SearchProperty.of("email", SearchType.STRING, "email", Fields.email())
                .keyed(ContactSchema.EMAIL_KEY, true));
        add(p, SearchProperty.of("phone", SearchType.STRING, "phone", Fields.phone()));
        add(p, SearchProperty.of("title", SearchType.TEXT, "title", Fields.text(1, 200)));
        add(p, SearchProperty.of("companyId", SearchType.ID, "companyId", Fields.objectId()));
        add(p, SearchProperty.of("tags", SearchType.LIST, "tags", tag()));
        add(p, SearchProperty.of("externalId", SearchType.STRING, ContactSchema.LEGACY_ID, Fields.text(1, 200)));
        meta(p);
        return new ObjectSchema("contacts", ContactSchema.COLLECTION, p, ContactService.SORTS, ContactSchema::toJson);
    }

    static ObjectSchema companies() {
        Map<String, SearchProperty> p = new LinkedHashMap<>();
        add(p, SearchProperty.of("name", SearchType.TEXT, "name", Fields.text(1, 200))
                .keyed(CompanySchema.NAME_KEY, false));
        add(p, SearchProperty.of("domain", SearchType.STRING, "domain", Fields.hostname()));
        add(p, SearchProperty.of("industry", SearchType.TEXT, "industry", Fields.text(1, 100)));
        add(p, SearchProperty.of("phone", SearchType.STRING, "phone", Fields.phone()));
        add(p, SearchProperty.of("tags", SearchType.LIST, "tags", tag()));
        add(p, SearchProperty.of("address.street", SearchType.TEXT, "address.street", Fields.text(1, 200)));
        add(p, SearchProperty.of("address.city", SearchType.TEXT, "address.city", Fields.text(1, 100)));
        add(p, SearchProperty.of("address.region", SearchType.TEXT, "address.region", Fields.text(1, 100)));
        add(p, SearchProperty.of("address.postalCode", SearchType.TEXT, "address.postalCode", Fields.text(1, 20)));
        add(p, SearchProperty.of("address.country", SearchType.ENUM, "address.country", Fields.country()));
        meta(p);
        return new ObjectSchema("companies", CompanySchema.COLLECTION, p, CompanyService.SORTS,
                CompanySchema::toJson);
    }

    static ObjectSchema deals(List<String> stages) {
        return deals(() -> stages);
    }

    static ObjectSchema deals(java.util.function.Supplier<List<String>> stages) {
        Map<String, SearchProperty> p = new LinkedHashMap<>();
        add(p, SearchProperty.of("title", SearchType.TEXT, "title", Fields.text(1, 200))
                .keyed(DealSchema.TITLE_KEY, false));
        add(p, SearchProperty.of("amount", SearchType.DECIMAL, "amount", Fields.money()));
        add(p, SearchProperty.of("currency", SearchType.ENUM, "currency", Fields.currency()));
        // a stage of any pipeline (pipelines change at runtime, so the list is read when a filter is converted)
        add(p, SearchProperty.of("stage", SearchType.ENUM, "stage", json -> Fields.oneOf(stages.get()).convert(json)));
        add(p, SearchProperty.of("pipelineId", SearchType.ID, "pipelineId", Fields.objectId()));
        add(p, SearchProperty.of("lostReason", SearchType.TEXT, "lostReason", Fields.text(1, 200)));
        add(p, SearchProperty.of("companyId", SearchType.ID, "companyId", Fields.objectId()));
        add(p, SearchProperty.of("contactIds", SearchType.LIST, "contactIds", Fields.objectId()));
        add(p, SearchProperty.of("expectedCloseDate", SearchType.DATE, "expectedCloseDate", Fields.date()));
        add(p, SearchProperty.of("closedAt", SearchType.DATETIME, "closedAt", Fields.instant()));
        meta(p);
        return new ObjectSchema("deals", DealSchema.COLLECTION, p, DealService.SORTS, DealSchema::toJson);
    }

    static ObjectSchema activities() {
        Map<String, SearchProperty> p = new LinkedHashMap<>();
        add(p, SearchProperty.of("type", SearchType.ENUM, "type", Fields.oneOf(ActivitySchema.TYPES)));
        add(p, SearchProperty.of("subject", SearchType.TEXT, "subject", Fields.text(1, 200)));
        add(p, SearchProperty.of("body", SearchType.TEXT, "body", Fields.text(1, 20_000)));
        add(p, SearchProperty.of("dueAt", SearchType.DATETIME, "dueAt", Fields.instant()));
        add(p, SearchProperty.of("completedAt", SearchType.DATETIME, "completedAt", Fields.instant()));
        for (String link : ActivitySchema.LINKS) {
            add(p, SearchProperty.of(link, SearchType.ID, link, Fields.objectId()));
        }
        add(p, SearchProperty.of("assigneeId", SearchType.ID, "assigneeId", userId()));
        // open task: a task without completedAt, kept as a derived flag
        add(p, SearchProperty.of("open", SearchType.BOOLEAN, ActivitySchema.OPEN_KEY, Fields.bool()));
        meta(p);
        return new ObjectSchema("activities", ActivitySchema.COLLECTION, p, ActivityService.SORTS,
                ActivitySchema::toJson);
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

    /** A tag as stored: trimmed and lower-cased, with the tag rules. */
    private static Field.Converter tag() {
        Field.Converter tags = Fields.tags(1);
        return json -> ((List<?>) tags.convert(List.of(json))).get(0);
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
