package io.crm.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import io.crm.events.Actor;
import io.crm.events.Actors;
import io.crm.support.PlainEvents;
import io.crm.support.TestMongo;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.mock.env.MockEnvironment;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;

/** The first admin: from the configured password (or its file), else a generated one logged exactly once. */
@ExtendWith(OutputCaptureExtension.class)
class AdminBootstrapTest {

    private static MongoClient client;
    private MongoDatabase db;
    private UserService users;

    @BeforeAll
    static void connect() {
        client = MongoClients.create(TestMongo.uri("bootstrap_test"));
    }

    @AfterAll
    static void disconnect() {
        client.close();
    }

    @BeforeEach
    void fresh() {
        db = client.getDatabase("bootstrap_test");
        db.drop();
        users = new UserService(db.getCollection(UserService.COLLECTION),
                PasswordEncoderFactories.createDelegatingPasswordEncoder(),
                new PlainEvents(db, Actors.fixed(Actor.SYSTEM), Clock.systemUTC(), List.of(), List.of()).outbox,
                Clock.systemUTC());
    }

    private AdminBootstrap bootstrap(String password, String file) {
        return bootstrap(password, file, new MockEnvironment());
    }

    private AdminBootstrap bootstrap(String password, String file, MockEnvironment environment) {
        return new AdminBootstrap(users, new SecurityProperties(true,
                new SecurityProperties.Admin("boss@example.test", password, file),
                new SecurityProperties.Tokens(90, 365, 20, java.time.Duration.ofSeconds(5),
                        java.time.Duration.ofSeconds(1)), new SecurityProperties.RateLimit(5,
                java.time.Duration.ofSeconds(15), java.time.Duration.ofMinutes(15), java.time.Duration.ofHours(24), 30,
                java.time.Duration.ofMinutes(10), 100, java.time.Duration.ofHours(1)), List.of(), false,
                java.time.Duration.ofMinutes(5)), environment);
    }

    @Test
    void withoutAPasswordOneIsGeneratedAndLoggedOnceInABanner(CapturedOutput output) {
        bootstrap("", "").bootstrap();
        Matcher m = Pattern.compile("FIRST ADMIN CREATED[\\s\\S]*?password: (\\S+)").matcher(output.getAll());
        assertThat(m.find()).isTrue();
        String password = m.group(1);
        Document admin = users.byEmail("boss@example.test").orElseThrow();
        assertThat(admin.getString("role")).isEqualTo("ADMIN");
        assertThat(users.matches(admin, password)).isTrue();
        assertThat(admin.getBoolean(UserService.PASSWORD_CHANGE_REQUIRED)).as("a one-time password").isTrue();

        bootstrap("", "").bootstrap();
        assertThat(output.getAll().split(Pattern.quote(password), -1)).hasSize(2);
        assertThat(users.count()).isEqualTo(1);
    }

    @Test
    void thePlainBannerIsABlockOfLinesAPersonReads(CapturedOutput output) {
        bootstrap("", "").bootstrap();
        String all = output.getAll();
        String banner = all.substring(all.indexOf(AdminBootstrap.BANNER));
        assertThat(banner.lines().limit(3)).satisfiesExactly(
                first -> assertThat(first).contains(AdminBootstrap.BANNER),
                email -> assertThat(email.strip()).isEqualTo("email:    boss@example.test"),
                password -> assertThat(password.strip()).matches("password: [A-Za-z0-9_-]{24}"));
    }

    @Test
    void withStructuredLogsThePasswordIsAFieldOfOneEventAndNeverInItsMessage() {
        Logger logger = (Logger) LoggerFactory.getLogger(AdminBootstrap.class);
        ListAppender<ILoggingEvent> events = new ListAppender<>();
        events.start();
        logger.addAppender(events);
        try {
            bootstrap("", "", new MockEnvironment().withProperty("logging.structured.format.console", "ecs"))
                    .bootstrap();
        } finally {
            logger.detachAppender(events);
        }
        assertThat(events.list).hasSize(1);
        ILoggingEvent event = events.list.get(0);
        Map<String, Object> fields = new HashMap<>();
        event.getKeyValuePairs().forEach(pair -> fields.put(pair.key, pair.value));
        String password = (String) fields.get("crm.admin.password");
        assertThat(fields).containsEntry("crm.admin.email", "boss@example.test");
        assertThat(users.matches(users.byEmail("boss@example.test").orElseThrow(), password)).isTrue();
        assertThat(event.getFormattedMessage()).contains(AdminBootstrap.BANNER).doesNotContain(password)
                .doesNotContain("\n");
    }

    @Test
    void aConfiguredPasswordIsUsedAndNeverLogged(CapturedOutput output) {
        bootstrap("configured password 1", "").bootstrap();
        Document admin = users.byEmail("boss@example.test").orElseThrow();
        assertThat(users.matches(admin, "configured password 1")).isTrue();
        assertThat(admin.getBoolean(UserService.PASSWORD_CHANGE_REQUIRED)).as("the operator's choice").isFalse();
        assertThat(output.getAll()).doesNotContain("configured password 1").doesNotContain("FIRST ADMIN CREATED")
                .contains("first admin boss@example.test created with the configured password");
    }

    @Test
    void aPasswordFileWinsOverTheVariable(@TempDir Path dir, CapturedOutput output) throws Exception {
        Path file = dir.resolve("admin_password");
        Files.writeString(file, "password from a file\n");
        bootstrap("ignored password 12", file.toString()).bootstrap();
        Document admin = users.byEmail("boss@example.test").orElseThrow();
        assertThat(users.matches(admin, "password from a file")).isTrue();
        assertThat(output.getAll()).doesNotContain("password from a file");
    }
}
