package io.crm.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.crm.record.Field;
import io.crm.record.Fields;
import io.crm.record.SchemaCustomizer;
import io.crm.security.Role;
import io.crm.support.ApiTest;
import io.crm.support.Http;
import io.crm.support.Multipart;
import org.awaitility.Awaitility;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * Adding a built-in field is one change in one place: this test adds {@code nickname} to the contact schema (a
 * {@link SchemaCustomizer} in the test's context, where a real change edits {@code ContactSchema.schema}) and finds
 * it everywhere: the API's validation and JSON, the legacy stored shape, the OpenAPI document, the search, the web
 * form, the list columns, CSV import and export, and merge; and adds {@code location} to the activity schema, which
 * the timeline's activity form then shows and sends, and its entries show.
 */
class OneSchemaTest extends ApiTest {

    @TestConfiguration
    static class Nickname {
        @Bean
        SchemaCustomizer nickname() {
            return (objectType, schema) -> switch (objectType) {
                case "contacts" -> schema.with(Field.optional("nickname", Fields.text(1, 50))
                        .aliases("nick", "known as"));
                case "activities" -> schema.with(Field.optional("location", Fields.text(1, 100)));
                default -> schema;
            };
        }
    }

    private String create(Map<String, Object> body) {
        Http.Response created = http.post("/api/v1/contacts", body);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.json().get("id").asString();
    }

    @Test
    void theApiValidatesStoresAndShowsTheField() {
        String id = create(Map.of("name", "Robert", "nickname", "  Bobby "));
        JsonNode contact = http.get("/api/v1/contacts/" + id).json();
        assertThat(contact.get("nickname").asString()).isEqualTo("Bobby");
        // stored as a top-level field of the original service's persons shape, not as an attribute
        Document stored = mongo.getCollection("persons").find(new Document("name", "Robert")).first();
        assertThat(stored.getString("nickname")).isEqualTo("Bobby");
        assertThat(contact.get("attributes").has("nickname")).isFalse();

        assertThat(errorFields(http.post("/api/v1/contacts", Map.of("name", "X", "nickname", "x".repeat(51)))))
                .containsExactly("nickname");
        // its name is reserved: no attribute may take it
        assertThat(errorFields(http.post("/api/v1/contacts", Map.of("name", "X",
                "attributes", Map.of("nickname", "y"))))).containsExactly("attributes");
        Map<String, Object> removal = new java.util.HashMap<>();
        removal.put("nickname", null);
        assertThat(http.patch("/api/v1/contacts/" + id, removal).json().get("nickname").isNull()).isTrue();
    }

    @Test
    void theOpenApiDocumentTypesTheField() {
        JsonNode schemas = http.get("/v3/api-docs").json().get("components").get("schemas");
        JsonNode create = schemas.get("ContactCreate").get("properties").get("nickname");
        assertThat(create.get("type").asString()).isEqualTo("string");
        assertThat(create.get("maxLength").asInt()).isEqualTo(50);
        assertThat(schemas.get("Contact").get("properties").has("nickname")).isTrue();
    }

    @Test
    void aSearchFiltersAndSortsByTheField() {
        create(Map.of("name", "Robert", "nickname", "Bobby"));
        create(Map.of("name", "Roberta", "nickname", "Bobbie"));
        create(Map.of("name", "Alice"));
        Http.Response found = http.post("/api/v1/contacts/search", Map.of("filterGroups", List.of(Map.of(
                "filters", List.of(Map.of("propertyName", "nickname", "operator", "EQ", "value", "Bobby"))))));
        assertThat(found.status()).as(found.body()).isEqualTo(200);
        assertThat(names(found.json())).containsExactly("Robert");
        Http.Response has = http.post("/api/v1/contacts/search", Map.of("filterGroups", List.of(Map.of(
                "filters", List.of(Map.of("propertyName", "nickname", "operator", "HAS_PROPERTY"))))));
        assertThat(names(has.json())).containsExactlyInAnyOrder("Robert", "Roberta");
        // a value of the wrong shape is refused by the field's own rule
        assertThat(errorFields(http.post("/api/v1/contacts/search", Map.of("filterGroups", List.of(Map.of(
                "filters", List.of(Map.of("propertyName", "nickname", "operator", "EQ",
                        "value", "x".repeat(51))))))))).containsExactly("filterGroups[0].filters[0].value");
    }

    private static List<String> names(JsonNode page) {
        List<String> names = new ArrayList<>();
        page.get("items").forEach(item -> names.add(item.get("name").asString()));
        return names;
    }

    @Test
    void theWebFormShowsAndSendsTheFieldAndTheListOffersItAsAColumn() {
        Document member = user(Role.MEMBER);
        WebSession web = WebSession.signIn(http.base(), member.getString("email"), PASSWORD);
        assertThat(web.get("/contacts/new").body()).contains("name=\"nickname\"", ">Nickname");
        Http.Response created = web.post("/contacts", Map.of("name", "Grace", "nickname", "Amazing Grace"), true);
        assertThat(created.status()).as(created.toString()).isEqualTo(302);
        String id = created.header("Location").orElseThrow().replaceAll(".*/contacts/", "");
        assertThat(http.get("/api/v1/contacts/" + id).json().get("nickname").asString()).isEqualTo("Amazing Grace");
        assertThat(web.get("/contacts/" + id + "/edit").body()).contains("value=\"Amazing Grace\"");
        // refused by the field's rule, shown next to it
        Http.Response refused = web.post("/contacts", Map.of("name", "Bad", "nickname", "x".repeat(51)), true);
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.body()).contains("id=\"nickname-error\"", "at most 50 characters");
        // the list page with the field as a column and a filter on it
        String list = web.get("/contacts/search?col=name&col=nickname&fg=0&fp=nickname&fo=EQ&fv="
                + WebSession.enc("Amazing Grace")).body();
        assertThat(list).contains("Amazing Grace", "value=\"nickname\"");
    }

    @Test
    void theTimelinesActivityFormShowsAndSendsAFieldAddedToTheActivitySchema() {
        Document member = user(Role.MEMBER);
        WebSession web = WebSession.signIn(http.base(), member.getString("email"), PASSWORD);
        String contact = create(Map.of("name", "Grace"));
        assertThat(web.get("/contacts/" + contact).body()).contains("name=\"location\"", ">Location");
        Http.Response added = web.post("/activities", Map.of("contactId", contact, "on", "contact", "type", "meeting",
                "subject", "Kick-off", "location", "Room 4"), true);
        assertThat(added.status()).as(added.toString()).isEqualTo(302);
        // the entry shows it too
        assertThat(web.get("/contacts/" + contact).body()).contains("Meeting added to the timeline.",
                "Location: Room 4");
        JsonNode activities = http.get("/api/v1/activities?contactId=" + contact).json().get("items");
        assertThat(activities).hasSize(1);
        assertThat(activities.get(0).get("location").asString()).isEqualTo("Room 4");
        // refused by the field's rule: shown next to it on the page the form came from, with what was typed
        Http.Response refused = web.post("/activities", Map.of("contactId", contact, "on", "contact",
                "subject", "Lunch", "location", "x".repeat(101)), true);
        assertThat(refused.status()).as(refused.toString()).isEqualTo(302);
        String page = web.get("/contacts/" + contact).body();
        assertThat(page).contains("id=\"location-error\"", "at most 100 characters", "value=\"Lunch\"");
    }

    @Test
    void csvImportMapsTheFieldAndExportHasItsColumn() {
        Http.Response preview = Multipart.post(http, "/api/v1/imports/preview", Map.of("entity", "contacts"),
                "people.csv", "Name,Known as\r\nAnn,Annie\r\n");
        assertThat(preview.status()).as(preview.body()).isEqualTo(200);
        assertThat(preview.json().get("suggestedMapping").get("Known as").asString()).isEqualTo("nickname");
        Http.Response started = Multipart.post(http, "/api/v1/imports", Map.of("entity", "contacts"),
                "people.csv", "Name,Known as\r\nAnn,Annie\r\n");
        assertThat(started.status()).as(started.body()).isEqualTo(202);
        String importId = started.json().get("id").asString();
        Awaitility.await().atMost(java.time.Duration.ofMinutes(1)).pollInSameThread()
                .until(() -> !http.get("/api/v1/imports/" + importId).json().get("status").asString()
                        .equals("running"));
        assertThat(http.get("/api/v1/imports/" + importId).json().get("status").asString()).isEqualTo("done");

        String csv = http.get("/api/v1/contacts/export").body();
        String[] lines = csv.split("\r\n");
        List<String> header = List.of(lines[0].split(","));
        assertThat(header).contains("nickname");
        assertThat(lines[1].split(",")[header.indexOf("nickname")]).isEqualTo("Annie");
    }

    @Test
    void aMergeFillsTheFieldFromTheDuplicate() {
        String kept = create(Map.of("name", "Dana", "email", "dana@example.com"));
        String duplicate = create(Map.of("name", "Dana", "phone", "555 0101", "nickname", "Dee"));
        Http.Response merged = http.post("/api/v1/contacts/" + kept + "/merge", Map.of("duplicateId", duplicate));
        assertThat(merged.status()).as(merged.body()).isEqualTo(200);
        assertThat(merged.json().get("nickname").asString()).isEqualTo("Dee");
    }
}
