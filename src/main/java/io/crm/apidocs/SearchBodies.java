package io.crm.apidocs;

import static io.crm.apidocs.Bodies.BOOL;
import static io.crm.apidocs.Bodies.CURSOR;
import static io.crm.apidocs.Bodies.ID;
import static io.crm.apidocs.Bodies.INSTANT;
import static io.crm.apidocs.Bodies.INT;
import static io.crm.apidocs.Bodies.array;
import static io.crm.apidocs.Bodies.body;
import static io.crm.apidocs.Bodies.closed;
import static io.crm.apidocs.Bodies.csv;
import static io.crm.apidocs.Bodies.items;
import static io.crm.apidocs.Bodies.noContent;
import static io.crm.apidocs.Bodies.object;
import static io.crm.apidocs.Bodies.oneOf;
import static io.crm.apidocs.Bodies.operation;
import static io.crm.apidocs.Bodies.props;
import static io.crm.apidocs.Bodies.ref;
import static io.crm.apidocs.Bodies.respond;
import static io.crm.apidocs.Bodies.schema;
import static io.crm.apidocs.Bodies.text;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.crm.activity.ActivityService;
import io.crm.company.CompanyService;
import io.crm.contact.ContactService;
import io.crm.deal.DealService;
import io.crm.platform.web.LimitsProperties;
import io.crm.property.CustomProperties;
import io.crm.property.CustomProperty;
import io.crm.property.PropertyType;
import io.crm.record.Fields;
import io.crm.search.Operator;
import io.crm.search.SearchParser;
import io.crm.search.SearchProperty;
import io.crm.search.SearchSchemas;
import io.crm.search.SearchType;
import io.crm.view.SavedViews;
import io.swagger.v3.oas.models.OpenAPI;
import org.springdoc.core.customizers.OpenApiCustomizer;

import org.springframework.stereotype.Component;

/**
 * The search bodies ({@code POST /api/v1/{type}/search} and {@code /export}), their answers, the CSV exports and saved
 * views. The searchable properties and sorts of each type come from {@link SearchSchemas} (the ones the parser
 * checks), with the live custom properties; the limits from {@link SearchParser}'s constants.
 */
@Component
public class SearchBodies implements OpenApiCustomizer {

    /** The API path segment of each object type and its record schema's name (RecordSchemas). */
    private static final Map<String, String> RECORDS = Map.of("contacts", "Contact", "companies", "Company",
            "deals", "Deal", "activities", "Activity");

    private final Map<String, SearchSchemas.ObjectSchema> types;
    private final CustomProperties customProperties;
    private final int maxPageSize;

    public SearchBodies(ContactService contacts, CompanyService companies, DealService deals,
                        ActivityService activities, CustomProperties customProperties, LimitsProperties limits) {
        // stages: any text (pipelines change at run time; the parser checks them)
        this.types = SearchSchemas.all(contacts, companies, deals, activities, List::of);
        this.customProperties = customProperties;
        this.maxPageSize = limits.maxPageSize();
    }

    @Override
    public void customise(OpenAPI openApi) {
        if (openApi.getPaths() == null) {
            return;
        }
        types.forEach((type, objectSchema) -> {
            String record = RECORDS.get(type);
            List<CustomProperty> custom = objectSchema.hasCustomProperties() ? customProperties.active(type)
                    : List.of();
            Map<String, SearchProperty> properties = objectSchema.with(custom);
            Map<String, CustomProperty> customByName = new LinkedHashMap<>();
            custom.forEach(c -> customByName.put(c.name(), c));
            schema(openApi, record + "Search", searchBody(properties, customByName,
                    new ArrayList<>(objectSchema.sorts().keySet())));
            schema(openApi, record + "SearchResult", object(props(
                    "items", array(ref(record)),
                    "total", Fields.schema("type", "integer", "minimum", 0),
                    "totalIsLowerBound", Fields.schema("type", "boolean",
                            "description", "present (true) when counting stopped early: at least total"),
                    "nextCursor", CURSOR), "items", "total", "nextCursor"));
            String path = "/api/v1/" + type;
            body(operation(openApi, "POST", path + "/search"), record + "Search");
            respond(operation(openApi, "POST", path + "/search"), "200", record + "SearchResult");
            body(operation(openApi, "POST", path + "/export"), record + "Search");
            csv(operation(openApi, "POST", path + "/export"), "200",
                    "the selected " + type + " as CSV (limit and after are ignored: every match)");
            csv(operation(openApi, "GET", path + "/export"), "200", "the listed " + type + " as CSV");
        });
        views(openApi);
    }

