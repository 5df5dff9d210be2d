package io.crm.apidocs;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.crm.record.Fields;
import io.swagger.v3.core.util.Json31;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.parameters.RequestBody;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;

/**
 * What the customizers share: JSON Schema shorthands (maps, as {@link Fields#schema} builds them) and putting a named
 * schema on an operation's request or response. Plain static helpers, so each customizer stays a list of bodies.
 */
final class Bodies {

    static final String REF = "#/components/schemas/";
    static final String JSON = "application/json";
    static final Map<String, Object> NULL = Fields.schema("type", "null");
    static final Map<String, Object> ID = Fields.schema("type", "string", "pattern", "^[0-9a-f]{24}$");
    static final Map<String, Object> INSTANT = Fields.schema("type", "string", "format", "date-time");
    static final Map<String, Object> TEXT = Fields.schema("type", "string");
    static final Map<String, Object> BOOL = Fields.schema("type", "boolean");
    static final Map<String, Object> INT = Fields.schema("type", "integer");
    static final Map<String, Object> CURSOR = Fields.schema("type", List.of("string", "null"),
            "description", "the next page's cursor; null on the last page");

    private Bodies() {
    }

    /** Properties in order, from name/schema pairs. */
    static Map<String, Object> props(Object... pairs) {
        Map<String, Object> properties = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            properties.put((String) pairs[i], pairs[i + 1]);
        }
        return properties;
    }

    /** An object with these properties and required names; more properties may appear (a response). */
    static Map<String, Object> object(Map<String, Object> properties, String... required) {
        return required.length == 0 ? Fields.schema("type", "object", "properties", properties)
                : Fields.schema("type", "object", "properties", properties, "required", List.of(required));
    }

    /** A request object: nothing else is accepted. */
    static Map<String, Object> closed(Map<String, Object> properties, String... required) {
        Map<String, Object> schema = new LinkedHashMap<>(object(properties, required));
        schema.put("additionalProperties", false);
        return schema;
    }

    static Map<String, Object> described(Map<String, Object> schema, String description) {
        Map<String, Object> described = new LinkedHashMap<>(schema);
        described.put("description", description);
        return described;
    }

    static Map<String, Object> text(int min, int max) {
        return Fields.schema("type", "string", "minLength", min, "maxLength", max);
    }

    static Map<String, Object> oneOf(List<?> values) {
        return Fields.schema("type", "string", "enum", values);
    }

    static Map<String, Object> array(Map<String, Object> items) {
        return Fields.schema("type", "array", "items", items);
    }

    static Map<String, Object> nullable(Map<String, Object> schema) {
        return Fields.schema("anyOf", List.of(schema, NULL));
    }

    static Map<String, Object> ref(String name) {
        return Fields.schema("$ref", REF + name);
    }

    /** {@code {items: [..]}}, what the unpaged lists answer. */
    static Map<String, Object> items(Map<String, Object> item) {
        return object(props("items", array(item)), "items");
    }

    /** {@code {items: [..], nextCursor}}, a cursor-paged list. */
    static Map<String, Object> page(Map<String, Object> item) {
        return object(props("items", array(item), "nextCursor", CURSOR), "items", "nextCursor");
    }

    static void schema(OpenAPI openApi, String name, Map<String, Object> jsonSchema) {
        openApi.getComponents().addSchemas(name, Json31.mapper().convertValue(jsonSchema,
                io.swagger.v3.oas.models.media.Schema.class));
    }

    /** The operation at {@code method} of {@code path}, or null when the document has no such one. */
    static Operation operation(OpenAPI openApi, String method, String path) {
        PathItem item = openApi.getPaths() == null ? null : openApi.getPaths().get(path);
        if (item == null) {
            return null;
        }
        return switch (method) {
            case "GET" -> item.getGet();
            case "POST" -> item.getPost();
            case "PATCH" -> item.getPatch();
            case "PUT" -> item.getPut();
            case "DELETE" -> item.getDelete();
            default -> throw new IllegalArgumentException(method);
        };
    }

    /** The request body is the named schema, under each media type the endpoint consumes (JSON when unsaid). */
    static void body(Operation operation, String schema) {
        if (operation == null) {
            return;
        }
        List<String> types = new ArrayList<>();
        if (operation.getRequestBody() != null && operation.getRequestBody().getContent() != null) {
            types.addAll(operation.getRequestBody().getContent().keySet());
        }
        if (types.isEmpty()) {
            types.add(JSON);
        }
        Content content = new Content();
        types.forEach(type -> content.addMediaType(type, new MediaType().schema(schemaRef(schema))));
        operation.setRequestBody(new RequestBody().required(true).content(content));
    }

    /** A request body of another media type (multipart form fields, a raw message) with an inline schema. */
    static void body(Operation operation, String mediaType, Map<String, Object> jsonSchema) {
        if (operation == null) {
            return;
        }
        operation.setRequestBody(new RequestBody().required(true).content(new Content().addMediaType(mediaType,
                new MediaType().schema(inline(jsonSchema)))));
    }

    /** The {@code status} response is JSON of the named schema (and the default 200 goes when it is another). */
    static void respond(Operation operation, String status, String schema) {
        respond(operation, status, JSON, schemaRef(schema));
    }

    /** The {@code status} response is a CSV file. */
    static void csv(Operation operation, String status, String description) {
        respond(operation, status, "text/csv", inline(Fields.schema("type", "string", "description", description)));
    }

    /** The {@code status} response has no body ({@code 204}). */
    static void noContent(Operation operation) {
        respond(operation, "204", null, null);
    }

    private static void respond(Operation operation, String status, String mediaType,
                                io.swagger.v3.oas.models.media.Schema<?> schema) {
        if (operation == null) {
            return;
        }
        ApiResponses responses = operation.getResponses() == null ? new ApiResponses() : operation.getResponses();
        ApiResponse response = responses.get(status) == null
                ? new ApiResponse().description(status.equals("204") ? "No Content" : "OK") : responses.get(status);
        response.setContent(mediaType == null ? null
                : new Content().addMediaType(mediaType, new MediaType().schema(schema)));
        responses.addApiResponse(status, response);
        if (!"200".equals(status)) {
            responses.remove("200");
        }
        operation.setResponses(responses);
    }

    static io.swagger.v3.oas.models.media.Schema<?> inline(Map<String, Object> jsonSchema) {
        return Json31.mapper().convertValue(jsonSchema, io.swagger.v3.oas.models.media.Schema.class);
    }

    private static io.swagger.v3.oas.models.media.Schema<?> schemaRef(String name) {
        return new io.swagger.v3.oas.models.media.Schema<>().$ref(REF + name);
    }
}
