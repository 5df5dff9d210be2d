package io.crm.support;

import java.net.InetSocketAddress;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.bson.Document;
import io.crm.platform.store.AtomicWrites;
import io.netty.channel.Channel;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;

/** One in-process MongoDB-wire server (memory backend) for the whole test JVM: the real driver, the real protocol. */
public final class TestMongo {

    private static MongoServer server;
    private static InetSocketAddress address;

    private TestMongo() {
    }

    /** The memory backend with the embedded store's write atomicity (see {@link AtomicWrites}). */
    public static MemoryBackend atomicMemoryBackend() {
        AtomicWrites writes = new AtomicWrites();
        return new MemoryBackend() {
            @Override
            public Document handleCommand(Channel channel, String database, String command, Document query) {
                return writes.run(command, () -> super.handleCommand(channel, database, command, query));
            }
        };
    }

    public static synchronized String uri(String database) {
        if (server == null) {
            server = new MongoServer(atomicMemoryBackend());
            server.bind("127.0.0.1", 0);
            address = server.getLocalAddress();
            Runtime.getRuntime().addShutdownHook(new Thread(server::shutdownNow));
        }
        return "mongodb://127.0.0.1:" + address.getPort() + "/" + database;
    }
}
