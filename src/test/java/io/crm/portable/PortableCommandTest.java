package io.crm.portable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.IndexOptions;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.crm.store.EmbeddedStore;
import org.bson.BsonDocument;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --export} and {@code --import} as the command runs them (arguments, store selection, exit codes, messages),
 * between in-process MongoDB-wire servers: exact round trips of every BSON type and index definition, refusals that
 * change nothing, and an interrupted import that a rerun completes without duplicates.
 */
class PortableCommandTest {

    @TempDir
    Path dir;

    private final List<MongoServer> servers = new ArrayList<>();
    private final List<MongoClient> clients = new ArrayList<>();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private String sourceUri;
    private String targetUri;
    private MongoDatabase source;
    private MongoDatabase target;

    @BeforeEach
    void servers() {
        PortableCommand.quietLogging();
        sourceUri = start() + "/crm_db";
        targetUri = start() + "/crm_db";
        source = database(sourceUri);
        target = database(targetUri);
    }

    @AfterEach
    void stop() {
        clients.forEach(MongoClient::close);
        servers.forEach(MongoServer::shutdownNow);
    }

    private String start() {
        MongoServer server = new MongoServer(new MemoryBackend());
        server.bind("127.0.0.1", 0);
        servers.add(server);
        return "mongodb://127.0.0.1:" + server.getLocalAddress().getPort();
    }

    private MongoDatabase database(String uri) {
        MongoClient client = MongoClients.create(uri);
        clients.add(client);
        return client.getDatabase("crm_db");
    }

    /** Every BSON type the service stores, in two collections with indexes of every kind, plus an empty one. */
    private void seed(MongoDatabase db, int persons) {
        var people = db.getCollection("persons", BsonDocument.class);
        for (int i = 0; i < persons; i++) {
            people.insertOne(BsonDocument.parse("""
                    {_id: {$oid: '5f1d7f0b1c9d4400000000%02x'}, person_id: '%d', n: {$numberInt: '%d'},
                     big: {$numberLong: '%d'}, ratio: {$numberDouble: '1.5'}, amount: {$numberDecimal: '1234.50'},
                     at: {$date: {$numberLong: '1600000000123'}}, raw: {$binary: {base64: 'AAEC', subType: '00'}},
                     uuid: {$binary: {base64: 'ASNFZ4mrze8BI0VniavN7w==', subType: '04'}}, none: null,
                     tags: ['a', {$numberLong: '3'}], _crm: {version: {$numberLong: '2'}, archived: false},
                     'ünïcode': 'naïve — ✓ \\n "quoted"'}
                    """.formatted(i, i, i, 10_000_000_000L + i)));
        }
        people.createIndex(new Document("person_id", 1), new IndexOptions().name("person_id_unique").unique(true)
                .sparse(true));
        people.createIndex(new Document("_crm.archived", 1).append("at", -1).append("_id", -1),
                new IndexOptions().name("list"));
        var users = db.getCollection("users");
        users.insertOne(new Document("_id", "u1").append("email", "a@example.test").append("passwordHash", "{bcrypt}x"));
        users.createIndex(new Document("at", 1), new IndexOptions().name("ttl").expireAfter(60L, TimeUnit.SECONDS));
        db.createCollection("deals");
        // runtime state that is not exported
        db.getCollection("sessions").insertOne(new Document("_id", "live-session-cookie"));
    }

