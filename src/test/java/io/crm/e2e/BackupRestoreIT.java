package io.crm.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.ZipFile;

import io.crm.support.Http;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Backups of the embedded store on the packaged jar: one taken while clients write holds every write acknowledged
 * before it started and restores (with {@code --restore}) into a service that serves them; a backup cut short by
 * {@code kill -9} is listed as failed, the earlier ones are unchanged and the store lost nothing; a restore into a
 * directory holding data, or of a damaged file, is refused with a clear message and changes nothing.
 */
class BackupRestoreIT {

    private static final int WRITERS = 4;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path tmp;

    private final String password = ServiceProcess.randomPassword();
    private final List<ServiceProcess> services = new ArrayList<>();

    @AfterEach
    void stop() {
        services.forEach(ServiceProcess::close);
    }

    private ServiceProcess start(Path dataDir, List<String> args) throws IOException {
        return start(dataDir, args, Map.of());
    }

    private ServiceProcess start(Path dataDir, List<String> args, Map<String, String> env) throws IOException {
        Map<String, String> all = new java.util.HashMap<>(env);
        all.put("CRM_MAX_BULK", "1000");
        ServiceProcess service = ServiceProcess.start(dataDir, ServiceProcess.withAdmin(password, all),
                Duration.ofSeconds(90), args);
        services.add(service);
        return service;
    }

