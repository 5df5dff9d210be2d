package io.crm.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.crm.support.Http;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * End to end against the packaged jar as a real process on the embedded store, authenticated as an operator's script
 * is (the first admin from CRM_ADMIN_EMAIL / CRM_ADMIN_PASSWORD, an API token over HTTP Basic, then Bearer): the
 * original service's compose E2E walk of the legacy API, then the v1 API, then a graceful SIGTERM with a request in
 * flight, then a restart that finds the data (and the admin) again.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PackagedServiceIT {

    @TempDir
    static Path dataDir;

    @Test
    @Order(1)
    void legacyWalkThenV1ThenGracefulStopThenRestart() throws Exception {
        String password = ServiceProcess.randomPassword();
        try (ServiceProcess service = ServiceProcess.start(dataDir, ServiceProcess.withAdmin(password, Map.of()))) {
            assertThat(service.http().get("/person").status()).as("anonymous").isEqualTo(401);
            String token = service.token(ServiceProcess.ADMIN_EMAIL, password);
            Http http = service.http().withToken(token);
            legacyWalk(http);
            v1Walk(http);
            inFlightRequestSurvivesSigterm(service, http, token);
            assertThat(service.logText()).doesNotContain(password);
        }
        try (ServiceProcess restarted = ServiceProcess.start(dataDir, ServiceProcess.withAdmin(password, Map.of()))) {
            Http.Response john = restarted.api(password).get("/person/123");
            assertThat(john.status()).isEqualTo(200);
            assertThat(john.json().get("phone").asString()).isEqualTo("555-9999");
            assertThat(restarted.logText()).contains("embedded MongoDB-wire store");
            assertThat(restarted.terminate(Duration.ofSeconds(30))).isZero();
        }
    }

    /** The steps of the original pipeline's docker-compose end-to-end test, in its order. */
    private static void legacyWalk(Http http) {
        Http.Response health = http.get("/health");
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json().get("status").asString()).isEqualTo("healthy");

        Http.Response root = http.get("/", "Accept", "application/json");
        assertThat(root.status()).isEqualTo(200);
        assertThat(root.json().get("service").asString()).isEqualTo("CRM REST API");

        Http.Response empty = http.get("/person");
        assertThat(empty.status()).isEqualTo(200);
        assertThat(empty.json().isArray()).isTrue();

        Http.Response created = http.post("/person/123",
                Map.of("name", "John Doe", "email", "john@example.com", "phone", "555-1234"));
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.json().get("message").asString()).isEqualTo("Person added successfully");
        assertThat(created.json().get("person_id").asString()).isEqualTo("123");

        Http.Response list = http.get("/person");
        assertThat(list.json().findValuesAsString("person_id")).contains("123");

        Http.Response john = http.get("/person/123");
        assertThat(john.status()).isEqualTo(200);
        assertThat(john.json().get("name").asString()).isEqualTo("John Doe");

        Http.Response updated = http.put("/person/123", Map.of("phone", "555-9999"));
        assertThat(updated.status()).isEqualTo(200);
        assertThat(updated.json().get("message").asString()).isEqualTo("Person updated successfully");
        assertThat(http.get("/person/123").json().get("phone").asString()).isEqualTo("555-9999");

        assertThat(http.post("/person/456", Map.of("name", "Jane Roe", "email", "jane@example.com")).status())
                .isEqualTo(201);
        Http.Response deleted = http.delete("/person/456");
        assertThat(deleted.status()).isEqualTo(200);
        assertThat(deleted.json().get("message").asString()).isEqualTo("Person deleted successfully");

        Http.Response gone = http.get("/person/456");
        assertThat(gone.status()).isEqualTo(404);
        assertThat(gone.json().get("error").asString()).isEqualTo("Person not found");
    }

    private static void v1Walk(Http http) {
        JsonNode contacts = http.get("/api/v1/contacts?email=john@example.com").json();
        assertThat(contacts.get("items")).hasSize(1);
        assertThat(contacts.get("items").get(0).get("externalId").asString()).isEqualTo("123");

        Http.Response company = http.post("/api/v1/companies", Map.of("name", "Acme", "domain", "acme.example"));
        assertThat(company.status()).isEqualTo(201);
        String companyId = company.json().get("id").asString();

        Http.Response contact = http.post("/api/v1/contacts",
                Map.of("name", "Ada Buyer", "email", "ada@acme.example", "companyId", companyId));
        assertThat(contact.status()).isEqualTo(201);
        String contactId = contact.json().get("id").asString();

        Http.Response deal = http.post("/api/v1/deals", Map.of("title", "Acme renewal", "amount", "1234.50",
                "companyId", companyId, "contactIds", List.of(contactId)));
        assertThat(deal.status()).isEqualTo(201);
        String dealPath = deal.header("Location").map(URI::create).map(URI::getPath).orElseThrow();

        Http.Response moved = http.patch(dealPath, Map.of("stage", "proposal"), "If-Match", "\"1\"");
        assertThat(moved.status()).isEqualTo(200);
        assertThat(http.patch(dealPath, Map.of("stage", "won"), "If-Match", "\"1\"").status()).isEqualTo(412);

        JsonNode pipeline = http.get("/api/v1/pipeline").json();
        JsonNode proposal = null;
        for (JsonNode stage : pipeline) {
            if (stage.get("stage").asString().equals("proposal")) {
                proposal = stage;
            }
        }
        assertThat(proposal).isNotNull();
        assertThat(proposal.get("amounts").get("USD").asString()).isEqualTo("1234.50");

        assertThat(http.post("/api/v1/activities", Map.of("type", "note", "subject", "Kick-off call",
                "contactId", contactId)).status()).isEqualTo(201);
        JsonNode timeline = http.get("/api/v1/contacts/" + contactId + "/timeline").json();
        assertThat(timeline.get("items")).isNotEmpty();

        assertThat(http.delete("/api/v1/contacts/" + contactId).status()).isEqualTo(204);
        assertThat(http.get("/api/v1/contacts/" + contactId).status()).isEqualTo(404);
        assertThat(http.post("/api/v1/contacts/" + contactId + "/restore", Map.of()).status()).isEqualTo(200);
    }

    /** SIGTERM while a large response streams: the response completes, then the process exits 0. */
    private static void inFlightRequestSurvivesSigterm(ServiceProcess service, Http http, String token)
            throws Exception {
        int batches = 30;
        for (int b = 0; b < batches; b++) {
            List<Map<String, Object>> people = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                people.add(Map.of("person_id", "bulk-" + b + "-" + i, "name", "Bulk Person " + b + "-" + i,
                        "notes", "x".repeat(200)));
            }
            assertThat(http.post("/person/bulk", people).status()).isEqualTo(201);
        }
        HttpClient client = HttpClient.newHttpClient();
        HttpResponse<InputStream> streaming = client.send(
                HttpRequest.newBuilder(URI.create(http.base() + "/person"))
                        .header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        byte[] first;
        try (InputStream body = streaming.body()) {
            first = body.readNBytes(1024);
            ProcessHandle.of(service.pid()).orElseThrow().destroy();
            // the rest is read once the graceful shutdown is under way: the port takes no new connections
            Awaitility.await("graceful shutdown begun").atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(20)).until(() -> !service.accepting());
            byte[] rest = body.readAllBytes();
            String all = new String(first) + new String(rest);
            JsonNode people = Http.JSON.readTree(all);
            assertThat(people.size()).isGreaterThanOrEqualTo(batches * 100 + 1);
        }
        assertThat(service.terminate(Duration.ofSeconds(30))).isZero();
        assertThat(Files.readString(service.log)).doesNotContain("\"level\":\"ERROR\"");
    }
}
