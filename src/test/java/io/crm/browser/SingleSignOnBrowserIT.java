package io.crm.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.crm.e2e.ServiceProcess;
import io.crm.sso.SsoClient;
import io.crm.sso.TestIdentityProvider;
import io.crm.support.Http;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.ExpectedConditions;
import tools.jackson.databind.JsonNode;

/**
 * Single sign-on end to end: headless Chromium, the packaged service (two replicas on one MongoDB-wire store) and a
 * real OpenID provider (Spring Authorization Server) on loopback. A first sign-in creates the user with the mapped
 * role, a changed group changes it at the next sign-in, signing out ends the session at the provider too, a user
 * disabled in the CRM stays out, an unverified email is not linked to the account that has it (the reason on the
 * sign-in page); and a sign-in started on one replica completes on the other (no sticky sessions).
 */
class SingleSignOnBrowserIT {

    @TempDir
    static Path dataA;
    @TempDir
    static Path dataB;

    private static TestIdentityProvider provider;
    private static MongoServer store;
    private static Browser browser;
    private static ServiceProcess replicaB;

    @BeforeAll
    static void start() throws Exception {
        provider = TestIdentityProvider.start();
        store = new MongoServer(new MemoryBackend());
        store.bind("127.0.0.1", 0);
        Map<String, String> env = new LinkedHashMap<>();
        env.put("MONGODB_URI", "mongodb://127.0.0.1:" + store.getLocalAddress().getPort() + "/crm_db");
        env.put("CRM_OIDC_ISSUER_URI", provider.issuer());
        env.put("CRM_OIDC_CLIENT_ID", TestIdentityProvider.CLIENT_ID);
        env.put("CRM_OIDC_CLIENT_SECRET", TestIdentityProvider.CLIENT_SECRET);
        env.put("CRM_OIDC_ROLE_MAPPING", "crm-admins=ADMIN,sales=MEMBER,*=VIEWER");
        env.put("CRM_OIDC_PROVIDER_NAME", "Test IdP");
        browser = Browser.start(dataA, env, Map.of(), Duration.ofSeconds(90));
        env.put("CRM_ADMIN_EMAIL", Browser.ADMIN_EMAIL);
        env.put("CRM_ADMIN_PASSWORD", Browser.PASSWORD);
        replicaB = ServiceProcess.start(dataB, env);
        provider.allowClientAt(browser.base);
        provider.allowClientAt("http://127.0.0.1:" + replicaB.port);
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (browser != null) {
                browser.close();
            }
            if (replicaB != null) {
                replicaB.close();
            }
        } finally {
            if (provider != null) {
                provider.close();
            }
            if (store != null) {
                store.shutdownNow();
            }
        }
    }

    /** Each test starts signed out of the CRM and of the provider (their cookies share the loopback host). */
    @BeforeEach
    void signedOutEverywhere() {
        browser.open("/login");
        browser.driver.manage().deleteAllCookies();
    }

    private static TestIdentityProvider.Person person(String username, String email, boolean verified,
                                                      String... groups) {
        TestIdentityProvider.Person person = new TestIdentityProvider.Person(username, "idp-" + username + "-pw",
                email, verified, "Person " + username, List.of(groups));
        provider.person(person);
        return person;
    }

    /** From the CRM's sign-in page through the provider's form; the browser is signed out of the CRM first. */
    private void signInWithProvider(TestIdentityProvider.Person person) {
        browser.open("/login");
        browser.waitFor(By.id("sso-sign-in")).click();
        browser.wait.until(d -> d.getCurrentUrl().startsWith(provider.issuer()) || !d.getCurrentUrl()
                .contains("/oauth2/"));
        if (browser.driver.getCurrentUrl().startsWith(provider.issuer() + "/login")) {
            browser.waitFor(By.id("username")).sendKeys(person.username());
            browser.driver.findElement(By.id("password")).sendKeys(person.password());
            browser.driver.findElement(By.cssSelector("form button[type=submit]")).click();
        }
        browser.wait.until(d -> d.getCurrentUrl().startsWith(browser.base));
    }

    private void signOut() {
        browser.driver.findElement(By.xpath("//form[contains(@action,'/logout')]//button")).click();
        browser.wait.until(ExpectedConditions.urlToBe(browser.base + "/login?logout"));
    }

    private JsonNode user(String email) {
        for (JsonNode user : browser.api.get("/api/v1/users?limit=100").json().get("items")) {
            if (email.equals(user.get("email").asString())) {
                return user;
            }
        }
        return null;
    }

    @Test
    void signInThroughTheProviderEndToEnd() throws Exception {
        assertThat(browser.api.get("/login").body()).contains("Sign in with Test IdP");
        TestIdentityProvider.Person ann = person("ann", "ann@example.test", true, "sales");

        // first sign-in: the user is created with the mapped role
        signInWithProvider(ann);
        assertThat(browser.driver.getCurrentUrl()).isEqualTo(browser.base + "/");
        browser.wait.until(ExpectedConditions.titleIs("Dashboard · CRM"));
        assertThat(browser.driver.findElement(By.cssSelector(".role-badge")).getText()).isEqualTo("member");
        JsonNode created = user("ann@example.test");
        assertThat(created.get("role").asString()).isEqualTo("MEMBER");
        assertThat(created.get("ssoIssuer").asString()).isEqualTo(provider.issuer());
        browser.screenshot("sso-first-sign-in");

        // signing out ends both sessions: the provider asks for the password again
        signOut();
        browser.open("/login");
        browser.waitFor(By.id("sso-sign-in")).click();
        browser.wait.until(ExpectedConditions.urlContains(provider.issuer() + "/login"));
        assertThat(browser.waitFor(By.id("username")).isDisplayed()).isTrue();

        // the provider makes ann an admin: her next sign-in is as one
        provider.groups("ann", List.of("sales", "crm-admins"));
        browser.driver.findElement(By.id("username")).sendKeys(ann.username());
        browser.driver.findElement(By.id("password")).sendKeys(ann.password());
        browser.driver.findElement(By.cssSelector("form button[type=submit]")).click();
        browser.wait.until(ExpectedConditions.titleIs("Dashboard · CRM"));
        assertThat(browser.driver.findElement(By.cssSelector(".role-badge")).getText()).isEqualTo("admin");
        assertThat(user("ann@example.test").get("role").asString()).isEqualTo("ADMIN");

        // disabled in the CRM: out, whatever the provider says
        String id = created.get("id").asString();
        assertThat(browser.api.patch("/api/v1/users/" + id, Map.of("enabled", false)).status()).isEqualTo(200);
        browser.open("/");
        browser.wait.until(ExpectedConditions.urlContains("/login"));
        signInWithProvider(ann);
        assertThat(browser.waitFor(By.id("sso-error")).getText()).contains("Your CRM account is disabled");
        assertThat(browser.driver.getCurrentUrl()).isEqualTo(browser.base + "/login?sso=disabled");
        browser.screenshot("sso-disabled");
    }

    @Test
    void anUnverifiedEmailIsNotLinkedToTheAccountWithThatEmail() {
        String local = browser.user("MEMBER", "Bea Local");
        TestIdentityProvider.Person bea = person("bea", local, false, "sales");
        signInWithProvider(bea);
        assertThat(browser.waitFor(By.id("sso-error")).getText()).contains("has not verified your email address");
        assertThat(user(local).get("ssoIssuer").isNull()).isTrue();

        // an unverified email no account has yet: a new account (providers such as Entra ID never verify emails)
        browser.driver.manage().deleteAllCookies();
        signInWithProvider(person("dan", "dan@example.test", false, "marketing"));
        browser.wait.until(ExpectedConditions.titleIs("Dashboard · CRM"));
        assertThat(user("dan@example.test").get("role").asString()).as("the mapping's *").isEqualTo("VIEWER");
    }

    @Test
    void aSignInStartedOnOneReplicaCompletesOnTheOther() {
        TestIdentityProvider.Person cy = person("cy", "cy@example.test", true, "sales");
        String a = browser.base;
        String b = "http://127.0.0.1:" + replicaB.port;
        // a load balancer without sticky sessions: the provider's answer lands on replica B
        SsoClient client = new SsoClient(a);
        SsoClient.Step toProvider = client.follow(client.get("/oauth2/authorization/oidc"), a + "/login/oauth2/code/");
        assertThat(toProvider.status()).as("the provider's sign-in form").isEqualTo(200);
        SsoClient.Step callback = client.follow(client.postForm(provider.issuer() + "/login", Map.of(
                "username", cy.username(), "password", cy.password(), "_csrf", SsoClient.csrf(toProvider.body()))),
                a + "/login/oauth2/code/");
        assertThat(callback.location()).startsWith(a + "/login/oauth2/code/oidc?code=");
        SsoClient.Step done = client.get(callback.location().replace(a, b));
        assertThat(done.location()).isEqualTo(b + "/");
        // and the session made on B is the same on A
        Http.Response me = new Http(a).get("/api/v1/auth/me", "Cookie", "CRM_SESSION=" + client.cookie("CRM_SESSION"));
        assertThat(me.status()).isEqualTo(200);
        assertThat(me.json().get("email").asString()).isEqualTo("cy@example.test");
    }

    @Test
    void aServiceAccountNeverSignsInThroughTheProvider() {
        Http.Response account = browser.api.post("/api/v1/users", Map.of("kind", "service",
                "displayName", "Billing integration", "role", "MEMBER"));
        assertThat(account.status()).isEqualTo(201);
        String email = account.json().get("email").asString();
        TestIdentityProvider.Person bot = person("billing-bot", email, true, "sales");
        SsoClient.Step refused = new SsoClient(browser.base).signIn(bot.username(), bot.password());
        assertThat(refused.location()).isEqualTo(browser.base + "/login?sso=no_sign_in");
        assertThat(user(email).get("ssoIssuer").isNull()).as("not linked either").isTrue();
    }

    @Test
    void forwardedHeadersFromAnUntrustedClientDoNotChooseTheRedirectUri() {
        // no CRM_TRUSTED_PROXIES here: a client claiming to be a proxy cannot send the code to its own host
        SsoClient.Step redirect = new SsoClient(browser.base).get("/oauth2/authorization/oidc",
                "X-Forwarded-Proto", "https", "X-Forwarded-Host", "attacker.example");
        assertThat(redirect.location()).contains("redirect_uri=" + browser.base + "/login/oauth2/code/oidc")
                .doesNotContain("attacker.example");
    }
}
