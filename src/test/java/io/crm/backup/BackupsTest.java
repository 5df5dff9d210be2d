package io.crm.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import io.crm.store.EmbeddedStore;
import io.crm.support.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.awaitility.Awaitility;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

class BackupsTest {

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-04T03:00:00Z"));
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private EmbeddedStore store;
    private MongoClient client;
    private MongoDatabase database;

    @BeforeEach
    void start() {
        store = EmbeddedStore.start(dir.resolve("data"), "127.0.0.1", 0);
        client = MongoClients.create(store.connectionString("crm_db"));
        database = client.getDatabase("crm_db");
        database.getCollection("people").createIndex(Indexes.ascending("person_id"), new IndexOptions().unique(true));
        for (int i = 0; i < 25; i++) {
            database.getCollection("people").insertOne(new Document("person_id", "p" + i));
        }
        database.getCollection("contacts").insertOne(new Document("name", "Ada"));
    }

    @AfterEach
    void stop() {
        client.close();
        store.close();
    }

    private Backups backups(String schedule, int keep) {
        return new Backups(new BackupProperties(schedule, dir.resolve("backups"), keep), Optional.of(store), clock,
                "1.2.3", meters);
    }

    private Backup completed(Backups backups) {
        Backup started = backups.start();
        assertThat(started.status()).isEqualTo(Backup.Status.RUNNING);
        Awaitility.await().atMost(Duration.ofSeconds(30))
                .until(() -> backups.get(started.name()).orElseThrow().status() != Backup.Status.RUNNING);
        return backups.get(started.name()).orElseThrow();
    }

    @Test
    void aBackupIsOneFileWithAManifestOfWhatItHolds() throws Exception {
        try (Backups backups = backups("", 7)) {
            Backup backup = completed(backups);
            assertThat(backup.status()).isEqualTo(Backup.Status.COMPLETED);
            Path file = dir.resolve("backups").resolve(backup.fileName());
            assertThat(backup.size()).isEqualTo(Files.size(file)).isPositive();
            BackupManifest manifest = backup.manifest();
            assertThat(manifest.format()).isEqualTo(BackupManifest.FORMAT);
            assertThat(manifest.formatVersion()).isEqualTo(BackupManifest.FORMAT_VERSION);
            assertThat(manifest.serviceVersion()).isEqualTo("1.2.3");
            assertThat(manifest.createdAt()).isEqualTo(clock.instant());
            assertThat(manifest.documents()).isEqualTo(Map.of("crm_db.people", 25L, "crm_db.contacts", 1L));
            assertThat(manifest.pauseMillis()).isGreaterThanOrEqualTo(0);
            try (var listed = Files.list(dir.resolve("backups"))) {
                assertThat(listed.map(p -> p.getFileName().toString())).containsExactly(backup.fileName());
            }
            assertThat(meters.get("crm.backups").tag("result", "completed").counter().count()).isEqualTo(1);
            assertThat(meters.get("crm.backup.last.completed").gauge().value())
                    .isEqualTo(backup.startedAt().getEpochSecond());

            Path restored = dir.resolve("restored");
            assertThat(RestoreCommand.restore(file, restored).documents()).isEqualTo(manifest.documents());
            assertThat(EmbeddedStore.documents(restored.resolve(EmbeddedStore.FILE_NAME)))
                    .isEqualTo(manifest.documents());
        }
    }

    @Test
    void keepsTheNewestAndListsNewestFirst() throws Exception {
        try (Backups backups = backups("", 2)) {
            Backup first = completed(backups);
            clock.advance(Duration.ofMinutes(1));
            Backup second = completed(backups);
            clock.advance(Duration.ofMinutes(1));
            database.getCollection("contacts").insertOne(new Document("name", "Grace"));
            Backup third = completed(backups);
            assertThat(backups.list()).extracting(Backup::name).containsExactly(third.name(), second.name());
            assertThat(backups.get(first.name())).isEmpty();
            assertThat(third.manifest().documents()).containsEntry("crm_db.contacts", 2L);
            assertThat(backups.lastCompleted()).map(Backup::name).contains(third.name());
        }
    }

    @Test
    void oneAtATime() throws Exception {
        try (Backups backups = backups("", 7)) {
            Backup started = backups.start();
            // the same instant would be the same name; a second start is refused while the first runs
            clock.advance(Duration.ofMillis(1));
            if (backups.get(started.name()).orElseThrow().status() == Backup.Status.RUNNING) {
                assertThatThrownBy(backups::start).isInstanceOf(Backups.AlreadyRunning.class)
                        .hasMessageContaining(started.name());
            }
            Awaitility.await().atMost(Duration.ofSeconds(30))
                    .until(() -> backups.get(started.name()).orElseThrow().status() == Backup.Status.COMPLETED);
        }
    }

