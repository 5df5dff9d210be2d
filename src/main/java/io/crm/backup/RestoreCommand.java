package io.crm.backup;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.crm.store.EmbeddedStore;

/**
 * {@code java -jar crm.jar --restore FILE --data-dir DIR [other options]}: restores a backup into an empty data
 * directory, checking it first (a crm backup of a format this service reads, the store file's size and SHA-256, and
 * its documents per collection against the manifest), then the service starts on that directory. Anything refused
 * leaves the directory as it was.
 */
public final class RestoreCommand {

    public static final String OPTION = "--restore";
    private static final String DATA_DIR = "--data-dir";

    private RestoreCommand() {
    }

    public static boolean requested(String[] args) {
        for (String arg : args) {
            if (arg.equals(OPTION) || arg.startsWith(OPTION + "=")) {
                return true;
            }
        }
        return false;
    }

    /** The command line is incomplete (exit code 2, as for the other commands' usage errors). */
    public static final class Usage extends BackupException {
        Usage(String message) {
            super(message);
        }
    }

    /**
     * Restores, and returns the arguments the service starts with (the restore options replaced by the data
     * directory); throws {@link BackupException} with the reason when the restore is refused.
     */
    public static String[] restore(String[] args, Map<String, String> env, PrintStream out) {
        List<String> rest = new ArrayList<>();
        String file = null;
        String dir = null;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals(OPTION) || arg.equals(DATA_DIR)) {
                if (i + 1 >= args.length) {
                    throw new Usage(arg + " needs a value");
                }
                if (arg.equals(OPTION)) {
                    file = args[++i];
                } else {
                    dir = args[++i];
                }
            } else if (arg.startsWith(OPTION + "=")) {
                file = arg.substring(OPTION.length() + 1);
            } else if (arg.startsWith(DATA_DIR + "=")) {
                dir = arg.substring(DATA_DIR.length() + 1);
            } else {
                rest.add(arg);
            }
        }
        if (dir == null) {
            dir = env.get("CRM_DATA_DIR");
        }
        if (file == null || file.isBlank() || dir == null || dir.isBlank()) {
            throw new Usage("usage: java -jar crm.jar --restore FILE --data-dir DIR (DIR empty or new)");
        }
        Path dataDir = Path.of(dir).toAbsolutePath();
        BackupManifest manifest = restore(Path.of(file), dataDir);
        out.printf("Restored %s (taken %s by service %s): %d documents in %d collections, into %s%n", file,
                manifest.createdAt(), manifest.serviceVersion(), manifest.totalDocuments(),
                manifest.documents().size(), dataDir);
        rest.add("--crm.data-dir=" + dataDir);
        return rest.toArray(String[]::new);
    }

    /** Restores {@code file} into the empty (or new) directory {@code dataDir}; returns the backup's manifest. */
    static BackupManifest restore(Path file, Path dataDir) {
        requireEmpty(dataDir);
        BackupManifest manifest = BackupArchive.manifest(file);
        Path incoming = dataDir.resolve(EmbeddedStore.FILE_NAME + ".restoring");
        boolean created = !Files.exists(dataDir);
        try {
            Files.createDirectories(dataDir);
            BackupArchive.extract(file, incoming);
            Map<String, Long> documents = documents(incoming, file);
            if (!documents.equals(manifest.documents())) {
                throw new BackupException(file + " does not hold what its manifest says: documents per collection "
                        + documents + ", manifest " + manifest.documents());
            }
            Files.move(incoming, dataDir.resolve(EmbeddedStore.FILE_NAME), StandardCopyOption.ATOMIC_MOVE);
            return manifest;
        } catch (IOException | RuntimeException e) {
            undo(incoming, created ? dataDir : null);
            throw e instanceof BackupException refused ? refused
                    : new BackupException("cannot restore into " + dataDir + ": " + e.getMessage(), e);
        }
    }

    private static Map<String, Long> documents(Path storeFile, Path backup) {
        try {
            return EmbeddedStore.documents(storeFile);
        } catch (RuntimeException e) {
            throw new BackupException(backup + " holds a store file that does not open: " + e.getMessage(), e);
        }
    }

    private static void requireEmpty(Path dataDir) {
        if (!Files.exists(dataDir)) {
            return;
        }
        if (!Files.isDirectory(dataDir)) {
            throw new BackupException(dataDir + " is not a directory");
        }
        try (Stream<Path> entries = Files.list(dataDir)) {
            if (entries.findAny().isPresent()) {
                throw new BackupException(dataDir + " is not empty: restore into an empty or new directory (a "
                        + "restore never overwrites data)");
            }
        } catch (IOException e) {
            throw new BackupException("cannot read " + dataDir + ": " + e.getMessage(), e);
        }
    }

    private static void undo(Path incoming, Path createdDir) {
        try {
            Files.deleteIfExists(incoming);
            if (createdDir != null) {
                Files.deleteIfExists(createdDir);
            }
        } catch (IOException e) {
            // Left behind: the directory was empty before and holds only the partial file.
        }
    }
}
