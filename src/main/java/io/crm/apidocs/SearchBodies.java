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
import java.util.List;
import java.util.Map;

import io.crm.activity.ActivityService;
import io.crm.company.CompanyService;
import io.crm.contact.ContactService;
import io.crm.deal.DealService;
import io.crm.platform.web.LimitsProperties;
import io.crm.property.CustomProperties;
import io.crm.record.Fields;
import io.crm.search.Operator;
import io.crm.search.SearchParser;
import io.crm.search.SearchSchemas;
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
            List<String> names = new ArrayList<>(objectSchema.with(objectSchema.hasCustomProperties()
                    ? customProperties.active(type) : List.of()).keySet());
            schema(openApi, record + "Search", searchBody(names, new ArrayList<>(objectSchema.sorts().keySet())));
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

    private Map<String, Object> searchBody(List<String> properties, List<String> sorts) {
        Map<String, Object> property = oneOf(properties);
        Map<String, Object> filter = closed(props(
                "propertyName", property,
                "operator", oneOf(Arrays.stream(Operator.values()).map(Enum::name).toList()),
                "value", Fields.schema("description", "the operand of EQ, NEQ, LT, LTE, GT, GTE, CONTAINS_TOKEN (one "
                        + "word, * a wildcard, at most " + SearchParser.MAX_TOKEN_LENGTH + " characters) and the low "
                        + "end of BETWEEN; \"me\" for ownerId/assigneeId is the caller"),
                "highValue", Fields.schema("description", "the high end of BETWEEN"),
                "values", Fields.schema("type", "array", "minItems", 1, "maxItems", SearchParser.MAX_VALUES,
                        "description", "the operands of IN and NOT_IN")), "propertyName", "operator");
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
