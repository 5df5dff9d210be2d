package io.crm.backup;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.crm.store.EmbeddedStore;
import io.crm.store.StoreSnapshot;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.scheduling.support.CronExpression;

/**
 * Takes backups of the embedded store, one at a time, in the background, and keeps the newest {@code keep}. A backup
 * is written as {@code <name>.zip.partial} and renamed to {@code <name>.zip} only once complete and on disk, so a
 * backup interrupted at any point (even by {@code kill -9}) is never mistaken for a good one: it stays listed as
 * failed until a newer backup completes. A backup that fails in the process becomes {@code <name>.failed}, holding
 * the reason.
 */
public class Backups implements AutoCloseable {

    static final String COMPLETED = ".zip";
    static final String PARTIAL = ".zip.partial";
    static final String FAILED = ".failed";
    static final String COPY = ".mv.tmp";
    private static final String PREFIX = "crm-";
    private static final DateTimeFormatter NAME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    private static final Logger log = LoggerFactory.getLogger(Backups.class);

    private final BackupProperties properties;
    private final Optional<EmbeddedStore> store;
    private final Clock clock;
    private final String serviceVersion;
    private final Instant since;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> new Thread(r, "crm-backup"));
    private final AtomicReference<String> running = new AtomicReference<>();
    private final MeterRegistry meters;
    private final Timer pause;

    public Backups(BackupProperties properties, Optional<EmbeddedStore> store, Clock clock, String serviceVersion,
                   MeterRegistry meters) {
        this.properties = properties;
        this.store = store;
        this.clock = clock;
        this.serviceVersion = serviceVersion;
        this.meters = meters;
        this.since = clock.instant();
        this.pause = Timer.builder("crm.backup.pause")
                .description("How long the embedded store held commands back to fix a backup's version")
                .register(meters);
        meters.gauge("crm.backup.last.completed", this, backups -> backups.lastCompleted()
                .map(b -> b.startedAt().toEpochMilli() / 1000.0).orElse(Double.NaN));
        removeLeftoverCopies();
    }

    /** Backups are of the embedded store; with a MongoDB they are mongodump's job. */
    public boolean available() {
        return store.isPresent();
    }

    /** Starts a backup in the background; refused while one runs, or without the embedded store. */
    public Backup start() {
        if (store.isEmpty()) {
            throw new BackupException("the service runs on MongoDB: back it up with mongodump (see docs/deploy.md, "
                    + "Backup and restore); these backups are of the embedded store");
        }
        String name = PREFIX + NAME.format(clock.instant());
        if (!running.compareAndSet(null, name)) {
            throw new AlreadyRunning(running.get());
        }
        Path partial = properties.dir().resolve(name + PARTIAL);
        try {
            Files.createDirectories(properties.dir());
            // At once, so that a backup cut short by a crash is listed (as failed) from its first instant.
            Files.createFile(partial);
        } catch (IOException e) {
            running.set(null);
            throw new BackupException("cannot write to the backup directory " + properties.dir().toAbsolutePath()
                    + ": " + e.getMessage(), e);
        }
        worker.execute(() -> run(name));
        return new Backup(name, Backup.Status.RUNNING, startedAt(name), 0, null, null);
    }

    /** The schedule's run: starts a backup, or logs why not (one still running, or no embedded store). */
    void runScheduled() {
        try {
            Backup started = start();
            log.info("Scheduled backup {} started", started.name());
        } catch (AlreadyRunning e) {
            log.warn("Scheduled backup skipped: backup {} is still running", e.name());
        } catch (BackupException e) {
            log.error("Scheduled backup not started: {}", e.getMessage());
        }
    }

    private void run(String name) {
        Path dir = properties.dir();
        Path copy = dir.resolve(name + COPY);
        Path partial = dir.resolve(name + PARTIAL);
        long started = System.nanoTime();
        try {
            Instant fixedAt = clock.instant();
            StoreSnapshot snapshot = store.orElseThrow().snapshot(copy);
            pause.record(snapshot.pause());
            BackupManifest manifest = new BackupManifest(BackupManifest.FORMAT, BackupManifest.FORMAT_VERSION,
                    serviceVersion, fixedAt, snapshot.pauseNanos() / 1e6, BackupArchive.STORE_FILE,
                    Files.size(copy), BackupArchive.sha256(copy), snapshot.documents());
            BackupArchive.write(partial, manifest, copy);
            Files.move(partial, dir.resolve(name + COMPLETED), StandardCopyOption.ATOMIC_MOVE);
            forceDirectory(dir);
            // listed as completed from the rename on, so another may start now (it runs after this one's pruning)
            running.compareAndSet(name, null);
            meters.counter("crm.backups", "result", "completed").increment();
            log.info("Backup {} completed: {} documents, store paused {} ms, {} ms in all", name,
                    manifest.totalDocuments(), String.format("%.1f", manifest.pauseMillis()),
                    Duration.ofNanos(System.nanoTime() - started).toMillis());
            prune();
        } catch (IOException | RuntimeException e) {
            meters.counter("crm.backups", "result", "failed").increment();
            log.error("Backup {} failed", name, e);
            markFailed(name, e);
        } finally {
            deleteQuietly(copy);
            running.compareAndSet(name, null);
        }
    }

    private void markFailed(String name, Exception e) {
        Path dir = properties.dir();
        try {
            Files.writeString(dir.resolve(name + FAILED), String.valueOf(e.getMessage()), StandardCharsets.UTF_8);
            Files.deleteIfExists(dir.resolve(name + PARTIAL));
        } catch (IOException io) {
            // The .partial file stays and is listed as failed anyway.
            log.warn("Cannot record the failure of backup {}: {}", name, io.getMessage());
        }
    }

    /** Every backup in the directory, newest first. */
    public List<Backup> list() {
        List<Backup> backups = new ArrayList<>();
        Path dir = properties.dir();
        if (!Files.isDirectory(dir)) {
            return backups;
        }
        Map<String, Backup> byName = new HashMap<>();
        // Read before the directory: a backup finishing between the two has its .zip in place before it stops
        // running, so a .partial listed here belongs to a backup still running then, or to a failed one. Read
        // after, a .partial listed just before the rename was taken for a failed backup.
        String runningBefore = running.get();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, PREFIX + "*")) {
            for (Path file : files) {
                // a failing backup has its .failed file for an instant before its .partial one goes
                describe(file, runningBefore).ifPresent(b -> byName.merge(b.name(), b,
                        (one, other) -> one.status() == Backup.Status.RUNNING ? other : one));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
        backups.addAll(byName.values());
        backups.sort(Comparator.comparing(Backup::startedAt).reversed());
        return backups;
    }

    public Optional<Backup> get(String name) {
        return list().stream().filter(b -> b.name().equals(name)).findFirst();
    }

    /** The file of a completed backup, for download. */
    public Optional<Path> file(String name) {
        return get(name).filter(b -> b.status() == Backup.Status.COMPLETED)
                .map(b -> properties.dir().resolve(b.fileName()));
    }

    public Optional<Backup> lastCompleted() {
        return list().stream().filter(b -> b.status() == Backup.Status.COMPLETED).findFirst();
    }

    /**
     * Whether the newest backup is as recent as the schedule promises: the run due after it must have had until
     * the next one to finish. Without a schedule backups are only taken on request and nothing is promised.
     */
    public Freshness freshness() {
        Optional<Backup> last = lastCompleted();
        Instant now = clock.instant();
        CronExpression cron = properties.cron();
        if (cron == null) {
            return new Freshness(last.orElse(null), null, false);
        }
        Instant from = last.map(Backup::startedAt).orElse(since);
        Instant due = next(cron, from);
        Instant late = due == null ? null : next(cron, due);
        boolean stale = late != null && now.isAfter(late);
        return new Freshness(last.orElse(null), due, stale);
    }

    /**
     * @param last  the newest completed backup, or null
     * @param due   when the schedule is due to take the next one after it, or null without a schedule
     * @param stale true when a scheduled backup is overdue by more than one interval
     */
    public record Freshness(Backup last, Instant due, boolean stale) {
    }

    private static Instant next(CronExpression cron, Instant after) {
        var next = cron.next(after.atZone(ZoneOffset.UTC));
        return next == null ? null : next.toInstant();
    }

    private Optional<Backup> describe(Path file, String runningBefore) {
        String fileName = file.getFileName().toString();
        String name;
        Backup.Status status;
        if (fileName.endsWith(COMPLETED)) {
            name = strip(fileName, COMPLETED);
            status = Backup.Status.COMPLETED;
        } else if (fileName.endsWith(PARTIAL)) {
            name = strip(fileName, PARTIAL);
            status = name.equals(runningBefore) ? Backup.Status.RUNNING : Backup.Status.FAILED;
        } else if (fileName.endsWith(FAILED)) {
            name = strip(fileName, FAILED);
            status = Backup.Status.FAILED;
        } else {
            return Optional.empty();
        }
        Instant startedAt = startedAt(name);
        if (startedAt == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(switch (status) {
                case COMPLETED -> completed(name, file, startedAt);
                case RUNNING -> new Backup(name, status, startedAt, 0, null, null);
                case FAILED -> new Backup(name, status, startedAt, 0, null, fileName.endsWith(FAILED)
                        ? Files.readString(file, StandardCharsets.UTF_8)
                        : "interrupted: the service stopped before the backup was complete");
            });
        } catch (IOException e) {
            // deleted while we listed (pruned): not there any more
            return Optional.empty();
        }
    }

    private static Backup completed(String name, Path file, Instant startedAt) throws IOException {
        long size = Files.size(file);
        try {
            return new Backup(name, Backup.Status.COMPLETED, startedAt, size, BackupArchive.manifest(file), null);
        } catch (BackupException damaged) {
            return new Backup(name, Backup.Status.FAILED, startedAt, size, null, damaged.getMessage());
        }
    }

    /** Keeps the newest {@code keep} completed backups, and failed ones only while no newer backup completed. */
    private void prune() {
        List<Backup> completed = list().stream().filter(b -> b.status() == Backup.Status.COMPLETED).toList();
        for (Backup old : completed.subList(Math.min(properties.keep(), completed.size()), completed.size())) {
            deleteQuietly(properties.dir().resolve(old.fileName()));
        }
        if (completed.isEmpty()) {
            return;
        }
        Instant newest = completed.get(0).startedAt();
        for (Backup backup : list()) {
            if (backup.status() == Backup.Status.FAILED && backup.startedAt().isBefore(newest)) {
                deleteQuietly(properties.dir().resolve(backup.name() + PARTIAL));
                deleteQuietly(properties.dir().resolve(backup.name() + FAILED));
            }
        }
    }

    /** The store copies of backups a crash interrupted: useless, and as large as the store. */
    private void removeLeftoverCopies() {
        if (!Files.isDirectory(properties.dir())) {
            return;
        }
        try (DirectoryStream<Path> copies = Files.newDirectoryStream(properties.dir(), PREFIX + "*" + COPY)) {
            copies.forEach(Backups::deleteQuietly);
        } catch (IOException e) {
            log.warn("Cannot clean up the backup directory {}: {}", properties.dir(), e.getMessage());
        }
    }

    private static Instant startedAt(String name) {
        try {
            return NAME.parse(name.substring(PREFIX.length()), Instant::from);
        } catch (DateTimeParseException | IndexOutOfBoundsException e) {
            return null;
        }
    }

    private static String strip(String fileName, String suffix) {
        return fileName.substring(0, fileName.length() - suffix.length());
    }

    private static void forceDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // Not every file system lets a directory be synced; the rename itself is atomic anyway.
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            log.warn("Cannot delete {}: {}", file, e.getMessage());
        }
    }

    /** Lets a running backup finish (the store closes after this), up to a bound. */
    @Override
    public void close() throws InterruptedException {
        worker.shutdown();
        if (!worker.awaitTermination(30, TimeUnit.SECONDS)) {
            log.warn("Backup {} still running at shutdown: it will be listed as failed", running.get());
            worker.shutdownNow();
        }
    }

    /** A backup was asked for while another runs. */
    public static final class AlreadyRunning extends BackupException {
        private final String name;

        AlreadyRunning(String name) {
            super("backup " + name + " is running; start another once it is done");
            this.name = name;
        }

        public String name() {
            return name;
        }
    }
}