    private int run(String... args) {
        out.reset();
        err.reset();
        return PortableCommand.run(args, Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String errText() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private String outText() {
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void exportThenImportRoundTripsEveryTypeAndIndexExactly() throws Exception {
        seed(source, 5);
        Path file = dir.resolve("crm.jsonl.gz");
        assertThat(run("--export", file.toString(), "--mongodb-uri=" + sourceUri)).as(errText()).isZero();
        assertThat(outText()).contains("exported 6 documents in 3 collections");
        assertThat(dir.resolve("crm.jsonl.gz.partial")).doesNotExist();
        // the trailer's checksum is that of every byte above it (what `zcat FILE | head -n -1 | sha256sum` prints)
        String text = new String(gunzip(Files.readAllBytes(file)), StandardCharsets.UTF_8);
        String lastLine = text.substring(text.lastIndexOf('\n', text.length() - 2) + 1);
        byte[] above = text.substring(0, text.length() - lastLine.length()).getBytes(StandardCharsets.UTF_8);
        assertThat(lastLine).contains("\"sha256\": \"" + java.util.HexFormat.of().formatHex(
                java.security.MessageDigest.getInstance("SHA-256").digest(above)) + "\"");

        assertThat(run("--import=" + file, "--mongodb-uri", targetUri)).as(errText()).isZero();
        assertThat(outText()).contains("imported 6 documents in 3 collections into crm_db");

        for (String name : List.of("persons", "users", "deals")) {
            assertThat(all(target, name)).as(name).isEqualTo(all(source, name));
            assertThat(indexes(target, name)).as(name).isEqualTo(indexes(source, name));
        }
        assertThat(target.listCollectionNames().into(new ArrayList<>())).doesNotContain("sessions");
        // the same data exports to the same lines (only the header differs: time, export id)
        Path again = dir.resolve("again.jsonl.gz");
        assertThat(run("--export", again.toString(), "--mongodb-uri=" + targetUri)).isZero();
        assertThat(body(again)).isEqualTo(body(file));
    }

    @Test
    void rerunAfterSuccessChangesNothing() {
        seed(source, 3);
        Path file = export();
        assertThat(run("--import", file.toString(), "--mongodb-uri=" + targetUri)).isZero();
        List<BsonDocument> before = all(target, "persons");
        assertThat(run("--import", file.toString(), "--mongodb-uri=" + targetUri)).isZero();
        assertThat(outText()).contains("already imported into crm_db").contains("nothing to do");
        assertThat(all(target, "persons")).isEqualTo(before);
    }

    @Test
    void aNonEmptyTargetIsRefusedAndKeptAsItWas() {
        seed(source, 3);
        Path file = export();
        target.getCollection("persons").insertOne(new Document("_id", "mine"));
        assertThat(run("--import", file.toString(), "--mongodb-uri=" + targetUri)).isEqualTo(1);
        assertThat(errText()).isEqualToIgnoringNewLines("crm: import refused: the target database crm_db is not "
                + "empty (persons hold documents): --import writes only into an empty database");
        assertThat(all(target, "persons")).hasSize(1);
        assertThat(target.listCollectionNames().into(new ArrayList<>())).containsExactly("persons");
    }

    @Test
    void anotherExportIsNotMixedIntoAPartlyImportedTarget() throws IOException {
        seed(source, 4);
        Path file = export();
        interruptedImport(file, "persons", 2);
        source.getCollection("deals").insertOne(new Document("_id", 1));
        Path other = dir.resolve("other.jsonl.gz");
        assertThat(run("--export", other.toString(), "--mongodb-uri=" + sourceUri)).isZero();
        assertThat(run("--import", other.toString(), "--mongodb-uri=" + targetUri)).isEqualTo(1);
        assertThat(errText()).contains("holds another import").contains("state importing");
    }

    @Test
    void anInterruptedImportRerunWithTheFileFinishesWithNothingDuplicated() throws IOException {
        seed(source, 9);
        Path file = export();
        // stopped after the second batch of persons (batches of 2): users done, persons partly written
        interruptedImport(file, "persons", 4);
        assertThat(target.getCollection("persons").countDocuments()).isEqualTo(4);

        assertThat(run("--import", file.toString(), "--mongodb-uri=" + targetUri)).as(errText()).isZero();
        assertThat(outText()).contains("resuming the interrupted import").contains("imported 10 documents");
        for (String name : List.of("persons", "users", "deals")) {
            assertThat(all(target, name)).as(name).isEqualTo(all(source, name));
            assertThat(indexes(target, name)).as(name).isEqualTo(indexes(source, name));
        }
        Path again = dir.resolve("again.jsonl.gz");
        assertThat(run("--export", again.toString(), "--mongodb-uri=" + targetUri)).isZero();
        assertThat(body(again)).isEqualTo(body(file));
    }

    @Test
    void anImportInterruptedBeforeItsLastCollectionIsFinishedByTheRerun() throws IOException {
        seed(source, 3);
        Path file = export();
        // collections are in name order: deals (empty), persons, users; stop in users, after persons completed
        interruptedImport(file, "users", 1);
        assertThat(run("--import", file.toString(), "--mongodb-uri=" + targetUri)).as(errText()).isZero();
        assertThat(outText()).contains("resuming the interrupted import");
        assertThat(all(target, "users")).isEqualTo(all(source, "users"));
        assertThat(all(target, "persons")).isEqualTo(all(source, "persons"));
    }

    /** Runs the import in process and makes it fail once {@code collection} has {@code after} documents written. */
    private void interruptedImport(Path file, String collection, long after) {
        Importer importer = new Importer(target, new PrintStream(OutputStream.nullOutputStream()), 2,
                (name, written) -> {
                    if (name.equals(collection) && written >= after) {
                        throw new IllegalStateException("interrupted");
                    }
                });
        assertThatThrownBy(() -> importer.importFile(file, java.time.Instant.now())).hasMessage("interrupted");
    }

    @Test
    void truncatedCorruptForeignAndNewerFilesAreRefusedAndTheTargetStaysEmpty() throws IOException {
        seed(source, 20);
        Path file = export();
        byte[] gz = Files.readAllBytes(file);
        List<String> lines = Arrays.asList(new String(gunzip(gz), StandardCharsets.UTF_8).split("\n"));

        Map<String, byte[]> bad = new TreeMap<>();
        bad.put("cut-bytes", Arrays.copyOf(gz, gz.length / 2));
        bad.put("cut-lines", gzip(String.join("\n", lines.subList(0, lines.size() - 3)) + "\n"));
        bad.put("cut-mid-line", gzip(String.join("\n", lines).substring(0, 700)));
        byte[] flipped = gz.clone();
        flipped[gz.length / 2] ^= 0x55;
        bad.put("flipped-byte", flipped);
        List<String> edited = new ArrayList<>(lines);
        edited.set(3, edited.get(3).replace("1234.50", "9234.50"));
        bad.put("edited-document", gzip(String.join("\n", edited) + "\n"));
        bad.put("foreign-text", "name,email\nAda,ada@example.test\n".getBytes(StandardCharsets.UTF_8));
        bad.put("foreign-gzip", gzip("name,email\nAda,ada@example.test\n"));
        bad.put("empty", new byte[0]);
        List<String> newer = new ArrayList<>(lines);
        newer.set(0, newer.get(0).replace("\"formatVersion\": 1", "\"formatVersion\": 2"));
        bad.put("newer", gzip(String.join("\n", newer) + "\n"));

        Map<String, String> messages = new TreeMap<>();
        for (Map.Entry<String, byte[]> entry : bad.entrySet()) {
            Path path = dir.resolve(entry.getKey() + ".jsonl.gz");
            Files.write(path, entry.getValue());
            assertThat(run("--import", path.toString(), "--mongodb-uri=" + targetUri)).as(entry.getKey()).isEqualTo(1);
            assertThat(errText().lines()).as(entry.getKey()).hasSize(1);
            messages.put(entry.getKey(), errText().strip().replace(dir + "/", ""));
            assertThat(target.listCollectionNames().into(new ArrayList<>())).as(entry.getKey()).isEmpty();
        }
        assertThat(messages.get("cut-bytes")).startsWith("crm: import refused: cut-bytes.jsonl.gz is truncated: "
                + "it ends at line");
        assertThat(messages.get("cut-lines")).startsWith("crm: import refused: cut-lines.jsonl.gz is truncated: "
                + "it ends at line " + (lines.size() - 3) + " without the export's trailer");
        assertThat(messages.get("cut-mid-line")).contains("cut-mid-line.jsonl.gz is truncated");
        assertThat(messages.get("flipped-byte")).contains("flipped-byte.jsonl.gz is corrupt");
        assertThat(messages.get("edited-document")).isEqualTo("crm: import refused: edited-document.jsonl.gz is "
                + "corrupt at line " + lines.size() + ": the content's SHA-256 is "
                + messages.get("edited-document").replaceAll(".*SHA-256 is ([0-9a-f]+),.*", "$1")
                + ", the trailer says " + lines.get(lines.size() - 1).replaceAll(".*\"sha256\": \"([0-9a-f]+)\".*",
                "$1"));
        assertThat(messages.get("foreign-text")).isEqualTo("crm: import refused: foreign-text.jsonl.gz is not a CRM "
                + "export: it is not gzip-compressed (an export is the .jsonl.gz file written by --export)");
        assertThat(messages.get("foreign-gzip")).isEqualTo("crm: import refused: foreign-gzip.jsonl.gz is not a CRM "
                + "export: its first line is not a CRM export header");
        assertThat(messages.get("empty")).contains("empty.jsonl.gz is not a CRM export");
        assertThat(messages.get("newer")).matches("crm: import refused: newer.jsonl.gz is in export format version 2 "
                + "\\(written by CRM .+\\); this CRM \\(.+\\) reads format versions up to 1: use the newer CRM to "
                + "import it");
        assertThat(run("--import", dir.resolve("missing.jsonl.gz").toString(), "--mongodb-uri=" + targetUri))
                .isEqualTo(1);
        assertThat(errText()).contains("missing.jsonl.gz does not exist");
    }

    @Test
    void exportsFromTheEmbeddedStoreAndRefusesOneInUse() throws IOException {
        Path data = dir.resolve("data");
        try (EmbeddedStore store = EmbeddedStore.start(data, "127.0.0.1", 0)) {
            seed(database(store.connectionString("crm_db")), 2);
            Path locked = dir.resolve("locked.jsonl.gz");
            assertThat(run("--export", locked.toString(), "--data-dir=" + data)).isEqualTo(1);
            assertThat(errText().strip()).isEqualTo("crm: export refused: the embedded store in "
                    + data.toAbsolutePath() + " is in use by a running CRM: stop the service first");
            assertThat(locked).doesNotExist();
        }
        Path file = dir.resolve("embedded.jsonl.gz");
        assertThat(run("--export", file.toString(), "--data-dir", data.toString())).as(errText()).isZero();
        assertThat(outText()).contains("exporting from embedded").contains("exported 3 documents");
        assertThat(new String(gunzip(Files.readAllBytes(file)), StandardCharsets.UTF_8).lines().findFirst()
                .orElseThrow()).contains("\"format\": \"crm-export\"", "\"formatVersion\": 1",
                "\"source\": \"embedded\"");
        assertThat(run("--import", file.toString(), "--mongodb-uri=" + targetUri)).as(errText()).isZero();
        assertThat(all(target, "persons")).hasSize(2);

        assertThat(run("--export", file.toString(), "--data-dir", data.toString())).isEqualTo(1);
        assertThat(errText()).contains("already exists");
        assertThat(run("--export", dir.resolve("x.gz").toString(), "--data-dir=" + dir.resolve("nothing")))
                .isEqualTo(1);
        assertThat(errText()).contains("there is no embedded store in");
        assertThat(dir.resolve("nothing")).doesNotExist();
    }

    @Test
    void usageErrorsExitWithTwo() {
        assertThat(run("--export")).isEqualTo(2);
        assertThat(errText()).contains("--export needs a value").contains("usage:");
        assertThat(run("--export", "a", "--import", "b")).isEqualTo(2);
        assertThat(run("--export", "a", "--bogus")).isEqualTo(2);
        assertThat(errText()).contains("unknown argument --bogus");
        assertThat(run("--export", "a", "--data-dir=d", "--mongodb-uri=mongodb://x")).isEqualTo(2);
    }

    @Test
    void theStoreComesFromTheEnvironmentLikeTheService() {
        var fromEnv = PortableCommand.Options.parse(new String[] {"--export", "f"}, Map.of("MONGO_URI", "mongodb://h"));
        assertThat(fromEnv.mongodbUri()).isEqualTo("mongodb://h");
        var dataDir = PortableCommand.Options.parse(new String[] {"--import", "f"}, Map.of("CRM_DATA_DIR", "/srv/crm"));
        assertThat(dataDir.dataDir()).isEqualTo(Path.of("/srv/crm"));
        assertThat(dataDir.mongodbUri()).isNull();
        var option = PortableCommand.Options.parse(new String[] {"--import", "f", "--data-dir=/d"},
                Map.of("MONGODB_URI", "mongodb://h"));
        assertThat(option.dataDir()).isEqualTo(Path.of("/d"));
        assertThat(option.mongodbUri()).isNull();
        assertThat(PortableCommand.Options.parse(new String[] {"--import", "f"}, Map.of()).dataDir())
                .isEqualTo(Path.of("./data"));
    }

    private Path export() {
        Path file = dir.resolve("export-" + System.nanoTime() + ".jsonl.gz");
        assertThat(run("--export", file.toString(), "--mongodb-uri=" + sourceUri)).as(errText()).isZero();
        return file;
    }

    private static List<BsonDocument> all(MongoDatabase db, String collection) {
        return db.getCollection(collection, BsonDocument.class).find().sort(new Document("_id", 1))
                .into(new ArrayList<>());
    }

    private static List<BsonDocument> indexes(MongoDatabase db, String collection) {
        List<BsonDocument> specs = new ArrayList<>();
        for (BsonDocument index : db.getCollection(collection).listIndexes(BsonDocument.class)) {
            specs.add(index);
        }
        specs.sort(java.util.Comparator.comparing(spec -> spec.getString("name").getValue()));
        return specs;
    }

    /** The file's lines after the header. */
    private static List<String> body(Path file) throws IOException {
        List<String> lines = new String(gunzip(Files.readAllBytes(file)), StandardCharsets.UTF_8).lines().toList();
        return lines.subList(1, lines.size() - 1);
    }

    private static byte[] gunzip(byte[] gz) throws IOException {
        try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(gz))) {
            return in.readAllBytes();
        }
    }

    private static byte[] gzip(String text) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream gz = new GZIPOutputStream(bytes)) {
            gz.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return bytes.toByteArray();
    }
}
