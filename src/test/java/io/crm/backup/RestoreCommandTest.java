package io.crm.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.crm.store.EmbeddedStore;
import org.bson.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/** Restores: only a crm backup that is whole, of a format this service reads, into an empty directory. */
class RestoreCommandTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path dir;

    private Path backup;
    private BackupManifest manifest;
    private Path target;

    @BeforeEach
    void aBackup() throws IOException {
        Path copy = dir.resolve("copy.mv");
        try (EmbeddedStore store = EmbeddedStore.start(dir.resolve("live"), "127.0.0.1", 0);
             MongoClient client = MongoClients.create(store.connectionString("crm_db"))) {
            for (int i = 0; i < 10; i++) {
                client.getDatabase("crm_db").getCollection("people").insertOne(new Document("person_id", "p" + i));
            }
            store.snapshot(copy);
        }
        manifest = manifest(BackupManifest.FORMAT, BackupManifest.FORMAT_VERSION, copy,
                Map.of("crm_db.people", 10L));
        backup = dir.resolve("crm-20261204T030000.000Z.zip");
        BackupArchive.write(backup, manifest, copy);
        target = dir.resolve("restored");
    }

    private static BackupManifest manifest(String format, int version, Path storeFile, Map<String, Long> documents)
            throws IOException {
        return new BackupManifest(format, version, "1.2.3", Instant.parse("2026-12-04T03:00:00Z"), 0.5,
                BackupArchive.STORE_FILE, Files.size(storeFile), BackupArchive.sha256(storeFile), documents);
    }

    @Test
    void restoresIntoANewDirectoryAndTheServiceStartsOnIt() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String[] rest = RestoreCommand.restore(new String[] {"--restore", backup.toString(), "--data-dir",
                target.toString(), "--server.port=0"}, Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8));
        assertThat(rest).containsExactly("--server.port=0", "--crm.data-dir=" + target.toAbsolutePath());
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("10 documents in 1 collections");
        assertThat(EmbeddedStore.documents(target.resolve(EmbeddedStore.FILE_NAME)))
                .isEqualTo(Map.of("crm_db.people", 10L));
        try (EmbeddedStore store = EmbeddedStore.start(target, "127.0.0.1", 0);
             MongoClient client = MongoClients.create(store.connectionString("crm_db"))) {
            assertThat(client.getDatabase("crm_db").getCollection("people").countDocuments()).isEqualTo(10);
        }
    }

    @Test
    void theDataDirectoryMayComeFromTheEnvironmentAndAnEmptyOneIsFine() throws IOException {
        Files.createDirectories(target);
        String[] rest = RestoreCommand.restore(new String[] {"--restore=" + backup}, Map.of("CRM_DATA_DIR",
                target.toString()), new PrintStream(OutputStream.nullOutputStream()));
        assertThat(rest).containsExactly("--crm.data-dir=" + target.toAbsolutePath());
        assertThat(target.resolve(EmbeddedStore.FILE_NAME)).exists();
    }

    @Test
    void neverOverwritesData() throws IOException {
        Files.createDirectories(target);
        Files.writeString(target.resolve(EmbeddedStore.FILE_NAME), "precious");
        assertRefused(backup, "is not empty");
        assertThat(target.resolve(EmbeddedStore.FILE_NAME)).hasContent("precious");
    }

    @Test
    void refusesAForeignFile() throws IOException {
        Path text = Files.writeString(dir.resolve("notes.zip"), "these are not the backups you are looking for");
        assertRefused(text, "not a crm backup");
        Path zip = zip(dir.resolve("other.zip"), Map.of("readme.txt", "hello".getBytes(StandardCharsets.UTF_8)));
        assertRefused(zip, "no manifest.json");
        Path otherFormat = zip(dir.resolve("other-format.zip"), Map.of(BackupArchive.MANIFEST,
                "{\"format\":\"something-else\",\"formatVersion\":1}".getBytes(StandardCharsets.UTF_8)));
        assertRefused(otherFormat, "format 'something-else'");
        Path garbled = zip(dir.resolve("garbled.zip"), Map.of(BackupArchive.MANIFEST,
                "{not json".getBytes(StandardCharsets.UTF_8)));
        assertRefused(garbled, "unreadable manifest.json");
        assertRefused(dir.resolve("missing.zip"), "does not exist");
    }

    @Test
    void refusesANewerFormatSayingWhichServiceWroteIt() throws IOException {
        Path copy = extracted();
        BackupManifest newer = manifest(BackupManifest.FORMAT, BackupManifest.FORMAT_VERSION + 1, copy,
                manifest.documents());
        Path file = dir.resolve("newer.zip");
        BackupArchive.write(file, newer, copy);
        assertRefused(file, "format version 2, newer than this service reads (1)");
        assertRefused(file, "1.2.3");
    }

    @Test
    void refusesATruncatedFile() throws IOException {
        byte[] whole = Files.readAllBytes(backup);
        for (int length : new int[] {whole.length / 2, whole.length - 30, 100}) {
            Path truncated = Files.write(dir.resolve("truncated-" + length + ".zip"),
                    java.util.Arrays.copyOf(whole, length));
            assertRefused(truncated, "");
        }
    }

    @Test
    void refusesACorruptedStoreFile() throws IOException {
        Path copy = extracted();
        byte[] bytes = Files.readAllBytes(copy);
        bytes[bytes.length / 2] ^= 0x5a;
        Path flipped = Files.write(dir.resolve("flipped.mv"), bytes);
        Path file = dir.resolve("corrupted.zip");
        // the manifest of the good copy with the damaged store file: the checksum tells them apart
        BackupArchive.write(file, manifest, flipped);
        assertRefused(file, "is corrupted");
    }

    @Test
    void refusesAStoreFileThatDoesNotHoldWhatTheManifestSays() throws IOException {
        Path copy = extracted();
        Path file = dir.resolve("miscounted.zip");
        BackupArchive.write(file, manifest(BackupManifest.FORMAT, BackupManifest.FORMAT_VERSION, copy,
                Map.of("crm_db.people", 11L)), copy);
        assertRefused(file, "does not hold what its manifest says");
    }

    @Test
    void needsAFileAndADirectory() {
        assertThatThrownBy(() -> RestoreCommand.restore(new String[] {"--restore", backup.toString()}, Map.of(),
                new PrintStream(OutputStream.nullOutputStream()))).isInstanceOf(RestoreCommand.Usage.class)
                .hasMessageContaining("usage");
        assertThatThrownBy(() -> RestoreCommand.restore(new String[] {"--data-dir", "x", "--restore"}, Map.of(),
                new PrintStream(OutputStream.nullOutputStream()))).isInstanceOf(RestoreCommand.Usage.class)
                .hasMessageContaining("--restore needs a value");
    }

    /** Refused with the message, and the target directory is as before: not there. */
    private void assertRefused(Path file, String message) {
        assertThatThrownBy(() -> RestoreCommand.restore(file, target)).isInstanceOf(BackupException.class)
                .hasMessageContaining(message);
        if (!Files.exists(target.resolve(EmbeddedStore.FILE_NAME))
                || !"precious".equals(readQuietly(target.resolve(EmbeddedStore.FILE_NAME)))) {
            assertThat(target).doesNotExist();
        }
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return null;
        }
    }

    private Path extracted() throws IOException {
        Path copy = dir.resolve("extracted.mv");
        try (ZipFile zip = new ZipFile(backup.toFile())) {
            Files.copy(zip.getInputStream(zip.getEntry(BackupArchive.STORE_FILE)), copy);
        }
        return copy;
    }

    private static Path zip(Path file, Map<String, byte[]> entries) throws IOException {
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
            for (var entry : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(entry.getKey()));
                zip.write(entry.getValue());
                zip.closeEntry();
            }
        }
        return file;
    }

    @Test
    void theManifestIsPlainJsonAnOperatorCanRead() throws IOException {
        try (ZipFile zip = new ZipFile(backup.toFile())) {
            var json = JSON.readTree(zip.getInputStream(zip.getEntry(BackupArchive.MANIFEST)));
            assertThat(json.get("format").asString()).isEqualTo(BackupManifest.FORMAT);
            assertThat(json.get("createdAt").asString()).isEqualTo("2026-12-04T03:00:00Z");
            assertThat(json.get("documents").get("crm_db.people").asLong()).isEqualTo(10);
            assertThat(zip.stream().map(ZipEntry::getName)).containsExactly(BackupArchive.MANIFEST,
                    BackupArchive.STORE_FILE);
        }
    }
}
