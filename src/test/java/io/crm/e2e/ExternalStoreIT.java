package io.crm.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import io.crm.support.Http;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged service against an external MongoDB-wire server named by the original's variable {@code MONGO_URI}:
 * the store it reports, readiness while the database goes away and comes back, and fast 503s meanwhile.
 */
class ExternalStoreIT {

    @TempDir
    Path dataDir;

    @TempDir
    Path dbDir;

    @Test
    void followsTheDatabaseThroughAnOutage() throws Exception {
        String dbFile = dbDir.resolve("external.mv").toString();
        MongoServer db = new MongoServer(new H2Backend(dbFile));
        db.bind("127.0.0.1", 0);
        int dbPort = db.getLocalAddress().getPort();
        String uri = "mongodb://127.0.0.1:" + dbPort;
        String password = ServiceProcess.randomPassword();
        try (ServiceProcess service = ServiceProcess.start(dataDir,
                ServiceProcess.withAdmin(password, Map.of("MONGO_URI", uri, "CRM_DB_TIMEOUT", "1s")))) {
            Http http = service.api(password);
            assertThat(service.logText()).contains("Store: MongoDB at 127.0.0.1:" + dbPort + "/crm_db")
                    .doesNotContain("embedded MongoDB-wire store in");
            assertThat(http.post("/person/1", Map.of("name", "Before Outage")).status()).isEqualTo(201);
            // a browser session (stored in the database too)
            String session = signIn(service.http(), ServiceProcess.ADMIN_EMAIL, password);
            assertThat(service.http().get("/api/v1/auth/me", "Cookie", session).status()).isEqualTo(200);

            db.shutdownNow();
            long start = System.nanoTime();
            // Probes carry no credentials (a token check would itself need the database).
            Http probe = http.anonymous();
            Http.Response ready = awaitStatus(probe, "/ready", 503, Duration.ofSeconds(10));
            assertThat(ready.json().get("status").asString()).isEqualTo("not ready");
            assertThat(ready.json().get("database").asString()).isEqualTo("disconnected");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
            assertThat(probe.get("/health").status()).isEqualTo(200);

            long callStart = System.nanoTime();
            Http.Response v1 = http.get("/api/v1/contacts");
            assertThat(v1.status()).isEqualTo(503);
            assertThat(v1.contentType()).startsWith("application/problem+json");
            assertThat(Duration.ofNanos(System.nanoTime() - callStart)).isLessThan(Duration.ofSeconds(5));
            Http.Response legacy = http.get("/person");
            assertThat(legacy.status()).isEqualTo(503);
            assertThat(legacy.json().has("error")).isTrue();
            // the session cannot be read: 503 as well, not an error or a sign-out
            Http.Response withSession = service.http().get("/api/v1/contacts", "Cookie", session);
            assertThat(withSession.status()).isEqualTo(503);

            MongoServer back = new MongoServer(new H2Backend(dbFile));
            back.bind("127.0.0.1", dbPort);
            try {
                awaitStatus(probe, "/ready", 200, Duration.ofSeconds(20));
                assertThat(http.post("/person/2", Map.of("name", "After Outage")).status()).isEqualTo(201);
                assertThat(http.get("/person/2").status()).isEqualTo(200);
                assertThat(http.anonymous().get("/person/2").status()).isEqualTo(401);
            } finally {
                assertThat(service.terminate(Duration.ofSeconds(30))).isZero();
                back.shutdownNow();
            }
        }
    }

    /** Form login with the CSRF token of the login page; the session cookie. */
    private static String signIn(Http http, String email, String password) {
        Http.Response page = http.get("/login");
        String cookie = page.header("Set-Cookie").orElseThrow().split(";", 2)[0];
        java.util.regex.Matcher csrf = java.util.regex.Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"")
                .matcher(page.body());
        assertThat(csrf.find()).isTrue();
        Http.Response login = http.send("POST", "/login", "application/x-www-form-urlencoded",
                "username=" + enc(email) + "&password=" + enc(password) + "&_csrf=" + enc(csrf.group(1)),
                "Cookie", cookie);
        assertThat(login.status()).isEqualTo(302);
        return login.header("Set-Cookie").orElseThrow().split(";", 2)[0];
    }

    private static String enc(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Polls until the answer has this status; the timeout's message names the last answer. */
    private static Http.Response awaitStatus(Http http, String path, int status, Duration timeout) {
        return Awaitility.await(path + " answering " + status).atMost(timeout).pollInterval(Duration.ofMillis(200))
                .pollInSameThread().until(() -> http.get(path), response -> response.status() == status);
    }
}
