package io.crm.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.crm.support.Http;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Authentication of the packaged jar as operators meet it: the generated first-admin password (in the plain banner a
 * person reads in a terminal, and as one JSON event in the format the containers set), secrets kept out of the
 * process log through a whole session, and the explicit opt-out. The log is read from the process's own output file.
 */
class SecurityIT {

    private static final String BANNER = "FIRST ADMIN CREATED";
    /** The plain banner: a line naming it, then the email and the generated password on lines of their own. */
    private static final Pattern GENERATED = Pattern.compile(
            "=+ " + BANNER + " =+\\R\\s+email:\\s+(\\S+)\\R\\s+password: ([A-Za-z0-9_-]{16,})\\R");
    private static final Map<String, String> JSON_LOGS = Map.of("CRM_LOG_FORMAT", "ecs");

    @Test
    void firstStartWithoutAPasswordLogsAGeneratedOneOnceAndARestartLogsNone(@TempDir Path dataDir) throws Exception {
        String password;
        String chosen;
        // no CRM_LOG_FORMAT: the plain console format of a person running the jar
        try (ServiceProcess first = ServiceProcess.start(dataDir, Map.of("CRM_ADMIN_EMAIL", ServiceProcess.ADMIN_EMAIL))) {
            String log = first.logText();
            assertThat(log.lines()).as("plain text, not JSON").noneMatch(line -> line.startsWith("{"));
            assertThat(occurrences(log, BANNER)).as("one banner").isEqualTo(1);
            Matcher m = GENERATED.matcher(log);
            assertThat(m.find()).as("email and password in the banner:\n" + log).isTrue();
            assertThat(m.group(1)).isEqualTo(ServiceProcess.ADMIN_EMAIL);
            password = m.group(2);
            assertThat(occurrences(log, password)).as("the password is logged exactly once").isEqualTo(1);

            // It is the admin's one-time password: it signs in only to choose a new one, which then makes a token
            // that reaches the admin-only user API.
            String basic = ServiceProcess.basic(ServiceProcess.ADMIN_EMAIL, password);
            assertThat(first.http().post("/api/v1/auth/tokens", Map.of("name", "x"), "Authorization", basic)
                    .status()).isEqualTo(403);
            chosen = ServiceProcess.randomPassword();
            assertThat(first.http().post("/api/v1/auth/password", Map.of("currentPassword", password,
                    "newPassword", chosen), "Authorization", basic).status()).isEqualTo(204);
            Http admin = first.http().withToken(first.token(ServiceProcess.ADMIN_EMAIL, chosen));
            assertThat(admin.get("/api/v1/auth/me").json().get("role").asString()).isEqualTo("ADMIN");
            assertThat(admin.get("/api/v1/users").status()).isEqualTo(200);
            assertThat(first.http().post("/api/v1/auth/tokens", Map.of("name", "x"),
                    "Authorization", ServiceProcess.basic(ServiceProcess.ADMIN_EMAIL, password + "x")).status())
                    .isEqualTo(401);
            assertThat(occurrences(first.logText(), password)).as("still exactly once after sign-ins").isEqualTo(1);
            assertThat(first.terminate(Duration.ofSeconds(30))).isZero();
        }
        try (ServiceProcess restarted = ServiceProcess.start(dataDir,
                Map.of("CRM_ADMIN_EMAIL", ServiceProcess.ADMIN_EMAIL))) {
            // Same admin with the password they chose; nothing new generated, nothing logged.
            assertThat(restarted.api(chosen).get("/api/v1/auth/me").status()).isEqualTo(200);
            String log = restarted.logText();
            assertThat(log).doesNotContain(BANNER).doesNotContain(password).doesNotContainPattern(GENERATED);
            assertThat(restarted.terminate(Duration.ofSeconds(30))).isZero();
        }
    }

