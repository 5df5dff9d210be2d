package io.crm.apidocs;

import static io.crm.apidocs.Bodies.BOOL;
import static io.crm.apidocs.Bodies.ID;
import static io.crm.apidocs.Bodies.INSTANT;
import static io.crm.apidocs.Bodies.INT;
import static io.crm.apidocs.Bodies.TEXT;
import static io.crm.apidocs.Bodies.array;
import static io.crm.apidocs.Bodies.body;
import static io.crm.apidocs.Bodies.closed;
import static io.crm.apidocs.Bodies.csv;
import static io.crm.apidocs.Bodies.items;
import static io.crm.apidocs.Bodies.noContent;
import static io.crm.apidocs.Bodies.nullable;
import static io.crm.apidocs.Bodies.object;
import static io.crm.apidocs.Bodies.oneOf;
import static io.crm.apidocs.Bodies.operation;
import static io.crm.apidocs.Bodies.page;
import static io.crm.apidocs.Bodies.props;
import static io.crm.apidocs.Bodies.ref;
import static io.crm.apidocs.Bodies.respond;
import static io.crm.apidocs.Bodies.schema;
import static io.crm.apidocs.Bodies.text;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import io.crm.imports.ImportService;
import io.crm.property.PropertyType;
import io.crm.record.Fields;
import io.swagger.v3.oas.models.OpenAPI;
import org.springdoc.core.customizers.OpenApiCustomizer;

import org.springframework.stereotype.Component;

/**
 * Custom property definitions ({@code PropertyRules}), CSV imports (multipart forms, JSON status), timelines, and a
 * contact's duplicates, merge and erasure.
 */
@Component
public class DataBodies implements OpenApiCustomizer {

    /** {@code PropertyRules.NAME}: a letter a-z first, then letters, digits and _ (64 at most). */
    static final String PROPERTY_NAME = "^[a-z][a-zA-Z0-9_]{0,63}$";
    /** {@code PropertyRules.MAX_OPTIONS}. */
    static final int MAX_OPTIONS = 500;
    /** {@code ImportTargets}: what a CSV file may be imported into. */
    static final List<String> IMPORT_ENTITIES = List.of("contacts", "companies");

    @Override
    public void customise(OpenAPI openApi) {
        if (openApi.getPaths() == null) {
            return;
        }
        properties(openApi);
        imports(openApi);
        for (String type : List.of("contacts", "companies", "deals")) {
            respond(operation(openApi, "GET", "/api/v1/" + type + "/{id}/timeline"), "200", "TimelinePage");
        }
        schema(openApi, "TimelinePage", page(ref("TimelineEntry")));
        schema(openApi, "TimelineEntry", Bodies.described(object(props(
                "kind", oneOf(List.of("activity", "stageChange")),
                "at", INSTANT,
                "id", ID,
                "dealId", Fields.schema("type", "string", "description", "stageChange: the deal"),
                "dealTitle", Fields.schema("type", "string", "description", "stageChange: the deal's title"),
                "from", Fields.schema("type", List.of("string", "null"), "description", "stageChange: old stage"),
                "to", Fields.schema("type", "string", "description", "stageChange: new stage")),
                "kind", "at", "id"), "kind activity: the activity's fields as in Activity, plus kind and at; "
                + "kind stageChange: a deal moved between stages"));
        duplicates(openApi);
    }

    private static void duplicates(OpenAPI openApi) {
        String contact = "/api/v1/contacts/{id}";
        schema(openApi, "ContactDuplicates", items(Fields.schema("allOf", List.of(ref("Contact"),
                object(props("reason", oneOf(List.of("email", "name and phone", "similar"))), "reason")))));
        respond(operation(openApi, "GET", contact + "/duplicates"), "200", "ContactDuplicates");
        schema(openApi, "ContactMerge", closed(props("duplicateId", Fields.schema("type", "string",
                "pattern", "^[0-9a-f]{24}$", "description", "the contact merged into this one, then archived")),
                "duplicateId"));
        body(operation(openApi, "POST", contact + "/merge"), "ContactMerge");
        respond(operation(openApi, "POST", contact + "/merge"), "200", "Contact");
        respond(operation(openApi, "POST", contact + "/erase"), "200", "Contact");
        respond(operation(openApi, "GET", "/api/v1/companies/{id}/contacts"), "200", "ContactPage");
    }

