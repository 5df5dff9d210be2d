package io.crm.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

import de.bwaldvogel.mongo.MongoServer;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.crm.support.Http;
import org.awaitility.Awaitility;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The migration path of docs/operations.md, as an operator runs it with the packaged jar: a service on the embedded
 * store gets records, versions, users and tokens; it is stopped; {@code --export} writes the file; {@code --import}
 * loads it into a standalone MongoDB-wire server (mongo-java-server, H2 backend, loopback TCP); a service started on
 * that server answers the legacy and v1 APIs exactly as the first did (same records, versions, audit history, with
 * the API token made before the move), its own export holds the same lines, and the web UI signs in with the same
 * users and passwords.
 */
class PortableMigrationIT {

    private static final List<String> READS = List.of("/person", "/person/1", "/person/2", "/stats",
            "/api/v1/contacts?limit=100", "/api/v1/companies?limit=100", "/api/v1/deals?limit=100",
            "/api/v1/activities?limit=100", "/api/v1/audit?limit=100", "/api/v1/users", "/api/v1/pipeline");

    @TempDir
    Path embeddedDir;

    @TempDir
    Path otherDir;

    @TempDir
    Path files;

    @Test
    void embeddedStoreMovesToMongoDbWithTheSameDataAndUsers() throws Exception {
        String password = ServiceProcess.randomPassword();
        String memberPassword = ServiceProcess.randomPassword();
        String token;
        Map<String, String> before = new LinkedHashMap<>();
        try (ServiceProcess first = ServiceProcess.start(embeddedDir, ServiceProcess.withAdmin(password, Map.of()))) {
            token = first.token(ServiceProcess.ADMIN_EMAIL, password);
            Http http = first.http().withToken(token);
            writeRecords(first, http, memberPassword);
            // every change's audit entry is written (asynchronously, by the relay) before the service stops
            Awaitility.await("audit trail complete").atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(200)).pollInSameThread()
                    .until(() -> http.get("/api/v1/audit?entityType=deal").json().get("items").size() == 2);
            for (String path : READS) {
                Http.Response response = http.get(path);
                assertThat(response.status()).as(path).isEqualTo(200);
                before.put(path, response.body());
            }
            assertThat(first.terminate(Duration.ofSeconds(30))).isZero();
        }

        Path export = files.resolve("crm.jsonl.gz");
        ServiceProcess.Finished exported = jar("--export", export.toString(), "--data-dir=" + embeddedDir);
        assertThat(exported.exitCode()).as(exported.output()).isZero();
        assertThat(exported.output()).contains("exporting from embedded").contains("exported ");