    @Test
    void anInterruptedBackupIsListedAsFailedUntilANewerOneCompletes() throws Exception {
        Path backupDir = Files.createDirectories(dir.resolve("backups"));
        // what a kill -9 in the middle leaves: the partial archive and the store copy
        Files.writeString(backupDir.resolve("crm-20261204T020000.000Z.zip.partial"), "PK half");
        Files.writeString(backupDir.resolve("crm-20261204T020000.000Z.mv.tmp"), "half a store");
        try (Backups backups = backups("", 7)) {
            assertThat(Files.exists(backupDir.resolve("crm-20261204T020000.000Z.mv.tmp"))).isFalse();
            List<Backup> listed = backups.list();
            assertThat(listed).singleElement().satisfies(b -> {
                assertThat(b.status()).isEqualTo(Backup.Status.FAILED);
                assertThat(b.error()).contains("interrupted");
                assertThat(b.startedAt()).isEqualTo(Instant.parse("2026-12-04T02:00:00Z"));
            });
            assertThat(backups.lastCompleted()).isEmpty();
            Backup good = completed(backups);
            assertThat(backups.list()).extracting(Backup::name).containsExactly(good.name());
        }
    }

    @Test
    void aDamagedFileIsListedAsFailedNotCompleted() throws Exception {
        Path backupDir = Files.createDirectories(dir.resolve("backups"));
        Files.writeString(backupDir.resolve("crm-20261204T020000.000Z.zip"), "not a zip");
        try (Backups backups = backups("", 7)) {
            assertThat(backups.list()).singleElement().satisfies(b -> {
                assertThat(b.status()).isEqualTo(Backup.Status.FAILED);
                assertThat(b.error()).contains("not a crm backup");
            });
        }
    }

    @Test
    void staleWhenTheScheduledRunIsOverdueByAWholeInterval() throws Exception {
        try (Backups backups = backups("0 0 3 * * *", 7)) {
            assertThat(backups.freshness().stale()).isFalse();
            assertThat(backups.freshness().due()).isEqualTo(Instant.parse("2026-12-05T03:00:00Z"));
            clock.advance(Duration.ofHours(47));
            assertThat(backups.freshness().stale()).as("the 05T03:00 run may still be running until 06T03:00")
                    .isFalse();
            clock.advance(Duration.ofHours(2));
            assertThat(backups.freshness().stale()).isTrue();
            Backup taken = completed(backups);
            assertThat(backups.freshness()).satisfies(f -> {
                assertThat(f.stale()).isFalse();
                assertThat(f.last().name()).isEqualTo(taken.name());
                assertThat(f.due()).isEqualTo(Instant.parse("2026-12-07T03:00:00Z"));
            });
        }
    }

    @Test
    void theScheduleTakesBackupsOnceTheServiceIsReady() throws Exception {
        ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();
        scheduler.initialize();
        BackupProperties everySecond = new BackupProperties("* * * * * *", dir.resolve("backups"), 2);
        try (Backups backups = new Backups(everySecond, Optional.of(store), Clock.systemUTC(), "1.2.3", meters)) {
            new BackupConfiguration().backupSchedule(backups, everySecond, scheduler).onApplicationEvent(null);
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> backups.list().stream()
                    .filter(b -> b.status() == Backup.Status.COMPLETED).count() == 2);
        } finally {
            scheduler.shutdown();
        }
    }

    @Test
    void aScheduleOnMongoDbTakesNothing() throws Exception {
        ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();
        scheduler.initialize();
        BackupProperties everySecond = new BackupProperties("* * * * * *", dir.resolve("backups"), 2);
        try (Backups backups = new Backups(everySecond, Optional.empty(), clock, "1.2.3", meters)) {
            new BackupConfiguration().backupSchedule(backups, everySecond, scheduler).onApplicationEvent(null);
            assertThat(scheduler.getScheduledThreadPoolExecutor().getQueue()).isEmpty();
        } finally {
            scheduler.shutdown();
        }
    }

    @Test
    void withoutAScheduleNothingIsPromised() throws Exception {
        try (Backups backups = backups("", 7)) {
            clock.advance(Duration.ofDays(400));
            assertThat(backups.freshness().stale()).isFalse();
            assertThat(backups.freshness().due()).isNull();
        }
    }

    @Test
    void onMongoDbBackupsAreRefusedWithWhereToLook() throws Exception {
        try (Backups backups = new Backups(new BackupProperties("", dir.resolve("backups"), 7), Optional.empty(),
                clock, "1.2.3", meters)) {
            assertThat(backups.available()).isFalse();
            assertThatThrownBy(backups::start).isInstanceOf(BackupException.class).hasMessageContaining("mongodump");
            assertThat(backups.list()).isEmpty();
        }
    }
}
