package io.crm.person;

import static io.crm.person.PersonApiTest.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.crm.contact.ContactIndexes;
import io.crm.record.RecordMeta;
import io.crm.security.ApiTokenService;
import io.crm.security.UserService;
import io.crm.support.Http;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The service started against a database the original service wrote, duplicates included (it allowed duplicate
 * person_ids and emails): startup completes, the impossible unique index is skipped, the backfill has run before the
 * first request, and the one uniqueness rule still holds. Then the database goes away: 503 {"error"}.
 * Own MongoDB-wire server (seeded before the application starts), so not an {@code ApiTest}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"management.server.port=0", "logging.structured.format.console=",
                "crm.mongodb.server-selection-timeout=500ms"})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class LegacyStartupTest {

    private static final MongoServer server = new MongoServer(new MemoryBackend());
    private static final String URI;
    private static final List<Document> SEEDED = new ArrayList<>();

    static {
        InetSocketAddress address = server.bind();
        URI = "mongodb://127.0.0.1:" + address.getPort() + "/crm_db";
        try (MongoClient client = MongoClients.create(URI)) {
            MongoCollection<Document> persons = client.getDatabase("crm_db").getCollection("persons");
            SEEDED.add(original("dup", "Dup One", "one@example.com"));
            SEEDED.add(original("dup", "Dup Two", "two@example.com"));
            SEEDED.add(original("a", "Ann", "shared@example.com"));
            SEEDED.add(original("b", "Ben", "Shared@Example.com"));
            SEEDED.add(original("c", "Cid", null));
            persons.insertMany(SEEDED);
        }
    }

    private static Document original(String personId, String name, String email) {
        Document doc = new Document("_id", new ObjectId()).append("name", name);
        if (email != null) {
            doc.append("email", email);
        }
        return doc.append("phone", "555").append("person_id", personId);
    }

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        registry.add("crm.mongodb.uri", () -> URI);
    }

    @LocalServerPort
    int port;

    @Autowired
    MongoTemplate mongo;

    @Autowired
    ApplicationContext context;

    Http http;

    @Autowired
    UserService users;

    @Autowired
    ApiTokenService tokens;

    @BeforeEach
    void client() {
        String id = users.byEmail("startup-admin@example.test").orElseGet(() -> users.create(Map.of(
                "email", "startup-admin@example.test", "displayName", "Admin", "role", "ADMIN",
                "password", "correct horse battery staple"), false)).getObjectId("_id").toHexString();
        http = new Http("http://127.0.0.1:" + port).withToken(
                (String) tokens.create(id, Map.of("name", "test", "scopes", java.util.List.of("admin"))).get("token"));
    }

    @AfterAll
    static void stopServer() {
        server.shutdownNow();
    }

    @Test
    @Order(1)
    void startupSkipsTheImpossibleUniqueIndexAndBuildsTheOthers() {
        List<String> names = new ArrayList<>();
        mongo.getCollection("persons").listIndexes().forEach(i -> names.add(i.getString("name")));
        assertThat(names).doesNotContain(ContactIndexes.EXTERNAL_ID_UNIQUE)
                .contains(ContactIndexes.EMAIL_UNIQUE, "contacts_created_q", "contacts_name");
    }

    @Test
    @Order(2)
    void everySeededDocumentWasAdoptedBeforeTheServerStarted() {
        int backfillPhase = context.getBean(LegacyBackfill.class).getPhase();
        int serverPhase = context.getBeansOfType(SmartLifecycle.class).values().stream()
                .filter(l -> l.getClass().getSimpleName().equals("WebServerStartStopLifecycle"))
                .mapToInt(SmartLifecycle::getPhase).findFirst().orElseThrow();
        assertThat(backfillPhase).isLessThan(serverPhase);

        for (Document seeded : SEEDED) {
            Document now = mongo.getCollection("persons").find(new Document("_id", seeded.get("_id"))).first();
            assertThat(RecordMeta.version(now)).isEqualTo(1);
            Document fields = new Document(now);
            fields.remove(RecordMeta.META);
            assertThat(fields).isEqualTo(seeded);
        }
        assertThat(http.get("/person").json()).hasSize(SEEDED.size());
        assertThat(http.get("/api/v1/contacts").json().get("items")).hasSize(SEEDED.size());
        assertThat(http.get("/person/dup").json().get("name").asString()).isEqualTo("Dup One");
    }

    @Test
    @Order(3)
    void theServiceStillRefusesNewDuplicates() {
        assertError(http.post("/person/dup", Map.of("name", "Third")), 409,
                "A person with person_id 'dup' already exists");
        assertThat(http.post("/person/new", Map.of("name", "N", "email", "SHARED@example.com")).status())
                .isEqualTo(409);
        assertThat(http.post("/api/v1/contacts", Map.of("name", "N", "email", "shared@example.com")).status())
                .isEqualTo(409);
        assertThat(http.post("/api/v1/contacts", Map.of("name", "N", "externalId", "dup")).status())
                .isEqualTo(409);
        assertThat(http.post("/person/new", Map.of("name", "N", "email", "new@example.com")).status())
                .isEqualTo(201);
    }

    @Test
    @Order(4)
    void aDatabaseOutageIs503WithAnErrorNeverA500() {
        server.shutdownNow();
        List<Http.Response> responses = List.of(
                http.get("/person"),
                http.get("/person/a"),
                http.get("/person?page=1"),
                http.get("/person?id=" + new ObjectId().toHexString()),
                http.get("/person/search?q=ann"),
                http.get("/stats"),
                http.post("/person/zz", Map.of("name", "Z")),
                http.put("/person/a", Map.of("name", "Z")),
                http.delete("/person/a"),
                http.post("/person/bulk", List.of(Map.of("person_id", "q"))),
                http.delete("/person/bulk", Map.of("ids", List.of("a"))));
        for (Http.Response response : responses) {
            assertError(response, 503, "Database unavailable, retry shortly");
            assertThat(response.header("Retry-After")).contains("5");
        }
    }
}