    @Test
    void inTheContainersJsonFormatTheBannerIsOneEventWithThePasswordInItsOwnField(@TempDir Path dataDir)
            throws Exception {
        Map<String, String> env = new HashMap<>(JSON_LOGS);
        env.put("CRM_ADMIN_EMAIL", ServiceProcess.ADMIN_EMAIL);
        try (ServiceProcess service = ServiceProcess.start(dataDir, env)) {
            String log = service.logText();
            List<JsonNode> events = log.lines().map(SecurityIT::json).toList();
            List<JsonNode> banners = events.stream()
                    .filter(e -> e.path("message").asString().contains(BANNER)).toList();
            assertThat(banners).as("one banner event").hasSize(1);
            JsonNode banner = banners.get(0);
            String password = banner.path("crm").path("admin").path("password").asString();
            assertThat(password).matches("[A-Za-z0-9_-]{16,}");
            assertThat(banner.path("crm").path("admin").path("email").asString())
                    .isEqualTo(ServiceProcess.ADMIN_EMAIL);
            assertThat(banner.path("log").path("level").asString()).isEqualTo("WARN");
            assertThat(banner.path("message").asString()).doesNotContain(password).doesNotContain("\n");
            assertThat(occurrences(log, password)).as("only in that field").isEqualTo(1);
            // the field holds the working one-time password
            assertThat(service.http().post("/api/v1/auth/password", Map.of("currentPassword", password,
                    "newPassword", ServiceProcess.randomPassword()),
                    "Authorization", ServiceProcess.basic(ServiceProcess.ADMIN_EMAIL, password)).status())
                    .isEqualTo(204);
            assertThat(service.terminate(Duration.ofSeconds(30))).isZero();
        }
    }

    /** One log line as JSON; a line that is not JSON fails the test, so the format is clean throughout. */
    private static JsonNode json(String line) {
        try {
            return Http.JSON.readTree(line);
        } catch (JacksonException e) {
            throw new AssertionError("not a JSON log line: " + line, e);
        }
    }

