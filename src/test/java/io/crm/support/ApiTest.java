package io.crm.support;

import java.util.Map;

import io.crm.platform.store.IndexInitializer;
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
 * Spring context yet never see each other's data.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"management.server.port=0", "logging.structured.format.console="})
@Import(RecordedCommands.Recording.class)
public abstract class ApiTest {

    @LocalServerPort
    protected int port;

    @Autowired
    protected MongoTemplate mongo;

    @Autowired
    private IndexInitializer indexes;

    protected Http http;

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        registry.add("crm.mongodb.uri", () -> TestMongo.uri("crm_test"));
    }

    /** Index coverage (issue 8): what the service sends to MongoDB during this class is recorded... */
    @BeforeAll
    static void recordServiceCommands(TestInfo test) {
        RecordedCommands.startClass(test.getTestClass().map(Class::getName).orElse("(unknown)"));
    }

    /** ...and every query shape first seen here must be served by a declared index. */
    @AfterAll
    static void checkIndexCoverage(TestInfo test) {
        RecordedCommands.assertIndexServed(test.getTestClass().map(Class::getName).orElse("(unknown)"));
    }

    @BeforeEach
    void freshDatabase() {
        RecordedCommands.ignoreCurrentThread();
        mongo.getDb().drop();
        indexes.afterSingletonsInstantiated();
        http = new Http("http://127.0.0.1:" + port);
    }

    /** Creates a record through the API and returns its id. */
    protected String create(String path, Map<String, ?> body) {
        Http.Response response = http.post(path, body);
        if (response.status() != 201) {
            throw new AssertionError("POST " + path + " -> " + response);
        }
        return response.json().get("id").asString();
    }
}
