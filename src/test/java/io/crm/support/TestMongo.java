package io.crm.support;

import java.net.InetSocketAddress;

import de.bwaldvogel.mongo.MongoServer;
import io.crm.store.CrossCheckedStore;

/**
 * One in-process MongoDB-wire server for the whole test JVM: the real driver, the real protocol. Its backend is the
 * embedded store's (in memory) with the index planner cross-checked against the plain scan on every query, so a
 * planner that answers differently fails the test that asked.
 */
public final class TestMongo {

    private static MongoServer server;
    private static InetSocketAddress address;

    private TestMongo() {
    }

    public static synchronized String uri(String database) {
        if (server == null) {
            server = new MongoServer(CrossCheckedStore.inMemory());
            server.bind("127.0.0.1", 0);
            address = server.getLocalAddress();
            Runtime.getRuntime().addShutdownHook(new Thread(server::shutdownNow));
        }
        return "mongodb://127.0.0.1:" + address.getPort() + "/" + database;
    }
}
