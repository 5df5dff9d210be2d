package io.crm.support;

import java.net.InetSocketAddress;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;

/** One in-process MongoDB-wire server (memory backend) for the whole test JVM: the real driver, the real protocol. */
public final class TestMongo {

    private static MongoServer server;
    private static InetSocketAddress address;

    private TestMongo() {
    }

    public static synchronized String uri(String database) {
        if (server == null) {
            server = new MongoServer(new MemoryBackend());
            server.bind("127.0.0.1", 0);
            address = server.getLocalAddress();
            Runtime.getRuntime().addShutdownHook(new Thread(server::shutdownNow));
        }
        return "mongodb://127.0.0.1:" + address.getPort() + "/" + database;
    }
}
