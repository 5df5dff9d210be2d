package io.crm.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.crm.security.Role;
import io.crm.security.Totp;
import io.crm.support.ApiTest;
import io.crm.support.Http;
import org.bson.Document;
import org.junit.jupiter.api.Test;

import org.springframework.test.context.TestPropertySource;

/** CRM_MFA_REQUIRED_ROLES=ADMIN: an admin without a second factor must set one up at sign-in before anything else. */
@TestPropertySource(properties = "crm.security.mfa.required-roles=ADMIN")
class RequiredTwoFactorTest extends ApiTest {

    private static final Pattern SECRET = Pattern.compile("id=\"mfa-secret\">([A-Z2-7 ]+)<");

    @Test
    void anAdminWithoutASecondFactorIsSentToSetItUpAndCanDoNothingElse() {
        Document boss = user(Role.ADMIN);
        WebSession session = WebSession.anonymous(http.base());
        session.get("/login");
        Http.Response login = session.post("/login", Map.of("username", boss.getString("email"),
                "password", PASSWORD), true);
        assertThat(login.status()).isEqualTo(302);
        assertThat(login.header("Location").orElseThrow()).endsWith("/login/otp/setup");
        // nothing else: not the pages, not the API, not the code page
        assertThat(session.get("/admin/users").header("Location").orElse("")).endsWith("/login");
        assertThat(session.get("/api/v1/contacts", "Accept", "application/json").status()).isEqualTo(401);
        assertThat(session.get("/login/otp").header("Location").orElse("")).endsWith("/login/otp/setup");

        Http.Response setup = session.get("/login/otp/setup");
        assertThat(setup.status()).isEqualTo(200);
        assertThat(setup.body()).contains("Your role requires two-factor sign-in")
                .contains("data:image/svg+xml;base64,");
        Matcher shown = SECRET.matcher(setup.body());
        assertThat(shown.find()).isTrue();
        String secret = shown.group(1).replace(" ", "");

        long step = Totp.step(clock.instant());
        assertThat(session.post("/login/otp/setup", Map.of("code", Totp.code(secret, step + 4)), true).status())
                .isEqualTo(400);
        assertThat(session.get("/admin/users").status()).isEqualTo(302);
        Http.Response done = session.post("/login/otp/setup", Map.of("code", Totp.code(secret, step)), true);
        assertThat(done.status()).isEqualTo(200);
        assertThat(done.body()).contains("Two-factor sign-in is on").contains("id=\"recovery-codes\"");
        assertThat(session.get("/admin/users").status()).isEqualTo(200);
        assertThat(users.get(boss.getObjectId("_id").toHexString()).get("totp")).isNotNull();
    }

    @Test
    void otherRolesSignInWithThePasswordAndBasicIsRefusedUntilEnrolled() {
        Document member = user(Role.MEMBER);
        WebSession plain = WebSession.signIn(http.base(), member.getString("email"), PASSWORD);
        assertThat(plain.get("/contacts").status()).isEqualTo(200);

        Document boss = user(Role.ADMIN);
        Http.Response refused = http.anonymous().post("/api/v1/auth/tokens", Map.of("name", "ci"),
                "Authorization", "Basic " + Base64.getEncoder().encodeToString((boss.getString("email") + ":"
                        + PASSWORD).getBytes(StandardCharsets.UTF_8)));
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.json().get("detail").asString()).contains("required for your role");
    }
}
