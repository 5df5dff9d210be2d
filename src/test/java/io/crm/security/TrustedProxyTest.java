package io.crm.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.regex.Pattern;

import io.crm.support.ApiTest;
import io.crm.support.Http;
import org.bson.Document;
import org.junit.jupiter.api.Test;

import org.springframework.test.context.TestPropertySource;

/**
 * Behind a trusted proxy (CRM_TRUSTED_PROXIES names the test client's address, as a deployment names its ingress):
 * the proxy's X-Forwarded-Proto makes the session cookie Secure, and its X-Forwarded-For is the address sign-in
 * throttling counts, so a stranger guessing a password is held up while the owner, elsewhere, signs in.
 */
@TestPropertySource(properties = "CRM_TRUSTED_PROXIES=127\\.0\\.0\\.1")
class TrustedProxyTest extends ApiTest {

    private Http.Response signIn(String email, String password, String clientAddress) {
        return http.anonymous().post("/api/v1/auth/tokens", Map.of("name", "x"), "Authorization", "Basic "
                + Base64.getEncoder().encodeToString((email + ":" + password).getBytes(StandardCharsets.UTF_8)),
                "X-Forwarded-For", clientAddress);
    }

    @Test
    void behindATlsProxyTheSessionCookieIsSecure() {
        Document member = user(Role.MEMBER);
        Http.Response page = http.anonymous().get("/login", "X-Forwarded-Proto", "https");
        String cookie = page.header("Set-Cookie").orElseThrow().split(";", 2)[0];
        java.util.regex.Matcher csrf = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"").matcher(page.body());
        assertThat(csrf.find()).isTrue();
        Http.Response login = http.anonymous().send("POST", "/login", "application/x-www-form-urlencoded",
                "username=" + java.net.URLEncoder.encode(member.getString("email"), StandardCharsets.UTF_8)
                        + "&password=" + java.net.URLEncoder.encode(PASSWORD, StandardCharsets.UTF_8)
                        + "&_csrf=" + java.net.URLEncoder.encode(csrf.group(1), StandardCharsets.UTF_8),
                "Cookie", cookie, "X-Forwarded-Proto", "https");
        assertThat(login.status()).isEqualTo(302);
        assertThat(login.header("Set-Cookie")).hasValueSatisfying(c ->
                assertThat(c).contains("CRM_SESSION").containsIgnoringCase("Secure").containsIgnoringCase("HttpOnly"));
        assertThat(login.header("Location")).hasValueSatisfying(l -> assertThat(l).doesNotContain("error"));
    }

    @Test
    void theOwnerSignsInFromTheirAddressWhileAStrangerGuessingTheirPasswordWaits() {
        String email = user(Role.MEMBER).getString("email");
        for (int i = 0; i < 5; i++) {
            assertThat(signIn(email, "wrong password " + i, "203.0.113.9").status()).isEqualTo(401);
        }
        Http.Response refused = signIn(email, PASSWORD, "203.0.113.9");
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.header("Retry-After")).hasValueSatisfying(v ->
                assertThat(Long.parseLong(v)).isBetween(1L, 15L));
        assertThat(signIn(email, PASSWORD, "198.51.100.7").status()).isEqualTo(201);
        assertThat(signIn(email, "wrong again", "203.0.113.9").status()).as("the stranger still waits")
                .isEqualTo(429);
    }

    /** A token's last use names the client the proxy forwarded for, written at most once a minute like the time. */
    @Test
    void aTokensLastUseRecordsTheForwardedClientAddress() {
        Document member = user(Role.MEMBER);
        String token = signIn(member.getString("email"), PASSWORD, "198.51.100.20").json().get("token").asString();
        Http client = http.anonymous().withToken(token);
        assertThat(client.get("/api/v1/contacts", "X-Forwarded-For", "203.0.113.7").status()).isEqualTo(200);
        assertThat(lastUse(client)).isEqualTo("203.0.113.7");
        // within the minute: not written again
        clock.advance(java.time.Duration.ofSeconds(30));
        assertThat(client.get("/api/v1/contacts", "X-Forwarded-For", "203.0.113.8").status()).isEqualTo(200);
        assertThat(lastUse(client)).isEqualTo("203.0.113.7");
        clock.advance(java.time.Duration.ofSeconds(31));
        assertThat(client.get("/api/v1/contacts", "X-Forwarded-For", "203.0.113.8").status()).isEqualTo(200);
        assertThat(lastUse(client)).isEqualTo("203.0.113.8");
    }

    private String lastUse(Http client) {
        // read in the store: listing the tokens is a use too
        return mongo.getCollection(ApiTokenService.COLLECTION).find(com.mongodb.client.model.Filters.eq("name", "x"))
                .first().getString("lastUsedFrom");
    }
}
