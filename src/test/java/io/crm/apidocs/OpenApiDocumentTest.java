package io.crm.apidocs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import io.crm.property.CustomProperties;
import io.crm.support.ApiTest;
import io.crm.support.Http;
import io.swagger.parser.OpenAPIParser;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The published OpenAPI document is valid OpenAPI 3.1 and shows typed record bodies from the live schemas. */
class OpenApiDocumentTest extends ApiTest {

    private JsonNode docs() {
        Http.Response docs = http.get("/v3/api-docs");
        assertThat(docs.status()).isEqualTo(200);
        return docs.json();
    }

    @Test
    void theDocumentValidatesAgainstTheSpecification() {
        String json = http.get("/v3/api-docs").body();
        SwaggerParseResult parsed = new OpenAPIParser().readContents(json, null, null);
        assertThat(parsed.getMessages()).isEmpty();
        assertThat(parsed.getOpenAPI().getOpenapi()).startsWith("3.1");
        assertThat(parsed.getOpenAPI().getComponents().getSchemas()).containsKeys("Contact", "ContactCreate",
                "ContactPatch", "ContactPage", "Company", "Deal", "DealCreate", "Activity", "ActivityPage");
        // and a broken document is not valid: the check can fail
        SwaggerParseResult broken = new OpenAPIParser().readContents(json.replace("\"openapi\":\"3.1.0\"",
                "\"openapi\":\"3.1.0\",\"paths\":7"), null, null);
        assertThat(broken.getMessages()).isNotEmpty();
    }

    @Test
    void recordBodiesAreTypedFromTheSchemasThatValidateThem() {
        JsonNode docs = docs();
        JsonNode schemas = docs.get("components").get("schemas");
        JsonNode create = schemas.get("ContactCreate");
        assertThat(create.get("required").toString()).isEqualTo("[\"name\"]");
        assertThat(create.get("additionalProperties").asBoolean()).isFalse();
        assertThat(create.get("properties").get("email").get("format").asString()).isEqualTo("email");
        assertThat(create.get("properties").get("name").get("maxLength").asInt()).isEqualTo(200);
        assertThat(create.get("properties").get("tags").get("type").asString()).isEqualTo("array");
        JsonNode deal = schemas.get("DealCreate").get("properties");
        assertThat(deal.get("amount").get("pattern").asString()).isNotBlank();
        assertThat(deal.get("expectedCloseDate").get("format").asString()).isEqualTo("date");
        assertThat(schemas.get("Deal").get("properties").has("closedAt")).isTrue();
        assertThat(schemas.get("ActivityCreate").get("properties").get("type").get("enum").toString())
                .contains("task", "note");
        // a merge patch: nothing required, null removes
        assertThat(schemas.get("ContactPatch").has("required")).isFalse();
        assertThat(schemas.get("ContactPatch").get("properties").get("phone").get("anyOf").toString())
                .contains("\"null\"");

        JsonNode post = docs.get("paths").get("/api/v1/contacts").get("post");
        assertThat(post.get("requestBody").get("content").get("application/json").get("schema").get("$ref")
                .asString()).isEqualTo("#/components/schemas/ContactCreate");
        assertThat(post.get("responses").get("201").get("content").get("application/json").get("schema")
                .get("$ref").asString()).isEqualTo("#/components/schemas/Contact");
        JsonNode list = docs.get("paths").get("/api/v1/deals").get("get");
        assertThat(list.get("responses").get("200").get("content").get("application/json").get("schema")
                .get("$ref").asString()).isEqualTo("#/components/schemas/DealPage");
        JsonNode patch = docs.get("paths").get("/api/v1/companies/{id}").get("patch");
        List<String> refs = new ArrayList<>();
        patch.get("requestBody").get("content").forEach(c -> refs.add(c.get("schema").get("$ref").asString()));
        assertThat(refs).isNotEmpty().allMatch(r -> r.equals("#/components/schemas/CompanyPatch"));
        assertThat(docs.get("paths").get("/api/v1/pipelines").get("post").get("requestBody").get("content")
                .get("application/json").get("schema").get("$ref").asString())
                .isEqualTo("#/components/schemas/PipelineCreate");
        assertThat(schemas.get("PipelineCreate").get("properties").get("stages").get("items").get("properties")
                .get("probability").get("maximum").asInt()).isEqualTo(100);
    }

    @Test
    void aCustomPropertyShowsInTheDocumentAtOnce() {
        assertThat(docs().get("components").get("schemas").get("Deal").get("properties").get("custom")
                .get("properties").isEmpty()).isTrue();
        mongo.getCollection(CustomProperties.COLLECTION).insertOne(new Document("objectType", "deals")
                .append("name", "region").append("label", "Region").append("type", "select")
                .append("options", List.of(new Document("value", "emea").append("label", "EMEA").append("order", 1),
                        new Document("value", "amer").append("label", "Americas").append("order", 2)))
                .append("required", false).append("unique", false).append("archived", false));
        JsonNode region = docs().get("components").get("schemas").get("DealCreate").get("properties")
                .get("custom").get("properties").get("region");
        assertThat(region.get("enum").toString()).isEqualTo("[\"emea\",\"amer\"]");
        assertThat(region.get("title").asString()).isEqualTo("Region");
        assertThat(docs().get("components").get("schemas").get("Activity").get("properties").has("custom"))
                .isFalse();
    }
}