    @Test
    void aBackupUnderWritesRestoresEveryAcknowledgedWriteAndAKilledOneIsMarkedFailed() throws Exception {
        Path data = tmp.resolve("data");
        ServiceProcess service = start(data, List.of());
        String token = service.token(ServiceProcess.ADMIN_EMAIL, password);
        Http api = service.http().withToken(token);
        seed(api, 5_000);

        // --- a backup while four clients write
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
        List<Future<?>> writers = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            int writer = w;
            writers.add(pool.submit(() -> {
                for (int i = 0; !stop.get(); i++) {
                    Http.Response created = api.post("/api/v1/contacts", Map.of("name", "Writer " + writer + " " + i,
                            "email", "w" + writer + "-" + i + "@example.test"));
                    assertThat(created.status()).as("create during the backup").isEqualTo(201);
                    acknowledged.add(created.json().get("id").asString());
                }
            }));
        }
        Set<String> before;
        JsonNode backup;
        try {
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> acknowledged.size() >= 100);
            before = Set.copyOf(acknowledged);
            Http.Response started = api.post("/api/v1/admin/backups", Map.of());
            assertThat(started.status()).isEqualTo(202);
            String location = started.header("Location").orElseThrow();
            assertThat(api.post("/api/v1/admin/backups", Map.of()).status()).as("one at a time").isIn(202, 409);
            backup = awaitDone(api, location);
            stop.set(true);
            for (Future<?> writer : writers) {
                writer.get();
            }
        } finally {
            stop.set(true);
            pool.shutdownNow();
        }
        assertThat(backup.get("status").asString()).isEqualTo("completed");
        // legacy persons and v1 contacts share the original's collection
        long people = backup.get("documents").get("crm_db.persons").asLong();
        assertThat(people).as("the seed and the contacts acknowledged before the backup")
                .isGreaterThanOrEqualTo(5_000 + before.size());
        System.out.printf("backup under %d writers: %d documents, store paused %.2f ms, %d writes acknowledged "
                + "before it started, %d in all%n", WRITERS, sum(backup.get("documents")),
                backup.get("pauseMillis").asDouble(), before.size(), acknowledged.size());

        // downloaded through the API, byte for byte the file the manifest describes
        Path downloaded = download(service, token, backup.get("name").asString());
        assertThat(sha256(storeEntry(downloaded))).isEqualTo(backup.get("sha256").asString());

        // --- restored into a new directory, the service starts on it and serves what was acknowledged
        Path restoredDir = tmp.resolve("restored");
        long restoreStarted = System.nanoTime();
        ServiceProcess restored = start(restoredDir, List.of("--restore", downloaded.toString(), "--data-dir",
                restoredDir.toString()));
        long restoreMillis = (System.nanoTime() - restoreStarted) / 1_000_000;
        assertThat(restored.logText()).contains("Restored " + downloaded,
                sum(backup.get("documents")) + " documents in " + backup.get("documents").size() + " collections");
        Http restoredApi = restored.api(password);
        for (String id : before) {
            Http.Response contact = restoredApi.get("/api/v1/contacts/" + id);
            assertThat(contact.status()).as("contact %s acknowledged before the backup", id).isEqualTo(200);
            // whole: the fields of its one write, nothing half-written
            assertThat(contact.json().get("email").asString()).startsWith("w").endsWith("@example.test");
            assertThat(contact.json().get("version").asLong()).isEqualTo(1);
        }
        assertThat(restoredApi.get("/stats").json().get("total_persons").asLong()).isEqualTo(people);
        System.out.printf("restore of %d documents and start to ready: %d ms%n", sum(backup.get("documents")),
                restoreMillis);

        // --- refused restores change nothing
        ServiceProcess.Finished overwrite = ServiceProcess.run(Map.of(), Duration.ofSeconds(60), "--restore",
                downloaded.toString(), "--data-dir", data.toString());
        assertThat(overwrite.exitCode()).isEqualTo(1);
        assertThat(overwrite.output()).contains("Restore refused:", "is not empty").doesNotContain("Exception");
        Path truncated = Files.write(tmp.resolve("truncated.zip"), java.util.Arrays.copyOf(
                Files.readAllBytes(downloaded), (int) (Files.size(downloaded) / 2)));
        Path empty = tmp.resolve("never-created");
        ServiceProcess.Finished damaged = ServiceProcess.run(Map.of(), Duration.ofSeconds(60), "--restore",
                truncated.toString(), "--data-dir", empty.toString());
        assertThat(damaged.exitCode()).isEqualTo(1);
        assertThat(damaged.output()).contains("Restore refused:", "not a crm backup");
        assertThat(empty).doesNotExist();

        // --- kill -9 in the middle of a backup
        Path backups = data.resolve("backups");
        String completedBefore = sha256(backups.resolve(backup.get("file").asString()));
        long peopleBefore = api.get("/stats").json().get("total_persons").asLong();
        String killed = killDuringBackup(service, api, backups);
        ServiceProcess again = start(data, List.of());
        Http after = again.api(password);
        JsonNode listed = after.get("/api/v1/admin/backups").json().get("items");
        JsonNode failed = find(listed, killed);
        assertThat(failed.get("status").asString()).isEqualTo("failed");
        assertThat(failed.get("error").asString()).contains("interrupted");
        assertThat(find(listed, backup.get("name").asString()).get("status").asString()).isEqualTo("completed");
        assertThat(sha256(backups.resolve(backup.get("file").asString()))).as("earlier backup unchanged")
                .isEqualTo(completedBefore);
        try (DirectoryStream<Path> copies = Files.newDirectoryStream(backups, "*.mv.tmp")) {
            assertThat(copies).as("the killed backup's store copy is cleaned up").isEmpty();
        }
        assertThat(backups.resolve(killed + ".zip.partial")).as("kept, so it is listed").exists();
        assertThat(after.get("/stats").json().get("total_persons").asLong()).isEqualTo(peopleBefore);
        for (String id : acknowledged) {
            assertThat(after.get("/api/v1/contacts/" + id).status()).isEqualTo(200);
        }
        // the next backup completes and supersedes the failed one
        JsonNode next = awaitDone(after, after.post("/api/v1/admin/backups", Map.of()).header("Location")
                .orElseThrow());
        assertThat(next.get("status").asString()).isEqualTo("completed");
        JsonNode now = after.get("/api/v1/admin/backups").json().get("items");
        assertThat(now.findValuesAsString("name")).contains(next.get("name").asString()).doesNotContain(killed);

        // the admin page shows the newest backup's age
        String page = after.get("/admin/backups", "Accept", "text/html").body();
        assertThat(page).contains("Newest backup:", "less than a minute", next.get("name").asString());
    }

    /** Kills the service while a backup is being written; returns the backup's name. Retries if it was too quick. */
    private String killDuringBackup(ServiceProcess service, Http api, Path backups) throws Exception {
        for (int attempt = 0; attempt < 5; attempt++) {
            Http.Response started = api.post("/api/v1/admin/backups", Map.of());
            assertThat(started.status()).isEqualTo(202);
            String name = started.json().get("name").asString();
            Path partial = backups.resolve(name + ".zip.partial");
            Path copy = backups.resolve(name + ".mv.tmp");
            // polled every millisecond: the copy exists for about a second at this size
            Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(1)).pollInSameThread()
                    .until(() -> !Files.exists(partial) || Files.exists(copy));
            if (Files.exists(partial)) {
                service.kill(Duration.ofSeconds(30));
                if (!Files.exists(backups.resolve(name + ".zip"))) {
                    return name;
                }
                throw new AssertionError("backup " + name + " completed as it was killed: cannot test this run");
            }
            awaitDone(api, started.header("Location").orElseThrow());
        }
        throw new AssertionError("every backup finished before it could be killed");
    }

    private static JsonNode awaitDone(Http api, String location) {
        return Awaitility.await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(50))
                .until(() -> api.get(location).json(), b -> !b.get("status").asString().equals("running"));
    }

    private static void seed(Http api, int persons) {
        for (int b = 0; b < persons / 1000; b++) {
            List<Map<String, Object>> batch = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                batch.add(Map.of("person_id", "seed-" + b + "-" + i, "name", "Seed " + b + " " + i,
                        "email", "seed-" + b + "-" + i + "@example.test"));
            }
            assertThat(api.post("/person/bulk", batch).status()).isEqualTo(201);
        }
    }

    private Path download(ServiceProcess service, String token, String name) throws Exception {
        Path file = tmp.resolve(name + ".zip");
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.port
                + "/api/v1/admin/backups/" + name + "/file")).header("Authorization", "Bearer " + token).build();
        HttpResponse<Path> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofFile(file));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Disposition").orElseThrow()).contains(name + ".zip");
        return file;
    }

    private Path storeEntry(Path backup) throws IOException {
        Path store = tmp.resolve("entry-" + backup.getFileName() + ".mv");
        try (ZipFile zip = new ZipFile(backup.toFile()); InputStream in = zip.getInputStream(zip.getEntry("crm.mv"))) {
            Files.copy(in, store);
        }
        return store;
    }

    private static JsonNode find(JsonNode items, String name) {
        for (JsonNode item : items) {
            if (item.get("name").asString().equals(name)) {
                return item;
            }
        }
        throw new AssertionError("backup " + name + " not listed in " + items);
    }

    private static long sum(JsonNode documents) {
        long sum = 0;
        for (JsonNode count : documents) {
            sum += count.asLong();
        }
        return sum;
    }

    private static String sha256(Path file) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[65536];
            for (int n; (n = in.read(buffer)) > 0; ) {
                sha.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }
}