    private Map<String, Object> searchBody(Map<String, SearchProperty> properties,
                                           Map<String, CustomProperty> custom, List<String> sorts) {
        Map<String, Object> property = oneOf(new ArrayList<>(properties.keySet()));
        Map<String, Object> filter = new LinkedHashMap<>(closed(props(
                "propertyName", property,
                "operator", oneOf(Arrays.stream(Operator.values()).map(Enum::name).toList()),
                "value", Fields.schema("description", "the operand of EQ, NEQ, LT, LTE, GT, GTE, CONTAINS_TOKEN (one "
                        + "word, * a wildcard, at most " + SearchParser.MAX_TOKEN_LENGTH + " characters) and the low "
                        + "end of BETWEEN; \"me\" for ownerId/assigneeId is the caller"),
                "highValue", Fields.schema("description", "the high end of BETWEEN"),
                "values", Fields.schema("type", "array", "minItems", 1, "maxItems", SearchParser.MAX_VALUES,
                        "description", "the operands of IN and NOT_IN")), "propertyName", "operator"));
        filter.put("oneOf", typedFilters(properties, custom));
        Map<String, Object> group = closed(props("filters", Fields.schema("type", "array", "items", filter,
                "minItems", 1, "maxItems", SearchParser.MAX_FILTERS)), "filters");
        Map<String, Object> sort = closed(props("propertyName", oneOf(sorts),
                "direction", oneOf(List.of("ASCENDING", "DESCENDING"))), "propertyName");
        return closed(props(
                "filterGroups", Fields.schema("type", "array", "items", group, "maxItems", SearchParser.MAX_GROUPS,
                        "description", "ORed; each group's filters ANDed"),
                "sorts", Fields.schema("type", "array", "items", sort, "maxItems", 1),
                "query", Fields.schema("type", "string", "maxLength", SearchParser.MAX_QUERY_LENGTH,
                        "description", "words matched against the record's text fields"),
                "limit", Fields.schema("type", "integer", "minimum", 1, "maximum", maxPageSize,
                        "default", SearchParser.DEFAULT_LIMIT),
                "after", Fields.schema("type", "string", "maxLength", 1000,
                        "description", "the previous answer's nextCursor"),
                "archived", Fields.schema("type", "boolean", "default", false),
                "properties", Fields.schema("type", "array", "items", Bodies.TEXT,
                        "description", "accepted and ignored (HubSpot clients send it): whole records return")));
    }

    /**
     * A filter by the kind of its property: the operators that kind takes and its operands' type, one variant per
     * kind and operand type (properties that share both share one). The operand is what the parser converts with
     * the property's own rule: the record field's schema, one option of a multiselect, {@code "me"} for a user
     * property, "true"/"false" for a boolean; any text for a text property (a value, or one word for CONTAINS_TOKEN).
     */
    private static List<Map<String, Object>> typedFilters(Map<String, SearchProperty> properties,
                                                          Map<String, CustomProperty> custom) {
        Map<FilterKind, List<String>> kinds = new LinkedHashMap<>();
        properties.forEach((name, property) -> kinds.computeIfAbsent(new FilterKind(Arrays.stream(Operator.values())
                .filter(property.type().operators()::contains).map(Enum::name).toList(), operand(property, custom)),
                k -> new ArrayList<>()).add(name));
        List<Map<String, Object>> variants = new ArrayList<>();
        kinds.forEach((kind, names) -> variants.add(closed(props("propertyName", oneOf(names),
                "operator", oneOf(kind.operators()), "value", kind.operand(), "highValue", kind.operand(),
                "values", Fields.schema("type", "array", "items", kind.operand(), "minItems", 1,
                        "maxItems", SearchParser.MAX_VALUES)), "propertyName", "operator")));
        return variants;
    }

