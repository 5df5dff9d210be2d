package io.crm.apidocs;

import static io.crm.apidocs.Bodies.ID;
import static io.crm.apidocs.Bodies.INSTANT;
import static io.crm.apidocs.Bodies.NULL;
import static io.crm.apidocs.Bodies.REF;
import static io.crm.apidocs.Bodies.body;
import static io.crm.apidocs.Bodies.noContent;
import static io.crm.apidocs.Bodies.respond;
import static io.crm.apidocs.Bodies.schema;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.crm.activity.ActivityService;
import io.crm.company.CompanyService;
import io.crm.contact.ContactService;
import io.crm.deal.DealService;
import io.crm.property.CustomProperties;
import io.crm.property.CustomProperty;
import io.crm.property.PropertyType;
import io.crm.record.Fields;
import io.crm.record.Schema;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.PathItem;
import org.springdoc.core.customizers.OpenApiCustomizer;

import org.springframework.stereotype.Component;

/**
 * Typed request and response bodies for the record resources, generated from the live schemas (the same
 * {@link Schema} that validates a body, and the custom properties defined now), so the OpenAPI document cannot drift
 * from what the service accepts: {@code Contact}, {@code ContactCreate}, {@code ContactPatch}, {@code ContactPage}
 * and the same for companies, deals and activities. The document is built per request (springdoc's cache is off),
 * so a new custom property shows at once.
 */
@Component
public class RecordSchemas implements OpenApiCustomizer {


    /** A record resource: its schema name, collection path, body schema, custom object type, server fields. */
    record Resource(String name, String path, Schema schema, String customType, Map<String, Object> server) {
    }

    private final List<Resource> resources;
    private final CustomProperties customProperties;

    public RecordSchemas(ContactService contacts, CompanyService companies, DealService deals,
                         ActivityService activities, CustomProperties customProperties) {
        this.customProperties = customProperties;
        this.resources = List.of(
                new Resource("Contact", "/api/v1/contacts", contacts.schema(), "contacts", Map.of()),
                new Resource("Company", "/api/v1/companies", companies.schema(), "companies", Map.of()),
                new Resource("Deal", "/api/v1/deals", deals.schema(), "deals", Map.of("closedAt", INSTANT)),
                new Resource("Activity", "/api/v1/activities", activities.schema(), null, Map.of()));
    }

    @Override
    public void customise(OpenAPI openApi) {
        if (openApi.getPaths() == null) {
            return;
        }
        for (Resource resource : resources) {
            Map<String, Object> custom = customSchema(resource.customType());
            schema(openApi, resource.name() + "Create", withCustom(resource.schema().requestSchema(true), custom,
                    false));
            schema(openApi, resource.name() + "Patch", withCustom(resource.schema().requestSchema(false), custom,
                    true));
            schema(openApi, resource.name(), response(resource, custom));
            schema(openApi, resource.name() + "Page", Fields.schema("type", "object", "properties", Map.of(
                    "items", Fields.schema("type", "array", "items", Map.of("$ref", REF + resource.name())),
                    "nextCursor", Fields.schema("type", List.of("string", "null"))),
                    "required", List.of("items", "nextCursor")));
            PathItem collection = openApi.getPaths().get(resource.path());
            if (collection != null) {
                body(collection.getPost(), resource.name() + "Create");
                respond(collection.getPost(), "201", resource.name());
                respond(collection.getGet(), "200", resource.name() + "Page");
            }
            PathItem one = openApi.getPaths().get(resource.path() + "/{id}");
            if (one != null) {
                respond(one.getGet(), "200", resource.name());
                body(one.getPatch(), resource.name() + "Patch");
                respond(one.getPatch(), "200", resource.name());
                noContent(one.getDelete());
            }
            PathItem restore = openApi.getPaths().get(resource.path() + "/{id}/restore");
            if (restore != null) {
                respond(restore.getPost(), "200", resource.name());
            }
        }
        pipelines(openApi);
    }