    private static void properties(OpenAPI openApi) {
        Map<String, Object> type = oneOf(Arrays.stream(PropertyType.values()).map(PropertyType::json).toList());
        Map<String, Object> option = closed(props("value", text(1, 200),
                "label", Fields.schema("type", "string", "maxLength", 200, "description", "default: the value"),
                "order", INT), "value");
        Map<String, Object> options = Fields.schema("type", "array", "items", option, "maxItems", MAX_OPTIONS,
                "description", "select and multiselect only");
        Map<String, Object> name = Fields.schema("type", "string", "pattern", PROPERTY_NAME);
        Map<String, Object> label = Fields.schema("type", "string", "maxLength", 200, "description",
                "default: the name");
        Map<String, Object> description = Fields.schema("type", "string", "maxLength", 1000);
        Map<String, Object> unique = Fields.schema("type", "boolean", "description",
                "text, email and number only: no two records share a value");
        schema(openApi, "PropertyCreate", closed(props("name", name, "label", label, "type", type,
                "options", options, "required", BOOL, "unique", unique, "description", description), "name", "type"));
        schema(openApi, "PropertyPatch", closed(props("label", nullable(label), "type", type, "options", options,
                "required", BOOL, "description", nullable(description),
                "replaceOptions", Fields.schema("type", "object", "additionalProperties", TEXT, "description",
                        "removed option value -> the option its values move to"),
                "name", Fields.schema("type", "string", "description", "cannot change (accepted when the same)"),
                "unique", Fields.schema("type", "boolean", "description", "cannot change (accepted when the same)"),
                "objectType", TEXT, "archived", BOOL, "createdAt", INSTANT, "updatedAt", INSTANT)));
        schema(openApi, "Property", object(props("objectType", TEXT, "name", name, "label", TEXT, "type", type,
                "options", array(object(props("value", TEXT, "label", TEXT, "order", INT), "value", "label",
                        "order")), "required", BOOL, "unique", BOOL, "description", nullable(TEXT),
                "archived", BOOL, "createdAt", INSTANT, "updatedAt", INSTANT, "rewrite", nullable(ref("PropertyRewrite"))),
                "objectType", "name", "label", "type", "options", "required", "unique", "archived"));
        // the record rewrite of the latest change (PropertyRewrites): on GET of one property and a PATCH's answer
        schema(openApi, "PropertyRewrite", object(props("id", TEXT, "status", oneOf(List.of("running", "done")),
                "total", INT, "processed", INT, "converted", INT, "failed", INT, "createdAt", INSTANT,
                "finishedAt", nullable(INSTANT), "note", TEXT), "id", "status", "total", "processed", "converted",
                "failed", "createdAt"));
        schema(openApi, "PropertyList", items(ref("Property")));
        String path = "/api/v1/properties/{objectType}";
        respond(operation(openApi, "GET", path), "200", "PropertyList");
        body(operation(openApi, "POST", path), "PropertyCreate");
        respond(operation(openApi, "POST", path), "201", "Property");
        respond(operation(openApi, "GET", path + "/{name}"), "200", "Property");
        body(operation(openApi, "PATCH", path + "/{name}"), "PropertyPatch");
        respond(operation(openApi, "PATCH", path + "/{name}"), "200", "Property");
        noContent(operation(openApi, "DELETE", path + "/{name}"));
        respond(operation(openApi, "POST", path + "/{name}/restore"), "200", "Property");
    }

    private static void imports(OpenAPI openApi) {
        Map<String, Object> file = Fields.schema("type", "string", "contentMediaType", "text/csv",
                "description", "the CSV file (UTF-8, a header row)");
        Map<String, Object> entity = oneOf(IMPORT_ENTITIES);
        body(operation(openApi, "POST", "/api/v1/imports/preview"), "multipart/form-data",
                closed(props("file", file, "entity", entity), "file", "entity"));
        body(operation(openApi, "POST", "/api/v1/imports"), "multipart/form-data", closed(props("file", file,
                "entity", entity,
                "mapping", Fields.schema("type", "string", "contentMediaType", "application/json", "description",
                        "a JSON object: CSV header -> field (default: the preview's suggestedMapping)"),
                "onDuplicate", Fields.schema("type", "string", "enum", ImportService.POLICIES,
                        "default", ImportService.POLICIES.get(0))), "file", "entity"));
        schema(openApi, "ImportPreview", object(props("entity", entity, "headers", array(TEXT),
                "rows", Fields.schema("type", "array", "items", array(TEXT), "description", "the first rows"),
                "totalRows", INT, "fields", array(TEXT),
                "suggestedMapping", Fields.schema("type", "object", "additionalProperties", TEXT),
                "dynamicFieldPrefix", Fields.schema("type", "string", "description",
                        "a header mapped to <prefix><name> becomes that attribute")),
                "entity", "headers", "rows", "totalRows", "fields", "suggestedMapping"));
        Map<String, Object> count = Fields.schema("type", List.of("integer", "null"));
        schema(openApi, "ImportStatus", object(props("id", ID, "entity", entity, "fileName", nullable(TEXT),
                "status", oneOf(List.of("running", "done", "failed")),
                "onDuplicate", oneOf(ImportService.POLICIES), "totalRows", count, "processedRows", count,
                "created", count, "updated", count, "skipped", count, "failed", count,
                "createdAt", INSTANT, "finishedAt", nullable(INSTANT), "createdBy", nullable(TEXT),
                "errorsUrl", Fields.schema("type", "string", "format", "uri-reference"), "errorCount", count,
                "errorsTruncated", BOOL, "error", TEXT,
                "mapping", Fields.schema("type", List.of("object", "null"), "additionalProperties", TEXT)),
                "id", "entity", "status", "errorsUrl"));
        respond(operation(openApi, "POST", "/api/v1/imports/preview"), "200", "ImportPreview");
        respond(operation(openApi, "POST", "/api/v1/imports"), "202", "ImportStatus");
        respond(operation(openApi, "GET", "/api/v1/imports/{id}"), "200", "ImportStatus");
        csv(operation(openApi, "GET", "/api/v1/imports/{id}/errors.csv"), "200",
                "row,field,message (row: the 1-based data row)");
    }
}
