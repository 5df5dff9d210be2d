package io.crm.store;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import de.bwaldvogel.mongo.bson.Document;
import io.netty.channel.Channel;

/**
 * The in-process MongoDB-wire server dressed up as the primary of a one-member replica set {@code rs0} with sessions,
 * so the driver lets the service start transactions against it. It runs no real transaction: it ignores the session
 * fields, applies each write at once and answers {@code commitTransaction} / {@code abortTransaction} with ok (or,
 * when told to, with a failed commit); an abort takes back the documents the transaction inserted (inserts only: not
 * updates or deletes, and others see them before). What it is for: running the transactional code path end to end,
 * and recording which commands came inside a transaction (with a {@code txnNumber} and {@code autocommit: false}).
 * Atomicity and isolation themselves are exercised only against a real replica set (the compose replica-set run).
 */
public final class ReplicaSetLookalike extends MemoryBackend {

    /** A command as received: its name, the collection it names (if any) and whether it came in a transaction. */
    public record Received(String name, String collection, boolean inTransaction) {
    }

    private final MongoServer server = new MongoServer(this);
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger failCommits = new AtomicInteger();
    private final AtomicInteger commits = new AtomicInteger();
    private volatile List<String> commitErrorLabels = List.of();
    private final String host;
    /** Per transaction (lsid and txnNumber): the documents it inserted, by database.collection, for an abort. */
    private final java.util.Map<String, List<String[]>> inserted = new java.util.concurrent.ConcurrentHashMap<>();

    public ReplicaSetLookalike() {
        server.bind("127.0.0.1", 0);
        InetSocketAddress address = server.getLocalAddress();
        host = "127.0.0.1:" + address.getPort();
    }

    public String uri(String database) {
        return "mongodb://" + host + "/" + database + "?replicaSet=rs0";
    }

    /** The commands received so far (every one, the service's background work's too). */
    public List<Received> received() {
        return List.copyOf(received);
    }

    public void clearReceived() {
        received.clear();
    }

    /** Commits that succeeded. */
    public int commits() {
        return commits.get();
    }

    /** The next {@code times} commitTransaction commands fail (code 251, NoSuchTransaction) with these labels. */
    public void failCommits(int times, List<String> errorLabels) {
        commitErrorLabels = List.copyOf(errorLabels);
        failCommits.set(times);
    }

    @Override
    public Document handleCommand(Channel channel, String database, String name, Document command) {
        Object target = command.get(name);
        received.add(new Received(name, target instanceof String s ? s : null,
                command.containsKey("txnNumber") && Boolean.FALSE.equals(command.get("autocommit"))));
        switch (name.toLowerCase(java.util.Locale.ROOT)) {
            case "hello", "ismaster" -> {
                Document hello = super.handleCommand(channel, database, "isMaster", command);
                hello.put("ismaster", true);
                hello.put("isWritablePrimary", true);
                hello.put("secondary", false);
                hello.put("setName", "rs0");
                hello.put("hosts", List.of(host));
                hello.put("me", host);
                hello.put("logicalSessionTimeoutMinutes", 30);
                hello.put("maxWireVersion", 21);
                return hello;
            }
            case "committransaction" -> {
                inserted.remove(transaction(command));
                if (failCommits.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                    return new Document("ok", 0.0).append("errmsg", "commit failed (test)").append("code", 251)
                            .append("codeName", "NoSuchTransaction").append("errorLabels", commitErrorLabels);
                }
                commits.incrementAndGet();
                return new Document("ok", 1.0);
            }
            case "aborttransaction" -> {
                List<String[]> taken = inserted.remove(transaction(command));
                if (taken != null) {
                    for (String[] entry : taken) {
                        super.handleCommand(channel, entry[0], "delete", new Document("delete", entry[1])
                                .append("deletes", List.of(new Document("q", new Document("_id",
                                        new de.bwaldvogel.mongo.bson.ObjectId(entry[2]))).append("limit", 1))));
                    }
                }
                return new Document("ok", 1.0);
            }
            case "endsessions" -> {
                return new Document("ok", 1.0);
            }
            default -> {
                String transaction = command.containsKey("txnNumber") ? transaction(command) : null;
                // the session fields mean nothing to the store: apply the command as it is
                for (String field : List.of("lsid", "txnNumber", "autocommit", "startTransaction", "readConcern",
                        "$clusterTime")) {
                    command.remove(field);
                }
                Document answer = super.handleCommand(channel, database, name, command);
                if (transaction != null && name.equals("insert")) {
                    remember(transaction, database, (String) target, command, answer);
                }
                return answer;
            }
        }
    }

    private static String transaction(Document command) {
        return command.get("lsid") + "/" + command.get("txnNumber");
    }

    private void remember(String transaction, String database, String collection, Document command, Document answer) {
        java.util.Set<Integer> refused = new java.util.HashSet<>();
        if (answer.get("writeErrors") instanceof List<?> errors) {
            errors.forEach(e -> refused.add(((Number) ((Document) e).get("index")).intValue()));
        }
        List<?> documents = (List<?>) command.get("documents");
        for (int i = 0; i < documents.size(); i++) {
            if (!refused.contains(i) && ((Document) documents.get(i)).get("_id")
                    instanceof de.bwaldvogel.mongo.bson.ObjectId id) {
                inserted.computeIfAbsent(transaction, k -> new CopyOnWriteArrayList<>())
                        .add(new String[]{database, collection, id.getHexData()});
            }
        }
    }

    /** Stops the server (which closes this backend). */
    public void stop() {
        server.shutdownNow();
    }
}
