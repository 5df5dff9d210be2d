package io.crm.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

import io.crm.support.ApiTest;
import io.crm.support.Http;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/**
 * Credentials make credentials: a token cannot mint a token (one that would outlive its own revocation); an admin's
 * password reset ends the user's tokens and sessions; a password an admin chose works once, for choosing a new one.
 */
class CredentialsTest extends ApiTest {

    private static final String NEW_PASSWORD = "a brand new passphrase";

    @Test
    void aTokenCannotCreateATokenButThePasswordCan() {
        Document member = user(Role.MEMBER);
        Http byToken = http.anonymous().withToken(token(member));
        Http.Response refused = byToken.post("/api/v1/auth/tokens", Map.of("name", "child", "expiresInDays", 365));
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.json().get("status").asInt()).isEqualTo(403);
        assertThat(byToken.post("/api/v1/auth/password", Map.of("currentPassword", PASSWORD,
                "newPassword", NEW_PASSWORD)).status()).isEqualTo(403);

        Http.Response made = basic(member, PASSWORD).post("/api/v1/auth/tokens", Map.of("name", "by password"));
        assertThat(made.status()).isEqualTo(201);
    }

    @Test
    void anAdminsPasswordResetEndsTheUsersTokensAndMakesThePasswordOneTime() {
        Document member = user(Role.MEMBER);
        String id = member.getObjectId("_id").toHexString();
        Http byToken = http.anonymous().withToken(token(member));
        assertThat(byToken.get("/api/v1/contacts").status()).isEqualTo(200);

        String oneTime = "one-time password 123";
        assertThat(http.patch("/api/v1/users/" + id, Map.of("password", oneTime)).status()).isEqualTo(200);
        assertThat(byToken.get("/api/v1/contacts").status()).isEqualTo(401);
        assertThat(basic(member, PASSWORD).get("/api/v1/auth/me").status()).isEqualTo(401);

        // the one-time password signs in, but only to choose a new one
        Http once = basic(member, oneTime);
        assertThat(once.get("/api/v1/auth/me").json().get("mustChangePassword").asBoolean()).isTrue();
        Http.Response blocked = once.post("/api/v1/auth/tokens", Map.of("name", "x"));
        assertThat(blocked.status()).isEqualTo(403);
        assertThat(blocked.body()).contains("one-time");
        assertThat(once.post("/api/v1/auth/password", Map.of("currentPassword", "wrong one-time pw",
                "newPassword", NEW_PASSWORD)).status()).isEqualTo(400);
        assertThat(once.post("/api/v1/auth/password", Map.of("currentPassword", oneTime,
                "newPassword", "short")).status()).isEqualTo(400);
        assertThat(once.post("/api/v1/auth/password", Map.of("currentPassword", oneTime,
                "newPassword", NEW_PASSWORD)).status()).isEqualTo(204);

        assertThat(basic(member, oneTime).get("/api/v1/auth/me").status()).isEqualTo(401);
        Http mine = basic(member, NEW_PASSWORD);
        assertThat(mine.get("/api/v1/auth/me").json().get("mustChangePassword").asBoolean()).isFalse();
        assertThat(mine.post("/api/v1/auth/tokens", Map.of("name", "x")).status()).isEqualTo(201);
        relayed();
        // the audit trail says what happened, never the hash
        assertThat(mongo.getCollection("audit_events").find(new Document("entityId", id)).into(new java.util.ArrayList<>())
                .toString()).contains("reset").contains("changed").doesNotContain("bcrypt");
    }

    @Test
    void aUserAnAdminCreatedMustChooseTheirOwnPasswordFirst() {
        Http.Response created = http.post("/api/v1/users", Map.of("email", "new@example.test", "displayName", "New",
                "role", "MEMBER", "password", "given by the admin"));
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.json().get("mustChangePassword").asBoolean()).isTrue();
        Http once = new Http(http.base(), "Authorization", basicHeader("new@example.test", "given by the admin"));
        assertThat(once.post("/api/v1/auth/tokens", Map.of("name", "x")).status()).isEqualTo(403);
        assertThat(once.post("/api/v1/auth/password", Map.of("currentPassword", "given by the admin",
                "newPassword", "given by the admin")).status()).isEqualTo(400);
        assertThat(once.post("/api/v1/auth/password", Map.of("currentPassword", "given by the admin",
                "newPassword", NEW_PASSWORD)).status()).isEqualTo(204);
        assertThat(new Http(http.base(), "Authorization", basicHeader("new@example.test", NEW_PASSWORD))
                .post("/api/v1/auth/tokens", Map.of("name", "x")).status()).isEqualTo(201);
    }

    @Test
    void aResetEndsTheUsersBrowserSessionsAndTheOneTimePasswordLeadsToThePasswordPage() {
        Document member = user(Role.MEMBER);
        String id = member.getObjectId("_id").toHexString();
        SecurityApiTest.Session before = SecurityApiTest.Session.signIn(http.anonymous(), member.getString("email"),
                PASSWORD);
        assertThat(before.get("/api/v1/contacts").status()).isEqualTo(200);
        String oneTime = "one-time password 456";
        assertThat(http.patch("/api/v1/users/" + id, Map.of("password", oneTime)).status()).isEqualTo(200);
        assertThat(before.get("/api/v1/contacts").status()).isEqualTo(401);

        SecurityApiTest.Session once = SecurityApiTest.Session.signIn(http.anonymous(), member.getString("email"),
                oneTime);
        Http.Response page = http.anonymous().get("/contacts", "Cookie", once.cookie(), "Accept", "text/html");
        assertThat(page.status()).isEqualTo(302);
        assertThat(page.header("Location").orElse("")).endsWith("/account/password");
        assertThat(once.get("/api/v1/contacts").status()).isEqualTo(403);
        Http.Response form = http.anonymous().get("/account/password", "Cookie", once.cookie(), "Accept", "text/html");
        assertThat(form.status()).isEqualTo(200);
        assertThat(form.body()).contains("one-time password");

        Http.Response mismatch = changeInBrowser(once, oneTime, NEW_PASSWORD, "another passphrase");
        assertThat(mismatch.status()).isEqualTo(200);
        assertThat(mismatch.body()).contains("does not match");
        Http.Response changed = changeInBrowser(once, oneTime, NEW_PASSWORD, NEW_PASSWORD);
        assertThat(changed.status()).isEqualTo(302);
        assertThat(changed.header("Location").orElse("")).endsWith("/login?changed");
        assertThat(once.get("/api/v1/contacts").status()).isEqualTo(401);

        SecurityApiTest.Session after = SecurityApiTest.Session.signIn(http.anonymous(), member.getString("email"),
                NEW_PASSWORD);
        assertThat(http.anonymous().get("/contacts", "Cookie", after.cookie(), "Accept", "text/html").status())
                .isEqualTo(200);
    }

    private static Http.Response changeInBrowser(SecurityApiTest.Session session, String current, String next,
                                                 String confirm) {
        return session.http().send("POST", "/account/password", "application/x-www-form-urlencoded",
                "currentPassword=" + enc(current) + "&newPassword=" + enc(next) + "&confirmPassword=" + enc(confirm)
                        + "&_csrf=" + enc(session.csrf()), "Cookie", session.cookie(), "Accept", "text/html");
    }

    private static String enc(String s) {
        return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private Http basic(Document user, String password) {
        return new Http(http.base(), "Authorization", basicHeader(user.getString("email"), password));
    }

    private static String basicHeader(String email, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((email + ":" + password)
                .getBytes(StandardCharsets.UTF_8));
    }
}
