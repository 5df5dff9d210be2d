package io.crm.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.crm.support.Http;
import io.crm.support.Multipart;
import org.awaitility.Awaitility;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Two replicas of the packaged jar on one store, no sticky sessions: a browser session made on A works on B (with
 * its CSRF token), disabling the user on A ends it on both at once, and sign-in failures alternated between A and B
 * meet the configured limits (not twice them), counted under the connection's address whatever X-Forwarded-For a
 * client sends when no proxy is trusted. An import started on A shows its progress on B; when A is killed, the
 * stale-imports job (run by B, the survivor) records it as failed in the database.
 */
class MultiReplicaIT {

    /** Failures per account and address before the waits start (CRM_LOGIN_LIMIT_FAILURES). */
    private static final int PAIR_FAILURES = 4;
    /** Failures per client address across accounts (CRM_LOGIN_LIMIT_PER_ADDRESS). */
    private static final int PER_ADDRESS = 10;
    /** An import without progress for this long is failed by the stale-imports job (crm.imports.stale-after). */
    private static final Duration STALE_AFTER = Duration.ofSeconds(8);
    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"");

    @TempDir
    Path dataA;
    @TempDir
    Path dataB;

    private MongoServer store;
    private String uri;
    private String password;
    private ServiceProcess a;
    private ServiceProcess b;

    @BeforeEach
    void twoReplicasOnOneStore() throws Exception {
        store = new MongoServer(new MemoryBackend());
        store.bind("127.0.0.1", 0);
        uri = "mongodb://127.0.0.1:" + store.getLocalAddress().getPort() + "/crm_db";
        password = ServiceProcess.randomPassword();
        Map<String, String> env = ServiceProcess.withAdmin(password, Map.of("MONGODB_URI", uri,
                "CRM_LOGIN_LIMIT_FAILURES", Integer.toString(PAIR_FAILURES),
                "CRM_LOGIN_LIMIT_DELAY", "10m",
                "CRM_LOGIN_LIMIT_PER_ADDRESS", Integer.toString(PER_ADDRESS),
                "CRM_LOGIN_LIMIT_ADDRESS_PERIOD", "1h",
                // an import without progress for this long is stale; the sweep looks every second
                "CRM_IMPORTS_STALEAFTER", STALE_AFTER.toSeconds() + "s", "CRM_JOBS_IMPORTSEVERY", "1s"));
        // the first creates the admin; the second finds it (as replicas starting together settle it)
        a = ServiceProcess.start(dataA, with(env, "CRM_INSTANCE_ID", "replica-a"));
        b = ServiceProcess.start(dataB, with(env, "CRM_INSTANCE_ID", "replica-b"));
    }

    @AfterEach
    void stop() {
        for (ServiceProcess service : new ServiceProcess[] {a, b}) {
            if (service != null) {
                service.close();
            }
        }
        if (store != null) {
            store.shutdownNow();
        }
    }

    @Test
    void sessionsAndSignInLimitsHoldAcrossReplicas() throws Exception {
        Http adminOnA = a.api(password);
        String oneTime = ServiceProcess.randomPassword();
        Http.Response member = adminOnA.post("/api/v1/users", Map.of("email", "member@crm.test",
                "displayName", "Member", "role", "MEMBER", "password", oneTime));
        assertThat(member.status()).isEqualTo(201);
        String memberId = member.json().get("id").asString();
        // the admin's password is a one-time one: the member chooses theirs, on the other replica
        String memberPassword = ServiceProcess.randomPassword();
        assertThat(b.http().post("/api/v1/auth/password", Map.of("currentPassword", oneTime,
                "newPassword", memberPassword), "Authorization", ServiceProcess.basic("member@crm.test", oneTime))
                .status()).isEqualTo(204);

        // --- a browser session made on A is a session on B, CSRF token included
        BrowserSession session = BrowserSession.signIn(a.http(), "member@crm.test", memberPassword);
        Http.Response meOnB = b.http().get("/api/v1/auth/me", "Cookie", session.cookie);
        assertThat(meOnB.status()).isEqualTo(200);
        assertThat(meOnB.json().get("email").asString()).isEqualTo("member@crm.test");
        assertThat(b.http().get("/", "Cookie", session.cookie, "Accept", "text/html").status()).isEqualTo(200);
        assertThat(b.http().post("/api/v1/contacts", Map.of("name", "Made on B"), "Cookie", session.cookie,
                "X-CSRF-TOKEN", session.csrf).status()).isEqualTo(201);
        assertThat(a.http().get("/api/v1/auth/me", "Cookie", session.cookie).status()).isEqualTo(200);

        // --- disabling the user on A ends the session on A and B
        long disabledAt = System.nanoTime();
        assertThat(adminOnA.patch("/api/v1/users/" + memberId, Map.of("enabled", false)).status()).isEqualTo(200);
        Duration endedOnB = awaitStatus(b.http(), "/api/v1/auth/me", session.cookie, 401, disabledAt);
        Http.Response page = a.http().get("/", "Cookie", session.cookie, "Accept", "text/html");
        assertThat(page.status()).isEqualTo(302);
        assertThat(page.header("Location").orElse("")).matches(".*/login(\\?expired)?$");
        assertThat(a.http().get("/api/v1/auth/me", "Cookie", session.cookie).status()).isEqualTo(401);
        System.out.printf("[MultiReplicaIT] session ended on B %d ms after the disable on A%n",
                endedOnB.toMillis());
        assertThat(endedOnB).isLessThan(Duration.ofSeconds(5));

        // --- failures for one account from one address, alternated between A and B
        String target = "target@crm.test";
        String targetPassword = ServiceProcess.randomPassword();
        assertThat(adminOnA.post("/api/v1/users", Map.of("email", target, "displayName", "Target",
                "role", "VIEWER", "password", targetPassword)).status()).isEqualTo(201);
        int failuresBeforeRefusal = 0;
        Http.Response refused = null;
        for (int i = 0; i < 3 * PAIR_FAILURES && refused == null; i++) {
            ServiceProcess replica = i % 2 == 0 ? a : b;
            Http.Response response = basicSignIn(replica, target, "wrong password " + i);
            if (response.status() == 429) {
                refused = response;
            } else {
                assertThat(response.status()).isEqualTo(401);
                failuresBeforeRefusal++;
            }
        }
        System.out.printf("[MultiReplicaIT] account+address: %d failures (alternating A/B) before 429, limit %d%n",
                failuresBeforeRefusal, PAIR_FAILURES);
        assertThat(failuresBeforeRefusal).isEqualTo(PAIR_FAILURES);
        assertRefusal(refused);
        // even the right password waits now, on both replicas
        assertThat(basicSignIn(a, target, targetPassword).status()).isEqualTo(429);
        assertThat(basicSignIn(b, target, targetPassword).status()).isEqualTo(429);

        // --- one address spraying other accounts, alternating Basic on A and form login on B, each request with a
        // different forged X-Forwarded-For: no proxy is trusted, so all count against 127.0.0.1
        int sprayFailures = 0;
        refused = null;
        for (int i = 0; i < 3 * PER_ADDRESS && refused == null; i++) {
            String forged = "203.0.113." + (i + 1);
            Http.Response response = i % 2 == 0
                    ? basicSignIn(a, "nobody" + i + "@crm.test", "guess " + i, "X-Forwarded-For", forged)
                    : formSignIn(b, "nobody" + i + "@crm.test", "guess " + i, "X-Forwarded-For", forged);
            if (response.status() == 429) {
                refused = response;
            } else {
                assertThat(response.status()).isIn(401, 302);
                sprayFailures++;
            }
        }
        int fromThisAddress = failuresBeforeRefusal + sprayFailures;
        System.out.printf("[MultiReplicaIT] address: %d failures in all (A and B, Basic and form) before 429, "
                + "limit %d%n", fromThisAddress, PER_ADDRESS);
        assertThat(fromThisAddress).isEqualTo(PER_ADDRESS);
        assertRefusal(refused);

        // what the store counted: only the connection's address, never a forged one
        try (MongoClient client = MongoClients.create(uri)) {
            List<String> keys = new ArrayList<>();
            client.getDatabase("crm_db").getCollection("login_throttle").find()
                    .forEach(d -> keys.add(d.getString("_id")));
            assertThat(keys).anyMatch(k -> k.startsWith("address|127.0.0.1|"));
            assertThat(keys).noneMatch(k -> k.contains("203.0.113."));
            Document address = client.getDatabase("crm_db").getCollection("login_throttle")
                    .find(new Document("_id", keys.stream().filter(k -> k.startsWith("address|127.0.0.1|"))
                            .findFirst().orElseThrow())).first();
            assertThat(address.get("n", Number.class).intValue()).isEqualTo(PER_ADDRESS);
        }
    }

    @Test
    void anImportWhoseReplicaDiesShowsOnTheOtherAndIsFailedByTheSurvivor() throws Exception {
        Http adminOnA = a.api(password);
        Http adminOnB = b.api(password);
        StringBuilder csv = new StringBuilder("name,email\n");
        int rows = 60_000;
        for (int i = 0; i < rows; i++) {
            csv.append("Imported ").append(i).append(",imported").append(i).append("@replica.test\n");
        }
        Http.Response started = Multipart.post(adminOnA, "/api/v1/imports", Map.of("entity", "contacts"),
                "people.csv", csv.toString());
        assertThat(started.status()).as(started.body()).isEqualTo(202);
        String id = started.json().get("id").asString();

        // progress made on A is read on B
        Awaitility.await("progress on B").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(100))
                .until(() -> adminOnB.get("/api/v1/imports/" + id).json().get("processedRows").asLong() > 0);
        a.kill(Duration.ofSeconds(20));
        long killedAt = System.nanoTime();

        // B's sweep (a leased job: A, its other candidate, is dead) records the import as failed in the database
        try (MongoClient client = MongoClients.create(uri)) {
            var imports = client.getDatabase("crm_db").getCollection("imports");
            Awaitility.await("import failed in the database").atMost(STALE_AFTER.plusSeconds(60))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> "failed".equals(imports.find(new Document("_id", new org.bson.types.ObjectId(id)))
                            .first().getString("status")));
        }
        Duration failedAfter = Duration.ofNanos(System.nanoTime() - killedAt);
        JsonNode status = adminOnB.get("/api/v1/imports/" + id).json();
        assertThat(status.get("status").asString()).isEqualTo("failed");
        assertThat(status.get("error").asString()).contains("went away");
        assertThat(status.get("processedRows").asLong()).isPositive().isLessThan(rows);
        assertThat(status.get("finishedAt").isNull()).isFalse();
        assertThat(failedAfter).isGreaterThanOrEqualTo(STALE_AFTER.minusSeconds(1));
        JsonNode runs = adminOnB.get("/api/v1/admin/jobs/stale-imports/runs?limit=1000").json().get("items");
        assertThat(runs.valueStream().filter(run -> run.get("detail").asString("").equals("marked 1 stale imports failed"))
                .map(run -> run.get("instance").asString()).toList()).containsExactly("replica-b");
    }

    private static Map<String, String> with(Map<String, String> env, String name, String value) {
        Map<String, String> more = new java.util.LinkedHashMap<>(env);
        more.put(name, value);
        return more;
    }

    private static void assertRefusal(Http.Response refused) {
        assertThat(refused).as("a 429 came").isNotNull();
        assertThat(refused.header("Retry-After")).hasValueSatisfying(v ->
                assertThat(Long.parseLong(v)).isPositive());
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(refused.json().get("status").asInt()).isEqualTo(429);
    }

    private static Http.Response basicSignIn(ServiceProcess replica, String email, String password, String... more) {
        List<String> headers = new ArrayList<>(List.of("Authorization", ServiceProcess.basic(email, password)));
        headers.addAll(List.of(more));
        return replica.http().post("/api/v1/auth/tokens", Map.of("name", "e2e"), headers.toArray(String[]::new));
    }

    /** A form sign-in as a browser does it; a failure is 302 to /login?error, a refusal 429. */
    private static Http.Response formSignIn(ServiceProcess replica, String email, String password, String... more) {
        Http.Response page = replica.http().get("/login");
        String cookie = page.header("Set-Cookie").orElseThrow().split(";", 2)[0];
        Matcher csrf = CSRF.matcher(page.body());
        assertThat(csrf.find()).isTrue();
        List<String> headers = new ArrayList<>(List.of("Cookie", cookie));
        headers.addAll(List.of(more));
        Http.Response response = replica.http().send("POST", "/login", "application/x-www-form-urlencoded",
                "username=" + enc(email) + "&password=" + enc(password) + "&_csrf=" + enc(csrf.group(1)),
                headers.toArray(String[]::new));
        if (response.status() == 302) {
            assertThat(response.header("Location").orElse("")).contains("error");
        }
        return response;
    }

    /** Polls until the answer has this status (at most 30 s); how long after {@code since} (System.nanoTime). */
    private static Duration awaitStatus(Http http, String path, String cookie, int status, long since) {
        Awaitility.await(path + " answering " + status).atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(50)).pollInSameThread()
                .until(() -> http.get(path, "Cookie", cookie).status() == status);
        return Duration.ofNanos(System.nanoTime() - since);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** Form login with CSRF on one replica: the session cookie and the session's CSRF token. */
    private record BrowserSession(String cookie, String csrf) {

        static BrowserSession signIn(Http http, String email, String password) {
            Http.Response page = http.get("/login");
            String cookie = page.header("Set-Cookie").orElseThrow().split(";", 2)[0];
            Matcher token = CSRF.matcher(page.body());
            assertThat(token.find()).isTrue();
            Http.Response login = http.send("POST", "/login", "application/x-www-form-urlencoded",
                    "username=" + enc(email) + "&password=" + enc(password) + "&_csrf=" + enc(token.group(1)),
                    "Cookie", cookie);
            assertThat(login.status()).isEqualTo(302);
            assertThat(login.header("Location").orElse("")).doesNotContain("error");
            String session = login.header("Set-Cookie").orElseThrow().split(";", 2)[0];
            assertThat(session).startsWith("CRM_SESSION=");
            Matcher fresh = CSRF.matcher(http.get("/login", "Cookie", session).body());
            assertThat(fresh.find()).isTrue();
            return new BrowserSession(session, fresh.group(1));
        }
    }
}