    private record FilterKind(List<String> operators, Map<String, Object> operand) {
    }

    private static Map<String, Object> operand(SearchProperty property, Map<String, CustomProperty> custom) {
        SearchType type = property.type();
        if (type == SearchType.TEXT || type == SearchType.STRING) {
            return Fields.schema("type", "string");
        }
        Map<String, Object> schema;
        if (property.isCustom() && custom.containsKey(property.custom())) {
            CustomProperty c = custom.get(property.custom());
            schema = RecordSchemas.type(c);
            if (c.type() == PropertyType.MULTISELECT && schema.get("items") instanceof Map<?, ?> items) {
                schema = castMap(items);
            } else if (c.type() == PropertyType.NUMBER) {
                // its rule takes the number as text too, as HubSpot clients send every operand
                schema = Fields.schema("anyOf", List.of(schema, Fields.schema("type", "string",
                        "pattern", "^\\s*-?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?\\s*$",
                        "description", "the number as text")));
            }
        } else {
            schema = Fields.schemaOf(property.converter());
        }
        if (schema.get("enum") instanceof List<?> values && values.isEmpty()) {
            // values known only at run time (a deal's stages: the pipelines change): the parser checks them
            schema = Fields.schema("type", "string");
        }
        if (type == SearchType.BOOLEAN) {
            return Fields.schema("anyOf", List.of(Fields.schema("type", "boolean"),
                    Fields.schema("type", "string", "enum", List.of("true", "false"))));
        }
        if (SearchParser.USER_PROPERTIES.contains(property.name())) {
            return Fields.schema("anyOf", List.of(schema, Fields.schema("type", "string", "enum", List.of("me"),
                    "description", "the caller")));
        }
        return schema.isEmpty() ? Fields.schema("type", "string") : schema;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castMap(Map<?, ?> map) {
        return (Map<String, Object>) map;
    }

    /** Saved views (rules: {@code SavedViews.validate}); the search is a search body of the view's type. */
    private static void views(OpenAPI openApi) {
        Map<String, Object> objectType = oneOf(SavedViews.OBJECT_TYPES);
        Map<String, Object> search = Fields.schema("type", "object", "description",
                "a search body of the view's objectType (ContactSearch, CompanySearch, DealSearch, ActivitySearch)");
        Map<String, Object> columns = Fields.schema("type", "array", "items", Bodies.TEXT, "maxItems",
                SavedViews.MAX_COLUMNS, "description", "property names of the objectType, in order");
        schema(openApi, "SavedViewCreate", closed(props("name", text(1, 100), "objectType", objectType,
                "search", search, "columns", columns, "shared", Fields.schema("type", "boolean", "default", false)),
                "name", "objectType"));
        schema(openApi, "SavedViewPatch", Fields.schema("type", "object", "properties", props("name", text(1, 100),
                "search", search, "columns", columns, "shared", BOOL), "description",
                "a merge patch; objectType cannot change (save a new view)"));
        schema(openApi, "SavedView", object(props("id", ID, "name", Bodies.TEXT, "objectType", objectType,
                "search", search, "columns", array(Bodies.TEXT), "shared", BOOL, "ownerId", Bodies.TEXT,
                "createdAt", INSTANT, "updatedAt", INSTANT, "version", INT), "id", "name", "objectType", "search",
                "columns", "shared", "ownerId", "version"));
        schema(openApi, "SavedViewList", items(ref("SavedView")));
        respond(operation(openApi, "GET", "/api/v1/views"), "200", "SavedViewList");
        body(operation(openApi, "POST", "/api/v1/views"), "SavedViewCreate");
        respond(operation(openApi, "POST", "/api/v1/views"), "201", "SavedView");
        respond(operation(openApi, "GET", "/api/v1/views/{id}"), "200", "SavedView");
        body(operation(openApi, "PATCH", "/api/v1/views/{id}"), "SavedViewPatch");
        respond(operation(openApi, "PATCH", "/api/v1/views/{id}"), "200", "SavedView");
        noContent(operation(openApi, "DELETE", "/api/v1/views/{id}"));
    }
}
