package io.crm.apidocs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import io.crm.property.CustomProperties;
import io.crm.search.SearchParser;
import io.crm.support.ApiTest;
import io.crm.support.Http;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** Every /api/v1 operation of the live OpenAPI document has typed bodies, and the check can tell when one is not. */
class ApiBodiesTest extends ApiTest {

    private JsonNode docs() {
        Http.Response docs = http.get("/v3/api-docs");
        assertThat(docs.status()).isEqualTo(200);
        return docs.json();
    }

    @Test
    void everyV1OperationHasTypedBodies() {
        JsonNode docs = docs();
        assertThat(TypedBodies.problems(docs)).isEmpty();
        // not vacuous: the walk saw the whole API, the CSV downloads among it
        int operations = 0;
        for (var path : docs.get("paths").properties()) {
            if (path.getKey().startsWith("/api/v1/")) {
                operations += path.getValue().size();
            }
        }
        assertThat(operations).isGreaterThan(90);
        for (String type : List.of("contacts", "companies", "deals", "activities")) {
            JsonNode export = docs.get("paths").get("/api/v1/" + type + "/export");
            assertThat(export.get("get").get("responses").get("200").get("content").has("text/csv")).isTrue();
            assertThat(export.get("post").get("responses").get("200").get("content").has("text/csv")).isTrue();
        }
        assertThat(docs.get("paths").get("/api/v1/imports/{id}/errors.csv").get("get").get("responses").get("200")
                .get("content").has("text/csv")).isTrue();
    }

    @Test
    void theCheckReportsAPlantedUntypedBody() {
        JsonNode docs = docs();
        // a component schema gone bare: the operations referring to it are reported
        ObjectNode bare = (ObjectNode) docs.deepCopy();
        ((ObjectNode) bare.get("components").get("schemas")).putObject("ContactSearch").put("type", "object");
        String ref = "{\"$ref\":\"#/components/schemas/ContactSearch\"}";
        assertThat(TypedBodies.problems(bare)).containsExactlyInAnyOrder(
                "POST /api/v1/contacts/search request application/json: untyped " + ref,
                "POST /api/v1/contacts/export request application/json: untyped " + ref);
        // an operation's own answer untyped (springdoc's default for a Map), and a CSV download with no content
        ObjectNode inline = (ObjectNode) docs.deepCopy();
        ((ObjectNode) inline.get("paths").get("/api/v1/views").get("get").get("responses").get("200")
                .get("content").get("application/json")).putObject("schema").put("type", "object")
                .putObject("additionalProperties");
        ((ObjectNode) inline.get("paths").get("/api/v1/deals/export").get("get").get("responses").get("200"))
                .remove("content");
        assertThat(TypedBodies.problems(inline)).containsExactlyInAnyOrder(
                "GET /api/v1/views 200 application/json: untyped {\"type\":\"object\",\"additionalProperties\":{}}",
                "GET /api/v1/deals/export 200: no content declared",
                "GET /api/v1/deals/export: a CSV download not declared text/csv");
    }

    @Test
    void searchBodiesNameTheOperatorsPropertiesAndLimits() {
        mongo.getCollection(CustomProperties.COLLECTION).insertOne(new Document("objectType", "deals")
                .append("name", "region").append("label", "Region").append("type", "text")
                .append("options", List.of()).append("required", false).append("unique", false)
                .append("archived", false));
        JsonNode docs = docs();
        JsonNode schemas = docs.get("components").get("schemas");
        JsonNode body = schemas.get("DealSearch");
        JsonNode filter = body.get("properties").get("filterGroups").get("items").get("properties").get("filters")
                .get("items");
        assertThat(strings(filter.get("properties").get("operator").get("enum"))).containsExactly("EQ", "NEQ",
                "LT", "LTE", "GT", "GTE", "BETWEEN", "IN", "NOT_IN", "HAS_PROPERTY", "NOT_HAS_PROPERTY",
                "CONTAINS_TOKEN");
        assertThat(strings(filter.get("properties").get("propertyName").get("enum")))
                .contains("amount", "stage", "custom.region");
        assertThat(strings(schemas.get("ContactSearch").get("properties").get("filterGroups").get("items")
                .get("properties").get("filters").get("items").get("properties").get("propertyName").get("enum")))
                .contains("email").doesNotContain("custom.region");
        assertThat(body.get("properties").get("filterGroups").get("maxItems").asInt())
                .isEqualTo(SearchParser.MAX_GROUPS).isEqualTo(5);
        assertThat(filter.get("properties").get("values").get("maxItems").asInt()).isEqualTo(100);
        assertThat(strings(body.get("properties").get("sorts").get("items").get("properties").get("direction")
                .get("enum"))).containsExactly("ASCENDING", "DESCENDING");
        assertThat(body.get("additionalProperties").asBoolean()).isFalse();
        JsonNode result = schemas.get("DealSearchResult").get("properties");
        assertThat(result.get("items").get("items").get("$ref").asString()).isEqualTo("#/components/schemas/Deal");
        assertThat(docs.get("paths").get("/api/v1/deals/search").get("post").get("requestBody").get("content")
                .get("application/json").get("schema").get("$ref").asString())
                .isEqualTo("#/components/schemas/DealSearch");
    }

