package io.crm.portable;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.MongoException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import io.crm.store.ConnectionStrings;
import io.crm.store.EmbeddedStore;
import org.bson.Document;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.MVStoreException;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar crm.jar --export FILE} and {@code --import FILE}, run without starting the service. The store is
 * chosen as the service chooses it: {@code --mongodb-uri=URI}, else {@code MONGODB_URI} / {@code MONGO_URI} (the
 * database from the URI, default {@value #DEFAULT_DATABASE}), else the embedded store in {@code --data-dir=DIR}, else
 * {@code CRM_DATA_DIR}, else {@code ./data}. Exit codes: 0 done, 1 refused or failed (one line on stderr), 2 usage.
 */
public final class PortableCommand {

    static final String DEFAULT_DATABASE = "crm_db";
    private static final String USAGE = "usage: java -jar crm.jar (--export FILE | --import FILE)"
            + " [--data-dir=DIR | --mongodb-uri=URI]";

    private PortableCommand() {
    }

    /** Whether these program arguments ask for an export or an import. */
    public static boolean requested(String[] args) {
        return Arrays.stream(args).anyMatch(arg -> arg.equals("--export") || arg.startsWith("--export=")
                || arg.equals("--import") || arg.startsWith("--import="));
    }

    public static void main(String[] args) {
        quietLogging();
        int status;
        try {
            status = run(args, System.getenv(), System.out, System.err);
        } catch (RuntimeException unexpected) {
            // not one of the refusals: the whole trace helps whoever reports it
            unexpected.printStackTrace();
            status = 1;
        }
        // exit explicitly: the embedded store's and the driver's threads must not keep the JVM alive
        System.exit(status);
    }

    static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        Options options;
        try {
            options = Options.parse(args, env);
        } catch (IllegalArgumentException e) {
            err.println("crm: " + e.getMessage());
            err.println(USAGE);
            return 2;
        }
        String action = options.export() ? "export" : "import";
        long start = System.nanoTime();
        try (Store store = Store.open(options)) {
            out.printf("%s %s the %s%n", options.export() ? "exporting from" : "importing into", store.kind(),
                    store.description());
            if (options.export()) {
                Exporter.Result result = new Exporter(store.database(), store.kind(), out)
                        .export(options.file(), Instant.now());
                out.printf("exported %,d documents in %d collections to %s in %s (sha256 %s)%n", result.documents(),
                        result.counts().size(), options.file(), seconds(start), result.sha256());
            } else {
                new Importer(store.database(), out).importFile(options.file(), Instant.now());
                out.printf("import finished in %s%n", seconds(start));
            }
            return 0;
        } catch (PortableException e) {
            err.println("crm: " + action + " refused: " + e.getMessage());
            return 1;
        } catch (MongoException e) {
            err.println("crm: " + action + " failed: the database answered: " + e.getMessage());
            return 1;
        }
    }

    private static String seconds(long startNanos) {
        return String.format("%.1f s", (System.nanoTime() - startNanos) / 1e9);
    }

    /**
     * Without Spring nobody configures logging, and Logback's default prints every DEBUG line of the driver and the
     * embedded store; the command reports on its own.
     */
    static void quietLogging() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext logback) {
            logback.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(Level.WARN);
            logback.getLogger("org.mongodb.driver").setLevel(Level.ERROR);
            // the embedded store logs every client and every index it does not implement; its failures reach the
            // command as the driver's exceptions
            logback.getLogger("de.bwaldvogel").setLevel(Level.OFF);
        }
    }

    /** The parsed command line. */
    record Options(boolean export, Path file, String mongodbUri, Path dataDir) {

        static Options parse(String[] args, Map<String, String> env) {
            String export = null;
            String importFile = null;
            String uri = null;
            String dataDir = null;
            List<String> list = Arrays.asList(args);
            for (int i = 0; i < list.size(); i++) {
                String arg = list.get(i);
                String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
                String value;
                if (arg.contains("=")) {
                    value = arg.substring(arg.indexOf('=') + 1);
                } else if (i + 1 < list.size() && !list.get(i + 1).startsWith("--")) {
                    value = list.get(++i);
                } else {
                    value = null;
                }
                switch (name) {
                    case "--export" -> export = required(name, value);
                    case "--import" -> importFile = required(name, value);
                    case "--mongodb-uri" -> uri = required(name, value);
                    case "--data-dir" -> dataDir = required(name, value);
                    default -> throw new IllegalArgumentException("unknown argument " + arg);
                }
            }
            if ((export == null) == (importFile == null)) {
                throw new IllegalArgumentException("give exactly one of --export FILE and --import FILE");
            }
            if (uri != null && dataDir != null) {
                throw new IllegalArgumentException("--mongodb-uri and --data-dir name two stores: give one");
            }
            if (uri == null && dataDir == null) {
                uri = firstNonBlank(env.get("MONGODB_URI"), env.get("MONGO_URI"));
            }
            if (uri == null) {
                dataDir = firstNonBlank(dataDir, env.get("CRM_DATA_DIR"), "./data");
            }
            return new Options(export != null, Path.of(export != null ? export : importFile), uri,
                    dataDir == null ? null : Path.of(dataDir));
        }

        private static String required(String name, String value) {
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException(name + " needs a value");
            }
            return value;
        }

        private static String firstNonBlank(String... values) {
            for (String value : values) {
                if (value != null && !value.isBlank()) {
                    return value;
                }
            }
            return null;
        }
    }

    /** The database to read or write, and what must be closed after: the client, and the embedded store if any. */
    record Store(String kind, String description, MongoClient client, MongoDatabase database, EmbeddedStore embedded)
            implements AutoCloseable {

        static Store open(Options options) {
            if (options.mongodbUri() != null) {
                ConnectionString cs;
                try {
                    cs = ConnectionStrings.withDefaultDatabase(options.mongodbUri(), DEFAULT_DATABASE);
                } catch (IllegalArgumentException e) {
                    throw new PortableException("the MongoDB URI is not valid: " + e.getMessage());
                }
                MongoClient client = client(cs);
                Store store = new Store("mongodb", "MongoDB at " + ConnectionStrings.describe(cs), client,
                        client.getDatabase(cs.getDatabase()), null);
                store.ping();
                return store;
            }
            Path dataDir = options.dataDir();
            if (options.export() && !Files.exists(dataDir.resolve(EmbeddedStore.FILE_NAME))) {
                throw new PortableException("there is no embedded store in " + dataDir.toAbsolutePath() + " (no "
                        + EmbeddedStore.FILE_NAME + "): name its directory with --data-dir=DIR or CRM_DATA_DIR, or "
                        + "a MongoDB with --mongodb-uri=URI or MONGODB_URI");
            }
            EmbeddedStore embedded;
            try {
                embedded = EmbeddedStore.startPrivate(dataDir);
            } catch (RuntimeException e) {
                if (locked(e)) {
                    throw new PortableException("the embedded store in " + dataDir.toAbsolutePath() + " is in use "
                            + "by a running CRM: stop the service first");
                }
                throw e;
            }
            ConnectionString cs = new ConnectionString(embedded.connectionString(DEFAULT_DATABASE));
            MongoClient client = client(cs);
            return new Store("embedded", "embedded store in " + embedded.file(), client,
                    client.getDatabase(DEFAULT_DATABASE), embedded);
        }

        private static MongoClient client(ConnectionString cs) {
            return MongoClients.create(MongoClientSettings.builder().applyConnectionString(cs)
                    .applyToClusterSettings(c -> c.serverSelectionTimeout(
                            Duration.ofSeconds(10).toMillis(), TimeUnit.MILLISECONDS))
                    .build());
        }

        private void ping() {
            try {
                database.runCommand(new Document("ping", 1));
            } catch (MongoException e) {
                close();
                throw new PortableException("cannot reach the " + description + ": " + e.getMessage(), e);
            }
        }

        private static boolean locked(Throwable e) {
            for (Throwable cause = e; cause != null; cause = cause.getCause()) {
                if (cause instanceof MVStoreException store && store.getErrorCode() == DataUtils.ERROR_FILE_LOCKED) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public void close() {
            client.close();
            if (embedded != null) {
                embedded.close();
            }
        }
    }
}