    /** The pipelines resource (its rules: {@code Pipelines.parse}). */
    private static void pipelines(OpenAPI openApi) {
        Map<String, Object> stage = Fields.schema("type", "object", "properties", Map.of(
                "key", Fields.schema("type", "string", "pattern", "^[a-z][a-z0-9_-]{0,49}$"),
                "label", Fields.schema("type", "string", "maxLength", 100),
                "probability", Fields.schema("type", "integer", "minimum", 0, "maximum", 100),
                "outcome", Fields.schema("enum", java.util.Arrays.asList("won", "lost", null))),
                "required", List.of("key"), "additionalProperties", false);
        Map<String, Object> stages = Fields.schema("type", "array", "items", stage, "minItems", 1, "maxItems", 30);
        Map<String, Object> name = Fields.schema("type", "string", "minLength", 1, "maxLength", 100);
        schema(openApi, "PipelineCreate", Fields.schema("type", "object", "properties", Map.of("name", name,
                "stages", stages), "required", List.of("name", "stages"), "additionalProperties", false));
        schema(openApi, "PipelinePatch", Fields.schema("type", "object", "properties", Map.of("name", name,
                "stages", stages), "additionalProperties", false));
        schema(openApi, "Pipeline", Fields.schema("type", "object", "properties", Map.of("id", ID, "name", name,
                "default", Fields.schema("type", "boolean"), "stages", stages,
                "forecast", Fields.schema("type", "object", "additionalProperties", Fields.schema("type", "string"),
                        "description", "GET of one pipeline: weighted amounts per currency")),
                "required", List.of("id", "name", "default", "stages")));
        schema(openApi, "PipelineList", Fields.schema("type", "object", "properties", Map.of("items",
                Fields.schema("type", "array", "items", Map.of("$ref", REF + "Pipeline"))), "required",
                List.of("items")));
        Map<String, Object> money = Fields.schema("type", "object", "additionalProperties",
                Fields.schema("type", "string"), "description", "per currency, exact decimal strings");
        schema(openApi, "PipelineStageTotals", Fields.schema("type", "array", "items", Fields.schema("type",
                "object", "properties", Map.of("stage", Fields.schema("type", "string"),
                        "label", Fields.schema("type", "string"),
                        "probability", Fields.schema("type", "integer"),
                        "outcome", Fields.schema("enum", java.util.Arrays.asList("won", "lost", null)),
                        "count", Fields.schema("type", "integer"), "amounts", money, "weighted", money))));
        PathItem collection = openApi.getPaths().get("/api/v1/pipelines");
        if (collection != null) {
            respond(collection.getGet(), "200", "PipelineList");
            body(collection.getPost(), "PipelineCreate");
            respond(collection.getPost(), "201", "Pipeline");
        }
        PathItem one = openApi.getPaths().get("/api/v1/pipelines/{id}");
        if (one != null) {
            respond(one.getGet(), "200", "Pipeline");
            body(one.getPatch(), "PipelinePatch");
            respond(one.getPatch(), "200", "Pipeline");
        }
        PathItem totals = openApi.getPaths().get("/api/v1/pipeline");
        if (totals != null) {
            respond(totals.getGet(), "200", "PipelineStageTotals");
        }
    }

    /** The record as the API returns it: its fields (null when unset), the server's, and the bookkeeping. */
    private static Map<String, Object> response(Resource resource, Map<String, Object> custom) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("id", ID);
        for (var field : resource.schema().fields()) {
            properties.put(field.name(), nullable(Fields.schemaOf(field.converter())));
        }
        resource.server().forEach((name, schema) -> properties.put(name, nullable(castMap(schema))));
        if (custom != null) {
            properties.put("custom", custom);
        }
        properties.put("createdAt", INSTANT);
        properties.put("updatedAt", INSTANT);
        properties.put("version", Fields.schema("type", "integer", "minimum", 1));
        for (String user : List.of("ownerId", "createdBy", "updatedBy")) {
            properties.put(user, Fields.schema("type", List.of("string", "null")));
        }
        properties.put("archived", Fields.schema("type", "boolean", "description", "present (true) when archived"));
        properties.put("archivedAt", INSTANT);
        return Fields.schema("type", "object", "properties", properties,
                "required", List.of("id", "createdAt", "updatedAt", "version"));
    }

    /** The object type's live custom properties as {@code custom: {<name>: value}}; null for none. */
    private Map<String, Object> customSchema(String objectType) {
        if (objectType == null) {
            return null;
        }
        Map<String, Object> properties = new LinkedHashMap<>();
        for (CustomProperty property : customProperties.active(objectType)) {
            Map<String, Object> schema = new LinkedHashMap<>(type(property));
            if (property.label() != null) {
                schema.put("title", property.label());
            }
            if (property.description() != null) {
                schema.put("description", property.description());
            }
            properties.put(property.name(), schema);
        }
        return Fields.schema("type", "object", "properties", properties, "additionalProperties", false,
                "description", "custom properties (GET /api/v1/properties/" + objectType + ")");
    }

    /** The JSON a custom property's value takes (as sent and as returned). */
    static Map<String, Object> type(CustomProperty property) {
        PropertyType type = property.type() == null ? PropertyType.TEXT : property.type();
        return switch (type) {
            case TEXT, PHONE -> Fields.schema("type", "string");
            case EMAIL -> Fields.schema("type", "string", "format", "email");
            case URL -> Fields.schema("type", "string", "format", "uri");
            case NUMBER -> Fields.schema("type", "number");
            case DECIMAL -> Fields.schema("type", "string", "pattern", "^-?[0-9]+(\\.[0-9]+)?$",
                    "description", "an exact decimal (a JSON number is accepted too)");
            case DATE -> Fields.schema("type", "string", "format", "date");
            case DATETIME -> INSTANT;
            case BOOLEAN -> Fields.schema("type", "boolean");
            case SELECT -> Fields.schema("type", "string", "enum", property.optionValues());
            case MULTISELECT -> Fields.schema("type", "array", "items", Fields.schema("type", "string",
                    "enum", property.optionValues()), "uniqueItems", true);
        };
    }

    private static Map<String, Object> withCustom(Map<String, Object> request, Map<String, Object> custom,
                                                  boolean patch) {
        if (custom == null) {
            return request;
        }
        Map<String, Object> schema = new LinkedHashMap<>(request);
        Map<String, Object> properties = new LinkedHashMap<>(castMap(request.get("properties")));
        properties.put("custom", patch ? Fields.schema("anyOf", List.of(custom, NULL),
                "description", "a merge patch of the custom properties: null removes one") : custom);
        schema.put("properties", properties);
        return schema;
    }

    private static Map<String, Object> nullable(Map<String, Object> schema) {
        return schema.isEmpty() ? schema : Fields.schema("anyOf", List.of(schema, NULL));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castMap(Object value) {
        return (Map<String, Object>) value;
    }
}