    @Test
    void propertyViewUserAndImportBodiesAreSpelledOut() {
        JsonNode docs = docs();
        JsonNode schemas = docs.get("components").get("schemas");
        assertThat(strings(schemas.get("PropertyCreate").get("properties").get("type").get("enum")))
                .containsExactlyInAnyOrder("text", "number", "decimal", "date", "datetime", "boolean", "select",
                        "multiselect", "email", "url", "phone");
        assertThat(strings(schemas.get("PropertyCreate").get("required"))).containsExactlyInAnyOrder("name",
                "type");
        assertThat(strings(schemas.get("SavedViewCreate").get("required"))).containsExactlyInAnyOrder("name",
                "objectType");
        assertThat(strings(schemas.get("SavedViewCreate").get("properties").get("objectType").get("enum")))
                .containsExactly("contacts", "companies", "deals", "activities");
        assertThat(strings(schemas.get("UserCreate").get("properties").get("role").get("enum")))
                .containsExactlyInAnyOrder("ADMIN", "MEMBER", "VIEWER");
        assertThat(schemas.get("TokenCreated").get("properties").has("token")).isTrue();
        JsonNode form = docs.get("paths").get("/api/v1/imports").get("post").get("requestBody").get("content")
                .get("multipart/form-data").get("schema");
        assertThat(strings(form.get("required"))).containsExactlyInAnyOrder("file", "entity");
        assertThat(strings(form.get("properties").get("onDuplicate").get("enum"))).containsExactly("skip",
                "update", "create");
        assertThat(docs.get("paths").get("/api/v1/imports").get("post").get("responses").get("202").get("content")
                .get("application/json").get("schema").get("$ref").asString())
                .isEqualTo("#/components/schemas/ImportStatus");
        // a delete answers 204 with no body; every failure is problem+json
        JsonNode delete = docs.get("paths").get("/api/v1/views/{id}").get("delete").get("responses");
        assertThat(delete.has("204")).isTrue();
        assertThat(delete.has("200")).isFalse();
        assertThat(delete.get("4XX").get("content").get("application/problem+json").get("schema").get("$ref")
                .asString()).isEqualTo("#/components/schemas/Problem");
        assertThat(schemas.get("Problem").get("properties").get("errors").get("items").get("properties")
                .has("field")).isTrue();
    }

    @Test
    void aFiltersOperandsAreTypedByItsProperty() {
        mongo.getCollection(CustomProperties.COLLECTION).insertOne(new Document("objectType", "deals")
                .append("name", "tier").append("label", "Tier").append("type", "multiselect")
                .append("options", List.of(new Document("value", "gold").append("order", 0),
                        new Document("value", "silver").append("order", 1)))
                .append("required", false).append("unique", false).append("archived", false));
        mongo.getCollection(CustomProperties.COLLECTION).insertOne(new Document("objectType", "deals")
                .append("name", "seats").append("label", "Seats").append("type", "number")
                .append("options", List.of()).append("required", false).append("unique", false)
                .append("archived", false));
        JsonNode filter = docs().get("components").get("schemas").get("DealSearch").get("properties")
                .get("filterGroups").get("items").get("properties").get("filters").get("items");
        java.util.Map<String, JsonNode> byProperty = new java.util.HashMap<>();
        filter.get("oneOf").forEach(variant -> variant.get("properties").get("propertyName").get("enum")
                .forEach(name -> assertThat(byProperty.put(name.asString(), variant)).as("%s in one variant", name)
                        .isNull()));
        // every property the filter names has exactly one variant
        assertThat(byProperty.keySet()).containsExactlyInAnyOrderElementsOf(
                strings(filter.get("properties").get("propertyName").get("enum")));
        JsonNode amount = byProperty.get("amount").get("properties");
        assertThat(strings(amount.get("operator").get("enum"))).contains("GTE", "BETWEEN")
                .doesNotContain("CONTAINS_TOKEN");
        assertThat(amount.get("value").toString()).contains("pattern");
        assertThat(amount.get("values").get("items")).isEqualTo(amount.get("value"));
        assertThat(byProperty.get("expectedCloseDate").get("properties").get("value").get("format").asString())
                .isEqualTo("date");
        // a multiselect's operand is one of its options; "me" names the caller for the owner
        assertThat(strings(byProperty.get("custom.tier").get("properties").get("value").get("enum")))
                .containsExactly("gold", "silver");
        assertThat(byProperty.get("ownerId").get("properties").get("value").toString()).contains("\"me\"");
        // a number, or the number as text (what the parser takes)
        JsonNode seats = byProperty.get("custom.seats").get("properties").get("value").get("anyOf");
        assertThat(seats.get(0).get("type").asString()).isEqualTo("number");
        assertThat(java.util.regex.Pattern.compile(seats.get(1).get("pattern").asString()).matcher(" -12.5e3")
                .matches()).isTrue();
        assertThat(strings(byProperty.get("title").get("properties").get("operator").get("enum")))
                .contains("CONTAINS_TOKEN");
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(value -> values.add(value.asString()));
        return values;
    }
}