    @Test
    void noPasswordOrTokenEverReachesTheLog(@TempDir Path dataDir, @TempDir Path secrets) throws Exception {
        String password = ServiceProcess.randomPassword();
        List<String> secretsUsed = new ArrayList<>(List.of(password,
                ServiceProcess.basic(ServiceProcess.ADMIN_EMAIL, password).substring("Basic ".length())));
        List<Path> logs = new ArrayList<>();
        try (ServiceProcess service = ServiceProcess.start(dataDir, ServiceProcess.withAdmin(password, JSON_LOGS))) {
            logs.add(service.log);
            Http anonymous = service.http();
            // Wrong passwords, on the token endpoint (rate limited, counted) and on the API (no Basic there).
            for (int i = 0; i < 3; i++) {
                String wrong = ServiceProcess.randomPassword();
                secretsUsed.add(wrong);
                assertThat(anonymous.post("/api/v1/auth/tokens", Map.of("name", "x"),
                        "Authorization", ServiceProcess.basic(ServiceProcess.ADMIN_EMAIL, wrong)).status()).isEqualTo(401);
            }
            assertThat(anonymous.get("/api/v1/contacts",
                    "Authorization", ServiceProcess.basic(ServiceProcess.ADMIN_EMAIL, password)).status()).isEqualTo(401);
            String bogus = "crm_" + ServiceProcess.randomPassword();
            secretsUsed.add(bogus);
            assertThat(anonymous.withToken(bogus).get("/api/v1/contacts").status()).isEqualTo(401);

            String token = service.token(ServiceProcess.ADMIN_EMAIL, password);
            Http.Response secondCreated = anonymous.post("/api/v1/auth/tokens", Map.of("name", "to-revoke"),
                    "Authorization", ServiceProcess.basic(ServiceProcess.ADMIN_EMAIL, password));
            assertThat(secondCreated.status()).isEqualTo(201);
            String second = secondCreated.json().get("token").asString();
            String secondId = secondCreated.json().get("id").asString();
            secretsUsed.add(token);
            secretsUsed.add(second);
            Http admin = anonymous.withToken(token);
            // Many Bearer calls: reads, writes, client errors, the legacy API.
            for (int i = 0; i < 20; i++) {
                assertThat(admin.post("/person/p" + i, Map.of("name", "Person " + i)).status()).isEqualTo(201);
                assertThat(admin.get("/person/p" + i).status()).isEqualTo(200);
            }
            String contact = admin.post("/api/v1/contacts", Map.of("name", "Log Check")).json().get("id").asString();
            assertThat(admin.patch("/api/v1/contacts/" + contact, Map.of("title", "Buyer")).status()).isEqualTo(200);
            assertThat(admin.get("/api/v1/contacts?q=Log").status()).isEqualTo(200);
            assertThat(admin.get("/api/v1/contacts/000000000000000000000000").status()).isEqualTo(404);
            assertThat(admin.send("POST", "/api/v1/contacts", "application/json", "{broken").status()).isEqualTo(400);
            // A user whose password travels in a request body (and into the audit trail, without it).
            String oneTime = ServiceProcess.randomPassword();
            String memberPassword = ServiceProcess.randomPassword();
            secretsUsed.add(oneTime);
            secretsUsed.add(memberPassword);
            assertThat(admin.post("/api/v1/users", Map.of("email", "member@crm.test", "displayName", "Member",
                    "role", "MEMBER", "password", oneTime)).status()).isEqualTo(201);
            // the member replaces the admin's one-time password with their own
            assertThat(anonymous.post("/api/v1/auth/password", Map.of("currentPassword", oneTime,
                    "newPassword", memberPassword), "Authorization", ServiceProcess.basic("member@crm.test", oneTime))
                    .status()).isEqualTo(204);
            String memberToken = service.token("member@crm.test", memberPassword);
            secretsUsed.add(memberToken);
            assertThat(anonymous.withToken(memberToken).get("/api/v1/contacts").status()).isEqualTo(200);

            // A revoked token is refused at once.
            Http secondClient = anonymous.withToken(second);
            assertThat(secondClient.get("/api/v1/contacts").status()).isEqualTo(200);
            assertThat(admin.delete("/api/v1/auth/tokens/" + secondId).status()).isEqualTo(204);
            assertThat(secondClient.get("/api/v1/contacts").status()).isEqualTo(401);
            assertThat(admin.get("/api/v1/contacts").status()).as("the other token still works").isEqualTo(200);
            assertThat(service.terminate(Duration.ofSeconds(30))).isZero();
        }

        // Second start, a new database: the first admin's password from a mounted secret file (trailing newline
        // as `kubectl create secret --from-file` and editors leave it).
        String filePassword = ServiceProcess.randomPassword();
        secretsUsed.add(filePassword);
        Path file = secrets.resolve("admin-password");
        Files.writeString(file, filePassword + "\n");
        try (ServiceProcess fromFile = ServiceProcess.start(dataDir.resolve("second"), Map.of("CRM_LOG_FORMAT", "ecs",
                "CRM_ADMIN_EMAIL", ServiceProcess.ADMIN_EMAIL, "CRM_ADMIN_PASSWORD_FILE", file.toString()))) {
            logs.add(fromFile.log);
            String token = fromFile.token(ServiceProcess.ADMIN_EMAIL, filePassword);
            secretsUsed.add(token);
            assertThat(fromFile.http().withToken(token).get("/api/v1/auth/me").json().get("role").asString())
                    .isEqualTo("ADMIN");
            assertThat(fromFile.logText()).contains("created with the configured password").doesNotContain(BANNER);
            assertThat(fromFile.terminate(Duration.ofSeconds(30))).isZero();
        }

        for (Path log : logs) {
            String text = Files.readString(log);
            // Not vacuous: the log did record this session (start-up and request lines).
            assertThat(text.lines().count()).as(log + " has content").isGreaterThan(10);
            assertThat(text).contains("/api/v1/auth/tokens");
            for (String secret : secretsUsed) {
                assertThat(text).as("a secret in " + log).doesNotContain(secret);
            }
        }
    }

    @Test
    void authenticationCanBeSwitchedOffLoudly(@TempDir Path dataDir) throws Exception {
        try (ServiceProcess open = ServiceProcess.start(dataDir, Map.of("CRM_AUTH_ENABLED", "false",
                "CRM_LOG_FORMAT", "ecs"))) {
            Http anonymous = open.http();
            assertThat(anonymous.get("/api/v1/contacts").status()).isEqualTo(200);
            assertThat(anonymous.post("/person/open", Map.of("name", "Anyone")).status()).isEqualTo(201);
            assertThat(anonymous.delete("/person/open").status()).isEqualTo(200);
            Http.Response ready = anonymous.get("/ready");
            assertThat(ready.status()).isEqualTo(200);
            assertThat(ready.json().get("auth").asString()).contains("DISABLED");
            String log = open.logText();
            assertThat(log).contains("AUTHENTICATION IS DISABLED (CRM_AUTH_ENABLED=false)")
                    .contains("\"level\":\"WARN\"").doesNotContain(BANNER);
            assertThat(open.terminate(Duration.ofSeconds(30))).isZero();
        }
    }

    private static int occurrences(String text, String part) {
        int count = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            count++;
        }
        return count;
    }
}
