package io.crm.sso;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.crm.security.Role;
import io.crm.support.ApiTest;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Single sign-on against a real OpenID provider (Spring Authorization Server on a loopback port), the browser's part
 * played over HTTP step by step: the code flow with PKCE, users created, linked and re-roled by what the provider says,
 * and every refusal (disabled here, unverified email, foreign domain, no role) landing on the sign-in page with its
 * reason. The browser test (SingleSignOnBrowserIT) does the same in Chromium against the packaged service.
 */
class SingleSignOnTest extends ApiTest {

    private static final TestIdentityProvider PROVIDER = TestIdentityProvider.start();

    @DynamicPropertySource
    static void provider(DynamicPropertyRegistry registry) {
        registry.add("crm.sign-in.oidc.issuer-uri", PROVIDER::issuer);
        registry.add("crm.sign-in.oidc.client-id", () -> TestIdentityProvider.CLIENT_ID);
        registry.add("crm.sign-in.oidc.client-secret", () -> TestIdentityProvider.CLIENT_SECRET);
        registry.add("crm.sign-in.oidc.role-mapping", () -> "crm-admins=ADMIN,sales=MEMBER,support=VIEWER");
        registry.add("crm.sign-in.oidc.allowed-domains", () -> "example.test,corp.example");
        registry.add("crm.sign-in.oidc.provider-name", () -> "Test IdP");
        // the test client is the trusted proxy, as a deployment names its ingress
        registry.add("CRM_TRUSTED_PROXIES", () -> "127\\.0\\.0\\.1");
    }

    @AfterAll
    static void stopProvider() {
        PROVIDER.close();
    }

    private String base;

    @BeforeEach
    void allowThisService() {
        base = "http://127.0.0.1:" + port;
        PROVIDER.allowClientAt(base);
    }

    private static TestIdentityProvider.Person person(String username, String email, boolean verified,
                                                      String... groups) {
        TestIdentityProvider.Person person = new TestIdentityProvider.Person(username, "idp-password-" + username,
                email, verified, "Person " + username, List.of(groups));
        PROVIDER.person(person);
        return person;
    }

    private SsoClient.Step signIn(SsoClient browser, TestIdentityProvider.Person person) {
        return browser.signIn(person.username(), person.password());
    }

    private static Map<String, String> query(String url) {
        return Arrays.stream(URI.create(url).getRawQuery().split("&")).map(p -> p.split("=", 2))
                .collect(Collectors.toMap(p -> p[0], p -> URLDecoder.decode(p.length > 1 ? p[1] : "",
                        StandardCharsets.UTF_8), (a, b) -> a));
    }

    @Test
    void theSignInPageOffersTheProviderAndTheFlowUsesPkce() {
        SsoClient browser = new SsoClient(base);
        assertThat(browser.get("/login").body()).contains("Sign in with Test IdP", "/oauth2/authorization/oidc");
        SsoClient.Step redirect = browser.get("/oauth2/authorization/oidc");
        assertThat(redirect.status()).isEqualTo(302);
        assertThat(redirect.location()).startsWith(PROVIDER.issuer() + "/oauth2/authorize");
        Map<String, String> request = query(redirect.location());
        assertThat(request).containsEntry("response_type", "code").containsEntry("client_id", "crm")
                .containsEntry("code_challenge_method", "S256")
                .containsEntry("redirect_uri", base + "/login/oauth2/code/oidc")
                .containsKeys("state", "nonce", "code_challenge");
        assertThat(request.get("scope").split(" ")).contains("openid", "email", "profile");
        // signing out is a form post redirected to the provider: the policy lets a form go there, and nowhere else
        assertThat(http.anonymous().get("/login", "Accept", "text/html").header("Content-Security-Policy"))
                .hasValueSatisfying(csp -> assertThat(csp).contains("form-action 'self' " + PROVIDER.issuer() + ";"));
    }

    @Test
    void behindTheTrustedProxyTheRedirectUriIsThePublicOne() {
        SsoClient.Step redirect = new SsoClient(base).get("/oauth2/authorization/oidc",
                "X-Forwarded-Proto", "https", "X-Forwarded-Host", "crm.example.test");
        assertThat(query(redirect.location())).containsEntry("redirect_uri",
                "https://crm.example.test/login/oauth2/code/oidc");
    }

