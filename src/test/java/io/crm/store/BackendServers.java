package io.crm.store;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import org.bson.Document;

import java.util.ArrayList;
import java.util.List;

/** Backends under test, each served over the wire on a loopback port to a real driver; all stopped by close(). */
final class BackendServers implements AutoCloseable {

    private final List<MongoServer> servers = new ArrayList<>();
    private final List<MongoClient> clients = new ArrayList<>();

    /** A collection of crm_db on its own server and client over {@code backend}. */
    MongoCollection<Document> collection(H2Backend backend, String name) {
        MongoServer server = new MongoServer(backend);
        servers.add(server);
        server.bind("127.0.0.1", 0);
        MongoClient client = MongoClients.create("mongodb://127.0.0.1:" + server.getLocalAddress().getPort());
        clients.add(client);
        return client.getDatabase("crm_db").getCollection(name);
    }

    /** The n-th server started (0 first): shutting it down closes its backend, as a clean stop of the store does. */
    MongoServer server(int n) {
        return servers.get(n);
    }

    MongoClient client(int n) {
        return clients.get(n);
    }

    @Override
    public void close() {
        clients.forEach(MongoClient::close);
        servers.forEach(MongoServer::shutdownNow);
    }
}
