package io.crm.apidocs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.crm.support.ApiTest;
import io.crm.support.Http;
import io.crm.support.Multipart;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The documented schemas describe what the service really answers: real responses of the hand-written bodies have
 * no field the schema does not name, and every field it requires (the schemas are written from the code; this is
 * what keeps them honest when the code changes).
 */
class ApiBodiesConformTest extends ApiTest {

    private static final tools.jackson.databind.json.JsonMapper JSON = tools.jackson.databind.json.JsonMapper
            .builder().build();

    private JsonNode schemas;

    private List<String> drift(Http.Response response, int status, String schema) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        if (schemas == null) {
            schemas = http.get("/v3/api-docs").json().get("components").get("schemas");
        }
        List<String> drift = new ArrayList<>();
        compare(response.json(), schemas.get(schema), schema, drift);
        return drift;
    }

    /** {@code body}, after checking that its request schema declares it as sent (the service accepts it). */
    private Object sent(Object body, String schema) {
        if (schemas == null) {
            schemas = http.get("/v3/api-docs").json().get("components").get("schemas");
        }
        List<String> drift = new ArrayList<>();
        compare(JSON.valueToTree(body), schemas.get(schema), schema, drift);
        assertThat(drift).as("request " + schema).isEmpty();
        return body;
    }

    /** What of {@code value} {@code schema} does not declare, or requires and is missing; nested objects too. */
    private void compare(JsonNode value, JsonNode schema, String at, List<String> drift) {
        schema = resolve(schema);
        if (schema == null || value == null || value.isNull()) {
            return;
        }
        if (schema.has("anyOf")) {
            for (JsonNode member : schema.get("anyOf")) {
                if (!"null".equals(member.path("type").asString())) {
                    compare(value, member, at, drift);
                }
            }
            return;
        }
        if (schema.has("oneOf") && value.isObject()) {
            // a typed variant (a search filter by its property's kind) must take the value as it is
            boolean taken = false;
            for (JsonNode member : schema.get("oneOf")) {
                List<String> memberDrift = new ArrayList<>();
                compare(value, member, at, memberDrift);
                taken |= memberDrift.isEmpty();
            }
            if (!taken) {
                drift.add(at + ": " + value + " matches none of its oneOf variants");
            }
        }
        if (value.isArray() && schema.has("items")) {
            for (JsonNode element : value) {
                compare(element, schema.get("items"), at + "[]", drift);
            }
            return;
        }
        if (schema.has("enum") && !value.isObject() && !value.isArray()) {
            boolean listed = false;
            for (JsonNode allowed : schema.get("enum")) {
                listed |= allowed.equals(value);
            }
            if (!listed) {
                drift.add(at + ": " + value + " is not one of " + schema.get("enum"));
            }
        }
        if (!value.isObject()) {
            return;
        }
        java.util.Map<String, JsonNode> declared = new java.util.LinkedHashMap<>();
        List<String> required = new ArrayList<>();
        for (JsonNode part : schema.has("allOf") ? schema.get("allOf") : List.of(schema)) {
            JsonNode resolved = resolve(part);
            resolved.path("properties").properties().forEach(p -> declared.put(p.getKey(), p.getValue()));
            resolved.path("required").forEach(name -> required.add(name.asString()));
        }
        if (declared.isEmpty()) {
            return; // a map (additionalProperties) or free-form value
        }
        for (Map.Entry<String, JsonNode> field : value.properties()) {
            if (!declared.containsKey(field.getKey())) {
                drift.add(at + "." + field.getKey() + ": not declared");
            } else {
                compare(field.getValue(), declared.get(field.getKey()), at + "." + field.getKey(), drift);
            }
        }
        for (String name : required) {
            if (!value.has(name)) {
                drift.add(at + "." + name + ": required but missing");
            }
        }
    }

    private JsonNode resolve(JsonNode schema) {
        while (schema != null && schema.has("$ref")) {
            schema = schemas.get(schema.get("$ref").asString().replace(Bodies.REF, ""));
        }
        return schema;
    }

    @Test
    void accountAnswersMatchTheirSchemas() {
        assertThat(drift(http.get("/api/v1/auth/me"), 200, "Me")).isEmpty();
        // the comparison can fail: the same answer against another schema
        assertThat(drift(http.get("/api/v1/auth/me"), 200, "SessionsEnded"))
                .contains("SessionsEnded.email: not declared", "SessionsEnded.ended: required but missing");
        assertThat(drift(http.get("/api/v1/users"), 200, "UserPage")).isEmpty();
        Http.Response service = http.post("/api/v1/users", sent(Map.of("kind", "service", "displayName", "Sync bot",
                "role", "MEMBER"), "UserCreate"));
        assertThat(drift(service, 201, "User")).isEmpty();
        String id = service.json().get("id").asString();
        assertThat(drift(http.post("/api/v1/users/" + id + "/tokens", sent(Map.of("name", "sync", "expiresInDays", 30,
                "scopes", List.of("read")), "TokenCreate")), 201, "TokenCreated")).isEmpty();
        assertThat(drift(http.get("/api/v1/users/" + id + "/tokens"), 200, "TokenList")).isEmpty();
        assertThat(drift(http.get("/api/v1/mail-preferences"), 200, "MailPreferences")).isEmpty();
        assertThat(drift(http.get("/api/v1/notifications"), 200, "NotificationList")).isEmpty();
    }

    @Test
    void dataAnswersMatchTheirSchemas() {
        assertThat(drift(http.post("/api/v1/properties/deals", sent(Map.of("name", "region", "type", "select",
                "options", List.of(Map.of("value", "emea"))), "PropertyCreate")), 201, "Property")).isEmpty();
        assertThat(drift(http.get("/api/v1/properties/deals"), 200, "PropertyList")).isEmpty();
        String contact = http.post("/api/v1/contacts", Map.of("name", "Ann Lee", "email", "ann@example.com"))
                .json().get("id").asString();
        http.post("/api/v1/contacts", Map.of("name", "Ann Lee", "email", "ann@example.com"));
        assertThat(drift(http.post("/api/v1/contacts/search", sent(Map.of("query", "Ann", "limit", 5,
                "sorts", List.of(Map.of("propertyName", "name", "direction", "DESCENDING")), "filterGroups",
                List.of(Map.of("filters", List.of(Map.of("propertyName", "email", "operator", "IN",
                        "values", List.of("ann@example.com")))))), "ContactSearch")), 200,
                "ContactSearchResult")).isEmpty();
        // the comparison can fail: an operator the property's kind does not take
        List<String> wrong = new ArrayList<>();
        compare(JSON.valueToTree(Map.of("filterGroups", List.of(Map.of("filters", List.of(Map.of("propertyName",
                "email", "operator", "LT", "value", "a")))))), schemas.get("ContactSearch"), "ContactSearch", wrong);
        assertThat(wrong).anyMatch(d -> d.contains("matches none of its oneOf variants"));
        assertThat(drift(http.get("/api/v1/contacts/" + contact + "/duplicates"), 200, "ContactDuplicates"))
                .isEmpty();
        assertThat(drift(http.get("/api/v1/contacts/" + contact + "/timeline"), 200, "TimelinePage")).isEmpty();
        Http.Response view = http.post("/api/v1/views", sent(Map.of("name", "Mine", "objectType", "contacts",
                "search", Map.of("query", "Ann"), "columns", List.of("name")), "SavedViewCreate"));
        assertThat(drift(view, 201, "SavedView")).isEmpty();
        assertThat(drift(http.get("/api/v1/views"), 200, "SavedViewList")).isEmpty();
        relayed();
        Http.Response audit = http.get("/api/v1/audit");
        assertThat(drift(audit, 200, "AuditPage")).isEmpty();
        assertThat(audit.json().get("items").size()).isPositive();
        Http.Response events = http.get("/api/v1/events");
        assertThat(drift(events, 200, "EventPage")).isEmpty();
        assertThat(events.json().get("items").size()).isPositive();
        // and a refused body is the documented Problem, its errors naming the fields
        assertThat(drift(http.post("/api/v1/contacts/search", Map.of("filterGroups", List.of(Map.of("filters",
                List.of(Map.of("propertyName", "name", "operator", "LIKE")))))), 400, "Problem")).isEmpty();
    }

    @Test
    void importAnswersMatchTheirSchemas() {
        String csv = "name,email\nAnn Lee,ann@example.com\n,no-name@example.com\n";
        assertThat(drift(Multipart.post(http, "/api/v1/imports/preview", Map.of("entity", "contacts"), "people.csv",
                csv), 200, "ImportPreview")).isEmpty();
        Http.Response started = Multipart.post(http, "/api/v1/imports", Map.of("entity", "contacts",
                "onDuplicate", "skip"), "people.csv", csv);
        assertThat(drift(started, 202, "ImportStatus")).isEmpty();
        String id = started.json().get("id").asString();
        Http.Response done = Awaitility.await("the import finishing").atMost(java.time.Duration.ofMinutes(2))
                .pollInterval(java.time.Duration.ofMillis(20)).pollInSameThread()
                .until(() -> http.get("/api/v1/imports/" + id),
                        status -> !status.json().get("status").asString().equals("running"));
        assertThat(drift(done, 200, "ImportStatus")).isEmpty();
        // the status is one the schema names
        assertThat(schemas.get("ImportStatus").get("properties").get("status").get("enum").toString())
                .contains("\"" + done.json().get("status").asString() + "\"");
        Http.Response errors = http.get("/api/v1/imports/" + id + "/errors.csv");
        assertThat(errors.contentType()).startsWith("text/csv");
    }

    @Test
    void adminAnswersMatchTheirSchemas() {
        assertThat(drift(http.get("/api/v1/admin/jobs"), 200, "JobList")).isEmpty();
        assertThat(drift(http.get("/api/v1/inbound/status"), 200, "InboundStatus")).isEmpty();
        assertThat(drift(http.get("/api/v1/mail/outbox"), 200, "MailOutbox")).isEmpty();
        assertThat(drift(http.get("/api/v1/admin/backups"), 200, "BackupList")).isEmpty();
        assertThat(drift(http.get("/api/v1/webhooks"), 200, "WebhookPage")).isEmpty();
        assertThat(drift(http.delete("/api/v1/auth/sessions"), 200, "SessionsEnded")).isEmpty();
    }
}
