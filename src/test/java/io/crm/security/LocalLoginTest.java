package io.crm.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

import io.crm.support.ApiTest;
import io.crm.support.Http;
import org.bson.Document;
import org.junit.jupiter.api.Test;

import org.springframework.test.context.TestPropertySource;

/**
 * CRM_LOCAL_LOGIN=admins-only: password sign-in (HTTP Basic here; the form uses the same user lookup) is kept for
 * admins, a break-glass account beside single sign-on; everyone else is refused exactly as with a wrong password.
 */
@TestPropertySource(properties = "crm.sign-in.local-login=admins-only")
class LocalLoginTest extends ApiTest {

    private Http.Response basic(Document user) {
        return http.anonymous().post("/api/v1/auth/tokens", Map.of("name", "x"), "Authorization", "Basic "
                + Base64.getEncoder().encodeToString((user.getString("email") + ":" + PASSWORD)
                .getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void onlyAdminsSignInWithAPassword() {
        assertThat(basic(user(Role.ADMIN)).status()).isEqualTo(201);
        Http.Response member = basic(user(Role.MEMBER));
        assertThat(member.status()).isEqualTo(401);
        Http.Response unknown = http.anonymous().post("/api/v1/auth/tokens", Map.of("name", "x"), "Authorization",
                "Basic " + Base64.getEncoder().encodeToString("nobody@example.test:wrong".getBytes()));
        assertThat(member.body()).as("indistinguishable from a wrong password").isEqualTo(unknown.body());
    }

    @Test
    void theSignInPageSaysSo() {
        assertThat(http.anonymous().get("/login", "Accept", "text/html").body())
                .contains("name=\"password\"", "for administrators only").doesNotContain("Sign in with");
    }
}