        MongoServer mongo = new MongoServer(new H2Backend(otherDir.resolve("mongodb.mv").toString()));
        mongo.bind("127.0.0.1", 0);
        String uri = "mongodb://127.0.0.1:" + mongo.getLocalAddress().getPort() + "/crm_db";
        try {
            ServiceProcess.Finished imported = jar("--import", export.toString(), "--mongodb-uri=" + uri);
            assertThat(imported.exitCode()).as(imported.output()).isZero();
            assertThat(imported.output()).contains("imported ");
            // rerun: nothing to do, nothing changed
            ServiceProcess.Finished again = jar("--import", export.toString(), "--mongodb-uri=" + uri);
            assertThat(again.exitCode()).as(again.output()).isZero();
            assertThat(again.output()).contains("already imported");

            // no CRM_ADMIN_*: the users come from the file
            try (ServiceProcess moved = ServiceProcess.start(otherDir.resolve("unused"), Map.of("MONGODB_URI", uri))) {
                assertThat(moved.logText()).contains("Store: MongoDB at 127.0.0.1:");
                // the service started on the imported data; its export, before any request (a request with the
                // token records when it was last used), holds the same lines
                Path second = files.resolve("moved.jsonl.gz");
                ServiceProcess.Finished exportedAgain = jar("--export", second.toString(), "--mongodb-uri=" + uri);
                assertThat(exportedAgain.exitCode()).as(exportedAgain.output()).isZero();
                assertSameLines(body(export), body(second));
                Http http = moved.http().withToken(token);
                for (String path : READS) {
                    Http.Response response = http.get(path);
                    assertThat(response.status()).as(path).isEqualTo(200);
                    // as JSON: objects the service builds with Map.of list their fields in an order of the JVM run
                    assertThat(Http.JSON.readTree(response.body())).as(path)
                            .isEqualTo(Http.JSON.readTree(before.get(path)));
                }

                assertThat(signIn(moved.http(), ServiceProcess.ADMIN_EMAIL, password)).isTrue();
                assertThat(signIn(moved.http(), "member@crm.test", memberPassword)).isTrue();
                assertThat(signIn(moved.http(), "member@crm.test", memberPassword + "x")).isFalse();
                assertThat(moved.terminate(Duration.ofSeconds(30))).isZero();
            }
        } finally {
            mongo.shutdownNow();
        }
    }

    /**
     * An import killed ({@code kill -9}) while it writes, rerun with the same file: it resumes and ends with exactly
     * the exported documents, none twice.
     */
    @Test
    void anImportKilledWhileWritingFinishesWhenRerun() throws Exception {
        int total = 60_000;
        MongoServer source = new MongoServer(new MemoryBackend());
        MongoServer target = new MongoServer(new MemoryBackend());
        String sourceUri = "mongodb://127.0.0.1:" + source.bind().getPort() + "/crm_db";
        String targetUri = "mongodb://127.0.0.1:" + target.bind().getPort() + "/crm_db";
        try (MongoClient sourceClient = MongoClients.create(sourceUri);
             MongoClient targetClient = MongoClients.create(targetUri)) {
            MongoCollection<Document> persons = sourceClient.getDatabase("crm_db").getCollection("persons");
            for (int batch = 0; batch < total / 1000; batch++) {
                List<Document> documents = new ArrayList<>();
                for (int i = batch * 1000; i < (batch + 1) * 1000; i++) {
                    documents.add(new Document("person_id", "p" + i).append("name", "Person " + i));
                }
                persons.insertMany(documents);
            }
            Path file = files.resolve("big.jsonl.gz");
            assertThat(jar("--export", file.toString(), "--mongodb-uri=" + sourceUri).exitCode()).isZero();

            MongoCollection<Document> written = targetClient.getDatabase("crm_db").getCollection("persons");
            Process importing = ServiceProcess.command(Map.of(), ProcessBuilder.Redirect.DISCARD, "--import",
                    file.toString(), "--mongodb-uri=" + targetUri);
            try {
                Awaitility.await("import writing").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(5))
                        .pollInSameThread().until(() -> written.estimatedDocumentCount() > 0);
            } finally {
                importing.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
            long atKill = written.estimatedDocumentCount();
            assertThat(atKill).as("killed while writing").isBetween(1L, total - 1L);

            ServiceProcess.Finished rerun = jar("--import", file.toString(), "--mongodb-uri=" + targetUri);
            assertThat(rerun.exitCode()).as(rerun.output()).isZero();
            assertThat(rerun.output()).contains("resuming the interrupted import");
            assertThat(written.countDocuments()).isEqualTo(total);
            List<Object> ids = new ArrayList<>();
            written.find().projection(new Document("_id", 1)).forEach(document -> ids.add(document.get("_id")));
            assertThat(ids).doesNotHaveDuplicates().hasSize(total);
            assertThat(written.find(new Document("person_id", "p" + (total - 1))).first()).isNotNull();
        } finally {
            source.shutdownNow();
            target.shutdownNow();
        }
    }

    /** Legacy and v1 records with several versions, a deleted one, a second user with a password of their own. */
    private static void writeRecords(ServiceProcess service, Http http, String memberPassword) {
        assertThat(http.post("/person/1", Map.of("name", "Ada Lovelace", "email", "ada@example.com")).status())
                .isEqualTo(201);
        assertThat(http.post("/person/2", Map.of("name", "Alan Turing", "phone", "555-1234")).status())
                .isEqualTo(201);
        assertThat(http.put("/person/2", Map.of("phone", "555-9999")).status()).isEqualTo(200);
        assertThat(http.post("/person/3", Map.of("name", "Gone Soon")).status()).isEqualTo(201);
        assertThat(http.delete("/person/3").status()).isEqualTo(200);
        String company = http.post("/api/v1/companies", Map.of("name", "Acme", "domain", "acme.example"))
                .json().get("id").asString();
        String contact = http.post("/api/v1/contacts", Map.of("name", "Grace Hopper", "email", "grace@acme.example",
                "companyId", company)).json().get("id").asString();
        Http.Response deal = http.post("/api/v1/deals", Map.of("title", "Acme renewal", "amount", "1234.50",
                "companyId", company, "contactIds", List.of(contact)));
        assertThat(deal.status()).isEqualTo(201);
        String dealId = deal.json().get("id").asString();
        assertThat(http.patch("/api/v1/deals/" + dealId, Map.of("stage", "proposal"), "If-Match", "\"1\"").status())
                .isEqualTo(200);
        assertThat(http.post("/api/v1/activities", Map.of("type", "note", "subject", "Kick-off call",
                "contactId", contact)).status()).isEqualTo(201);
        String oneTime = ServiceProcess.randomPassword();
        assertThat(http.post("/api/v1/users", Map.of("email", "member@crm.test", "displayName", "Member",
                "role", "MEMBER", "password", oneTime)).status()).isEqualTo(201);
        assertThat(service.http().post("/api/v1/auth/password", Map.of("currentPassword", oneTime,
                "newPassword", memberPassword), "Authorization", ServiceProcess.basic("member@crm.test", oneTime))
                .status()).isEqualTo(204);
    }

    /** A form sign-in with the login page's CSRF token: true when it lands anywhere but back on the login page. */
    private static boolean signIn(Http http, String email, String password) {
        Http.Response page = http.get("/login");
        String cookie = page.header("Set-Cookie").orElseThrow().split(";", 2)[0];
        Matcher csrf = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"").matcher(page.body());
        assertThat(csrf.find()).isTrue();
        Http.Response login = http.send("POST", "/login", "application/x-www-form-urlencoded",
                "username=" + enc(email) + "&password=" + enc(password) + "&_csrf=" + enc(csrf.group(1)),
                "Cookie", cookie);
        assertThat(login.status()).isEqualTo(302);
        String location = login.header("Location").orElseThrow();
        if (location.contains("/login")) {
            return false;
        }
        String session = login.header("Set-Cookie").orElseThrow().split(";", 2)[0];
        return http.get("/api/v1/auth/me", "Cookie", session).status() == 200;
    }

    /** A diff of the two exports: the lines only one of them has (none), then the same order. */
    private static void assertSameLines(List<String> before, List<String> after) {
        List<String> onlyBefore = new ArrayList<>(before);
        onlyBefore.removeAll(after);
        List<String> onlyAfter = new ArrayList<>(after);
        onlyAfter.removeAll(before);
        assertThat(onlyBefore).as("lines only in the embedded store's export").isEmpty();
        assertThat(onlyAfter).as("lines only in the MongoDB export").isEmpty();
        assertThat(after).isEqualTo(before);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /**
     * The export's lines without what differs between two exports of the same data: the header (time, export id)
     * and the trailer's checksum, which covers the header.
     */
    private static List<String> body(Path file) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
            List<String> lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
            List<String> body = new ArrayList<>(lines.subList(1, lines.size() - 1));
            body.add(lines.get(lines.size() - 1).replaceAll(", \"sha256\": \"[0-9a-f]{64}\"", ""));
            assertThat(body.get(body.size() - 1)).startsWith("{\"type\": \"trailer\"").doesNotContain("sha256");
            return body;
        }
    }

    /** The packaged jar in one of its command-line modes, as an operator runs it; bounded to two minutes. */
    private static ServiceProcess.Finished jar(String... args) throws IOException, InterruptedException {
        return ServiceProcess.run(Map.of(), Duration.ofMinutes(2), args);
    }
}
