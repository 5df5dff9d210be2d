package io.crm.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import org.h2.mvstore.MVStore;

import de.bwaldvogel.mongo.MongoServer;

/**
 * The embedded MongoDB-wire server with its file-backed (H2 MVStore) backend. Used when no MongoDB URI is configured
 * and by the standalone store launcher; meant for evaluation and small data, not production.
 *
 * <p>The store has no authentication, so the application's own store ({@link #startPrivate}) listens on no TCP port:
 * it serves a Unix domain socket, mode 0600, in a fresh directory of mode 0700, so only the user the application runs
 * as (and root) can connect. {@link #start} (TCP) is for the explicit developer tool {@code --store-only}.
 */
public final class EmbeddedStore implements AutoCloseable {

    public static final String FILE_NAME = "crm.mv";
    /** The driver takes a host ending in ".sock" as a Unix domain socket path. */
    static final String SOCKET_NAME = "mongodb.sock";

    private final Runnable shutdown;
    private final InetSocketAddress address;
    private final Path socket;
    private final Path file;
    private final PlannedH2Backend backend;

    private EmbeddedStore(Runnable shutdown, InetSocketAddress address, Path socket, Path file,
                          PlannedH2Backend backend) {
        this.shutdown = shutdown;
        this.address = address;
        this.socket = socket;
        this.file = file;
        this.backend = backend;
    }

    /**
     * Starts the store on TCP {@code host:port} (port 0 picks a free one) with its data under {@code dataDir}. Any
     * local process can connect: for the standalone developer tool only.
     */
    public static EmbeddedStore start(Path dataDir, String host, int port) {
        // the service's default, so its file and this tool's keep each other's index maps
        return start(dataDir, host, port, true);
    }

    /** {@link #start}, with or without secondary indexes (see {@link PlannedH2Backend#embedded}). */
    public static EmbeddedStore start(Path dataDir, String host, int port, boolean secondaryIndexes) {
        Path file = dataFile(dataDir);
        PlannedH2Backend backend = PlannedH2Backend.embedded(file.toString(), secondaryIndexes);
        MongoServer server = new MongoServer(backend);
        server.bind(host, port);
        // shutdown() stops accepting, ends the client connections and closes the backend (flushes the MVStore file).
        return new EmbeddedStore(server::shutdown, server.getLocalAddress(), null, file, backend);
    }

    /**
     * Starts the store on a Unix domain socket that only this user can reach, with its data under {@code dataDir}
     * (same file as {@link #start}, so existing data directories open unchanged). The socket lives in a new
     * directory under {@code java.io.tmpdir}, not in the data directory, because a socket path is limited to 107
     * bytes.
     */
    public static EmbeddedStore startPrivate(Path dataDir) {
        return startPrivate(dataDir, true);
    }

    /** {@link #startPrivate}, with or without secondary indexes (see {@link PlannedH2Backend#embedded}). */
    public static EmbeddedStore startPrivate(Path dataDir, boolean secondaryIndexes) {
        Path file = dataFile(dataDir);
        Path dir;
        try {
            // Created 0700 atomically: no window in which another user could reach the socket before its chmod.
            dir = Files.createTempDirectory("crm-store-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the store's socket directory", e);
        }
        Path socket = dir.resolve(SOCKET_NAME);
        // Also on a JVM exit that skips close() (e.g. the image's AOT training run, -Dspring.context.exit):
        // deleteOnExit works in reverse order, so the socket goes before its directory.
        dir.toFile().deleteOnExit();
        socket.toFile().deleteOnExit();
        PlannedH2Backend backend = PlannedH2Backend.embedded(file.toString(), secondaryIndexes);
        DomainSocketServer server;
        try {
            server = DomainSocketServer.bind(backend, UnixDomainSocketAddress.of(socket));
        } catch (RuntimeException e) {
            backend.close();
            deleteQuietly(socket, dir);
            throw e;
        }
        try {
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException e) {
            server.shutdown();
            deleteQuietly(socket, dir);
            throw new UncheckedIOException("cannot restrict the store's socket " + socket, e);
        }
        Path socketDir = dir;
        return new EmbeddedStore(() -> {
            server.shutdown();
            deleteQuietly(socket, socketDir);
        }, null, socket, file, backend);
    }

    private static Path dataFile(Path dataDir) {
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create data directory " + dataDir.toAbsolutePath(), e);
        }
        return dataDir.resolve(FILE_NAME).toAbsolutePath();
    }

    private static void deleteQuietly(Path socket, Path dir) {
        try {
            Files.deleteIfExists(socket);
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            // A leftover empty directory in the temp folder is harmless; the next start makes a new one.
        }
    }

    public String connectionString(String database) {
        if (socket != null) {
            // The driver URL-decodes the host: "/" must be %2F, and a space %20 (not URLEncoder's "+").
            String host = URLEncoder.encode(socket.toString(), StandardCharsets.UTF_8).replace("+", "%20");
            return "mongodb://" + host + "/" + database;
        }
        return "mongodb://" + address.getHostString() + ":" + address.getPort() + "/" + database;
    }

    /** The TCP address of a store started with {@link #start}; null for a private (socket) store. */
    public InetSocketAddress address() {
        return address;
    }

    /** The socket of a store started with {@link #startPrivate}; null for a TCP store. */
    public Path socket() {
        return socket;
    }

    public Path file() {
        return file;
    }

    /**
     * Writes a consistent copy of the whole store, as of one instant, to a new store file at {@code target} while the
     * store keeps serving; commands wait only while that instant is fixed ({@link StoreSnapshot#pause()}).
     */
    public StoreSnapshot snapshot(Path target) {
        return backend.snapshot(target);
    }

    /**
     * Documents per collection namespace ({@code database.collection}) in a store file that no process has open; the
     * file is opened read-only. Fails when the file is not a store file.
     */
    public static Map<String, Long> documents(Path storeFile) {
        MVStore store = new MVStore.Builder().fileName(storeFile.toString()).readOnly().open();
        try {
            return PlannedH2Backend.documents(store);
        } finally {
            store.close();
        }
    }

    @Override
    public void close() {
        shutdown.run();
    }
}
