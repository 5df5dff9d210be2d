package io.crm.platform.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;

import de.bwaldvogel.mongo.MongoServer;

/**
 * The embedded MongoDB-wire server with its file-backed (H2 MVStore) backend. Used when no MongoDB URI is configured
 * and by the standalone store launcher; meant for evaluation and small data, not production.
 */
public final class EmbeddedStore implements AutoCloseable {

    public static final String FILE_NAME = "crm.mv";

    private final MongoServer server;
    private final InetSocketAddress address;
    private final Path file;

    private EmbeddedStore(MongoServer server, InetSocketAddress address, Path file) {
        this.server = server;
        this.address = address;
        this.file = file;
    }

    /** Starts the store on {@code host:port} (port 0 picks a free one) with its data under {@code dataDir}. */
    public static EmbeddedStore start(Path dataDir, String host, int port) {
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create data directory " + dataDir.toAbsolutePath(), e);
        }
        Path file = dataDir.resolve(FILE_NAME).toAbsolutePath();
        MongoServer server = new MongoServer(new PlannedH2Backend(file.toString()));
        server.bind(host, port);
        return new EmbeddedStore(server, server.getLocalAddress(), file);
    }

    public String connectionString(String database) {
        return "mongodb://" + address.getHostString() + ":" + address.getPort() + "/" + database;
    }

    public InetSocketAddress address() {
        return address;
    }

    public Path file() {
        return file;
    }

    @Override
    public void close() {
        // shutdown() closes client connections and flushes the MVStore file.
        server.shutdown();
    }
}
