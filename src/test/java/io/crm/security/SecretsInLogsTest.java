package io.crm.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import io.crm.store.ConnectionStrings;
import io.crm.support.ApiTest;
import io.crm.support.Bodies;
import io.crm.support.Http;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** Passwords and tokens go through sign-in, token creation, user management and API calls, and never into a log. */
@ExtendWith(OutputCaptureExtension.class)
class SecretsInLogsTest extends ApiTest {

    @Test
    void noPasswordOrTokenIsEverLogged(CapturedOutput output) {
        List<String> secrets = new ArrayList<>(List.of(PASSWORD));
        Document member = user(Role.MEMBER);
        String email = member.getString("email");
        String basic = "Basic " + Base64.getEncoder().encodeToString((email + ":" + PASSWORD)
                .getBytes(StandardCharsets.UTF_8));
        String wrongPassword = "not the password 12345";
        secrets.add(wrongPassword);
        String wrongBasic = "Basic " + Base64.getEncoder().encodeToString((email + ":" + wrongPassword)
                .getBytes(StandardCharsets.UTF_8));

        assertThat(http.anonymous().post("/api/v1/auth/tokens", Map.of("name", "x"), "Authorization", wrongBasic)
                .status()).isEqualTo(401);
        Http.Response created = http.anonymous().post("/api/v1/auth/tokens", Map.of("name", "cli"),
                "Authorization", basic);
        String token = created.json().get("token").asString();
        secrets.add(token);
        Http client = http.anonymous().withToken(token);
        assertThat(client.get("/api/v1/contacts").status()).isEqualTo(200);
        assertThat(client.post("/api/v1/contacts", Map.of("name", "Logged")).status()).isEqualTo(201);
        client.delete("/api/v1/auth/tokens/" + created.json().get("id").asString());
        assertThat(client.get("/api/v1/contacts").status()).isEqualTo(401);
        assertThat(http.anonymous().withToken(token + "x").get("/person").status()).isEqualTo(401);

        String newPassword = "a brand new password 42";
        String resetPassword = "a reset password 4242";
        secrets.add(newPassword);
        secrets.add(resetPassword);
        Http.Response user = http.post("/api/v1/users", Bodies.of("email", "logs@example.test",
                "displayName", "Logs", "role", "VIEWER", "password", newPassword));
        assertThat(user.status()).isEqualTo(201);
        assertThat(http.patch("/api/v1/users/" + user.json().get("id").asString(),
                Map.of("password", resetPassword)).status()).isEqualTo(200);
        assertThat(http.post("/api/v1/users", Bodies.of("email", "bad", "displayName", "Bad", "role", "VIEWER",
                "password", newPassword)).status()).isEqualTo(400);

        // form sign-in, right and wrong
        SecurityApiTest.Session.signIn(http.anonymous(), email, PASSWORD);
        http.anonymous().send("POST", "/login", "application/x-www-form-urlencoded",
                "username=" + email + "&password=" + wrongPassword.replace(' ', '+'));

        String log = output.getAll();
        assertThat(log).contains("POST /api/v1/auth/tokens 401").contains("POST /api/v1/users 201");
        for (String secret : secrets) {
            assertThat(log).as("the log").doesNotContain(secret);
        }
        // nothing shaped like a token (crm_ and 43 URL-safe characters) or a password hash
        assertThat(log).doesNotContainPattern("crm_[A-Za-z0-9_-]{43}").doesNotContain("{bcrypt}");
    }

    @Test
    void theDatabasePasswordIsNeverShown() {
        String described = ConnectionStrings.describe(ConnectionStrings.withDefaultDatabase(
                "mongodb://crm_app:s3cret-Pa55@db.internal:27017/crm_db?authSource=admin", "crm_db"));
        assertThat(described).doesNotContain("s3cret-Pa55").contains("db.internal:27017");
        String replicaSet = ConnectionStrings.describe(ConnectionStrings.withDefaultDatabase(
                "mongodb://crm_app:s3cret-Pa55@m0:27017,m1:27017/?replicaSet=rs0&w=majority&retryWrites=true"
                        + "&readConcernLevel=majority&authSource=admin", "crm_db"));
        assertThat(replicaSet).doesNotContain("s3cret-Pa55").doesNotContain("crm_app").contains("replicaSet=rs0");
        assertThat(http.get("/actuator/env").status()).isEqualTo(404);
        assertThat(http.get("/actuator/configprops").status()).isEqualTo(404);
    }
}
