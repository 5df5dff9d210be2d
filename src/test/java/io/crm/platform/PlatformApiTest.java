package io.crm.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import io.crm.support.ApiTest;
import io.crm.support.Http;
import io.crm.support.RawHttp;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** Health, correlation ids, access log, management port and the error shapes every endpoint shares. */
@ExtendWith(OutputCaptureExtension.class)
class PlatformApiTest extends ApiTest {

    @Value("${local.management.port}")
    int managementPort;

    @Test
    void healthIsTheOriginalShape() {
        Http.Response health = http.get("/health");
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json().get("status").asString()).isEqualTo("healthy");
        assertThat(health.json().get("service").asString()).isEqualTo("CRM API");
    }

    @Test
    void readyPingsTheDatabase() {
        Http.Response ready = http.get("/ready");
        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.json().get("status").asString()).isEqualTo("ready");
        assertThat(ready.json().get("database").asString()).isEqualTo("connected");
        // the test store, like the embedded one, is a standalone: no transactions
        assertThat(ready.json().get("store").toString())
                .isEqualTo("{\"topology\":\"standalone\",\"transactions\":false}");
        // authentication is on: no warning about it
        assertThat(ready.json().has("auth")).isFalse();
        assertThat(http.get("/livez").status()).isEqualTo(200);
        assertThat(http.get("/readyz").status()).isEqualTo(200);
    }

    @Test
    void correlationIdIsEchoedOrGenerated(CapturedOutput output) {
        Http.Response given = http.get("/health", "X-Correlation-ID", "abc-123");
        assertThat(given.header("X-Correlation-ID")).contains("abc-123");

        Http.Response generated = http.get("/health");
        assertThat(generated.header("X-Correlation-ID")).hasValueSatisfying(id -> assertThat(id).hasSize(36));

        Http.Response forged = http.get("/health", "X-Correlation-ID", "bad id\" with quotes");
        assertThat(forged.header("X-Correlation-ID")).hasValueSatisfying(id -> assertThat(id).hasSize(36));

        // the line is written as the request completes, possibly just after the client has the response
        Awaitility.await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(10))
                .untilAsserted(() -> assertThat(output.getOut())
                        .containsPattern("GET /health 200 \\d+ms correlationId=abc-123"));
    }

    @Test
    void metricsLiveOnTheManagementPortOnly() {
        Http management = new Http("http://127.0.0.1:" + managementPort);
        Http.Response metrics = management.get("/metrics");
        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.body()).contains("# TYPE").contains("http_server_requests")
                // access-log lines dropped on a full queue (AccessLog)
                .contains("crm_accesslog_dropped_total")
                // the requests in flight, read when scraped, not a long-task timer kept per request
                .contains("crm_requests_active").doesNotContain("http_server_requests_active");
        assertThat(management.get("/actuator/prometheus").status()).isEqualTo(200);
        assertThat(management.get("/actuator/health/liveness").status()).isEqualTo(200);
        assertThat(management.get("/actuator/health/readiness").status()).isEqualTo(200);
        assertThat(management.get("/actuator/env").status()).isEqualTo(404);
        assertThat(management.get("/actuator/beans").status()).isEqualTo(404);

        assertThat(http.get("/metrics").status()).isEqualTo(404);
        assertThat(http.get("/actuator/prometheus").status()).isEqualTo(404);
    }

    @Test
    void theRelayReportsHowManyEventsItRelayedAndHowLateTheyWere() {
        create("/api/v1/contacts", Map.of("name", "Metric Ann"));
        relayed();
        String metrics = new Http("http://127.0.0.1:" + managementPort).get("/metrics").body();
        assertThat(metrics).containsPattern("crm_events_relayed_total(\\{[^}]*})? [1-9]")
                .contains("crm_events_relay_lag_seconds_bucket").contains("crm_events_relay_lag_seconds_count");
    }

    @Test
    void openApiIsPublished() {
        Http.Response docs = http.get("/v3/api-docs");
        assertThat(docs.status()).isEqualTo(200);
        assertThat(docs.json().get("paths").has("/api/v1/contacts")).isTrue();
    }

    @Test
    void oversizedBodiesAre413InTheShapeOfTheirApi() {
        String huge = "{\"name\":\"" + "x".repeat(1_100_000) + "\"}";
        Http.Response v1 = http.send("POST", "/api/v1/contacts", "application/json", huge);
        assertThat(v1.status()).isEqualTo(413);
        assertThat(v1.contentType()).startsWith("application/problem+json");
        assertThat(v1.json().get("status").asInt()).isEqualTo(413);

        Http.Response legacy = http.send("POST", "/person/big", "application/json", huge);
        assertThat(legacy.status()).isEqualTo(413);
        assertThat(legacy.json().get("error").asString()).contains("exceeds");
    }

    @Test
    void aChunkedBodyIsMeasuredAsItIsRead() {
        RawHttp raw = new RawHttp(port, "Authorization", "Bearer " + token(admin));
        byte[] huge = ("{\"name\":\"" + "x".repeat(1_100_000) + "\"}").getBytes(StandardCharsets.UTF_8);
        Http.Response refused = raw.sendChunked("POST", "/api/v1/contacts", "application/json", huge);
        assertThat(refused.status()).isEqualTo(413);
        assertThat(refused.contentType()).startsWith("application/problem+json");

        Http.Response created = raw.sendChunked("POST", "/api/v1/contacts", "application/json",
                "{\"name\":\"Chunked Body\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(created.json().get("name").asString()).isEqualTo("Chunked Body");
    }

    @Test
    void brokenJsonIsAProblemWithoutInternals() {
        Http.Response broken = http.send("POST", "/api/v1/contacts", "application/json", "{\"name\": ");
        assertThat(broken.status()).isEqualTo(400);
        assertThat(broken.contentType()).startsWith("application/problem+json");
        assertThat(broken.body()).doesNotContain("Exception").doesNotContain("at io.crm").doesNotContain("jackson");
    }

    @Test
    void wrongMediaTypeIs415() {
        Http.Response xml = http.send("POST", "/api/v1/contacts", "application/xml", "<name>x</name>");
        assertThat(xml.status()).isEqualTo(415);
        assertThat(xml.contentType()).startsWith("application/problem+json");
    }

    @Test
    void unknownPathsAre404Problems() {
        Http.Response missing = http.get("/api/v1/nothing-here");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.contentType()).startsWith("application/problem+json");
    }

    @Test
    void noServerBanner() {
        Http.Response response = http.post("/api/v1/contacts", Map.of("name", "Banner Check"));
        assertThat(response.header("Server")).isEmpty();
    }
}