    @Test
    void aFirstSignInCreatesTheUserWithTheMappedRoleAndAChangedGroupChangesItNextTime() {
        TestIdentityProvider.Person ann = person("ann", "ann@example.test", true, "sales");
        SsoClient browser = new SsoClient(base);
        SsoClient.Step done = signIn(browser, ann);
        assertThat(done.status()).isEqualTo(302);
        assertThat(done.location()).isEqualTo(base + "/");
        assertThat(browser.get("/api/v1/auth/me", "Accept", "application/json").body()).contains("\"role\":\"MEMBER\"", "ann@example.test");

        Document user = users.byEmail("ann@example.test").orElseThrow();
        assertThat(user.getString("role")).isEqualTo("MEMBER");
        assertThat(user.getString("displayName")).isEqualTo("Person ann");
        assertThat(user.getString("passwordHash")).as("no password: no password sign-in").isNull();
        assertThat(user.get("sso", Document.class)).containsEntry("issuer", PROVIDER.issuer());
        assertThat(user.get("lastLoginAt")).isNotNull();
        String id = user.getObjectId("_id").toHexString();
        relayed();
        assertThat(http.get("/api/v1/audit?entityType=user&entityId=" + id).body())
                .contains("\"action\":\"create\"", "\"actor\":{\"id\":\"sso\"", "single sign-on");

        // the provider moves ann to the admins: her next sign-in is as an admin, audited as single sign-on's change
        PROVIDER.groups("ann", List.of("crm-admins", "sales"));
        SsoClient again = new SsoClient(base);
        assertThat(signIn(again, ann).location()).isEqualTo(base + "/");
        assertThat(again.get("/api/v1/auth/me", "Accept", "application/json").body()).contains("\"role\":\"ADMIN\"");
        assertThat(users.get(id).getString("role")).isEqualTo("ADMIN");
        assertThat(users.bySsoIdentity(PROVIDER.issuer(), "ann")).isPresent();
        relayed();
        assertThat(http.get("/api/v1/audit?entityType=user&entityId=" + id).body()).contains("\"ADMIN\"");

        // and a password sign-in is impossible for her
        assertThat(http.anonymous().post("/api/v1/auth/tokens", Map.of("name", "x"), "Authorization",
                "Basic " + java.util.Base64.getEncoder().encodeToString("ann@example.test:".getBytes()))
                .status()).isEqualTo(401);
    }

    @Test
    void aVerifiedEmailLinksTheExistingUserAndAnUnverifiedOneIsNeverLinked() {
        Document local = users.create(Map.of("email", "bob@corp.example", "displayName", "Bob Local",
                "role", "VIEWER", "password", PASSWORD), false);
        TestIdentityProvider.Person unverified = person("bob-unverified", "bob@corp.example", false, "sales");
        SsoClient.Step refused = signIn(new SsoClient(base), unverified);
        assertThat(refused.location()).isEqualTo(base + "/login?sso=unverified_email");
        assertThat(users.get(local.getObjectId("_id").toHexString()).get("sso")).isNull();
        assertThat(new SsoClient(base).get("/login?sso=unverified_email").body())
                .contains("has not verified your email address");

        TestIdentityProvider.Person verified = person("bob", "BOB@corp.example", true, "sales");
        SsoClient browser = new SsoClient(base);
        assertThat(signIn(browser, verified).location()).isEqualTo(base + "/");
        Document linked = users.get(local.getObjectId("_id").toHexString());
        assertThat(linked.get("sso", Document.class)).containsEntry("subject", "bob");
        assertThat(linked.getString("role")).as("the mapping's role").isEqualTo("MEMBER");
        assertThat(browser.get("/api/v1/auth/me", "Accept", "application/json").body()).contains(local.getObjectId("_id").toHexString());
    }

    @Test
    void aUserDisabledInTheCrmStaysOutWhateverTheProviderSays() {
        TestIdentityProvider.Person carol = person("carol", "carol@example.test", true, "crm-admins");
        assertThat(signIn(new SsoClient(base), carol).location()).isEqualTo(base + "/");
        String id = users.byEmail("carol@example.test").orElseThrow().getObjectId("_id").toHexString();
        assertThat(http.patch("/api/v1/users/" + id, Map.of("enabled", false)).status()).isEqualTo(200);
        SsoClient.Step refused = signIn(new SsoClient(base), carol);
        assertThat(refused.location()).isEqualTo(base + "/login?sso=disabled");
        assertThat(users.get(id).getBoolean("enabled")).isFalse();
    }

    @Test
    void aForeignDomainOrNoMappedGroupIsRefused() {
        TestIdentityProvider.Person outsider = person("dave", "dave@elsewhere.example", true, "sales");
        assertThat(signIn(new SsoClient(base), outsider).location()).isEqualTo(base + "/login?sso=domain");
        TestIdentityProvider.Person noRole = person("erin", "erin@example.test", true, "marketing");
        assertThat(signIn(new SsoClient(base), noRole).location()).isEqualTo(base + "/login?sso=no_role");
        assertThat(users.byEmail("dave@elsewhere.example")).isEmpty();
        assertThat(users.byEmail("erin@example.test")).isEmpty();
    }

    @Test
    void signingOutEndsTheSessionHereAndAtTheProvider() {
        TestIdentityProvider.Person fay = person("fay", "fay@example.test", true, "support");
        SsoClient browser = new SsoClient(base);
        signIn(browser, fay);
        SsoClient.Step dashboard = browser.get("/");
        assertThat(dashboard.status()).isEqualTo(200);
        SsoClient.Step logout = browser.postForm("/logout", Map.of("_csrf", SsoClient.csrf(dashboard.body())));
        assertThat(logout.location()).as("RP-initiated logout at the provider")
                .startsWith(PROVIDER.issuer() + "/connect/logout").contains("id_token_hint=");
        SsoClient.Step back = browser.follow(logout, "/login?logout");
        assertThat(back.location()).isEqualTo(base + "/login?logout");
        assertThat(browser.get("/api/v1/auth/me", "Accept", "application/json").status()).isEqualTo(401);
        // signed out at the provider too: it asks for the password again
        SsoClient.Step provider = browser.follow(browser.get("/oauth2/authorization/oidc"), "/login/oauth2/code/");
        assertThat(provider.status()).isEqualTo(200);
        assertThat(provider.body()).contains("name=\"username\"");
    }
}
