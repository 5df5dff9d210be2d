package io.crm.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.crm.store.IndexInitializer;
import io.crm.security.ApiTokenService;
import io.crm.security.Role;
import io.crm.security.Scope;
import io.crm.security.TokenScopes;
import io.crm.security.UserService;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Base of the integration tests: the whole service on a random port, talking to the in-process MongoDB-wire server,
 * driven over real HTTP. The database is emptied (and its indexes re-created) before each test, so tests share one
 * Spring context yet never see each other's data. The service's clock is {@link #clock}: it stands still during a
 * test unless the test moves it.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"management.server.port=0", "logging.structured.format.console=",
                // all tests share 127.0.0.1: the per-address limit is tested on its own (LoginRateLimitFilterTest)
                "crm.security.rate-limit.per-address=100000",
                // leased jobs run when a test says (JobLeases.runNow), not on a timer in the middle of another test
                "crm.jobs.expiry-every=1d", "crm.jobs.imports-every=1d", "crm.jobs.rewrites-every=1d", "crm.feed.cleanup-every=1d"})
@Import({RecordedCommands.Recording.class, TestClock.class})
public abstract class ApiTest {

    @LocalServerPort
    protected int port;

    @Autowired
    protected MongoTemplate mongo;

    @Autowired
    private IndexInitializer indexes;

    @Autowired
    private io.crm.property.PropertyDefinitions propertyDefinitions;

    @Autowired
    private io.crm.deal.Pipelines pipelines;

    @Autowired
    protected UserService users;

    @Autowired
    protected ApiTokenService tokens;

    /** The relay that moves each change's event to the audit log, the feed and webhooks (see {@link #relayed()}). */
    @Autowired
    protected io.crm.events.EventRelay relay;

    /** The service's clock; a test makes time pass with {@code clock.advance(...)}, never by sleeping. */
    @Autowired
    protected MutableClock clock;

    /** Signed in as an admin (a Bearer token); {@link #as(Role)} gives other roles, {@code http.anonymous()} none. */
    protected Http http;
    /** The admin {@link #http} acts as. */
    protected Document admin;

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        registry.add("crm.mongodb.uri", () -> TestMongo.uri("crm_test"));
    }

    /** Index coverage (every query served by a declared index): what the service sends to MongoDB during this class is recorded... */
    @BeforeAll
    static void recordServiceCommands(TestInfo test) {
        RecordedCommands.startClass(test.getTestClass().map(Class::getName).orElse("(unknown)"));
    }

    /** ...and every query shape first seen here must be served by a declared index. */
    @AfterAll
    static void checkIndexCoverage(TestInfo test) {
        RecordedCommands.assertIndexServed(test.getTestClass().map(Class::getName).orElse("(unknown)"));
    }

    /** Also called by the property-based tests (jqwik), which do not run Jupiter's lifecycle. */
    @BeforeEach
    protected void freshDatabase() {
        RecordedCommands.ignoreCurrentThread();
        // each test starts at the wall-clock time (one test's advances do not carry into the next; stored times stay
        // plausible next to the store's own clock), then time stands still until the test moves it
        clock.setInstant(Instant.now());
        // the previous test's events reach their consumers first: a relay step still running would otherwise write
        // them into this test's fresh database
        relayed();
        mongo.getDb().drop();
        // cached custom property definitions belong to the dropped database (the test clock never expires them)
        propertyDefinitions.invalidateAll();
        indexes.afterSingletonsInstantiated();
        // as at a start: the default pipeline exists, and no pipeline of the previous test is remembered
        pipelines.allFresh();
        admin = user(Role.ADMIN);
        http = new Http("http://127.0.0.1:" + port).withToken(token(admin));
        // the set-up's own events (the admin, its token) reach the consumers before the test begins
        relayed();
    }

    /**
     * Waits until every event of the writes so far has reached its consumers (audit log, feed, deal stage history,
     * webhook deliveries): they get there asynchronously, usually within milliseconds.
     */
    protected void relayed() {
        relay.drain(java.time.Duration.ofSeconds(20));
    }

    /** The fields a 400 problem+json names, in order (each with a message, never a stack trace). */
    protected static List<String> errorFields(Http.Response response) {
        assertThat(response.status()).as(response.toString()).isEqualTo(400);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.body()).doesNotContain("Exception").doesNotContain("at io.crm");
        List<String> fields = new ArrayList<>();
        response.json().get("errors").forEach(e -> {
            assertThat(e.get("message").asString()).isNotBlank();
            fields.add(e.get("field").asString());
        });
        return fields;
    }

    /** A new enabled user with this role (password {@link #PASSWORD}). */
    protected Document user(Role role) {
        String name = role.name().toLowerCase(java.util.Locale.ROOT);
        return users.create(Map.of("email", name + "-" + new org.bson.types.ObjectId() + "@example.test",
                "displayName", "Test " + name, "role", role.name(), "password", PASSWORD), false);
    }

    /** A fresh API token of this user, with every scope the user's role allows (so the role alone limits it). */
    protected String token(Document user) {
        Role role = Role.parse(user.getString("role"));
        return (String) tokens.create(user.getObjectId("_id").toHexString(), Map.of("name", "test",
                "scopes", TokenScopes.names(Scope.highestFor(role).withIncluded()))).get("token");
    }

    /** A client signed in as a new user with this role. */
    protected Http as(Role role) {
        return http.anonymous().withToken(token(user(role)));
    }

    protected static final String PASSWORD = "correct horse battery staple";

    /** Creates a record through the API and returns its id. */
    protected String create(String path, Map<String, ?> body) {
        Http.Response response = http.post(path, body);
        if (response.status() != 201) {
            throw new AssertionError("POST " + path + " -> " + response);
        }
        return response.json().get("id").asString();
    }
}
