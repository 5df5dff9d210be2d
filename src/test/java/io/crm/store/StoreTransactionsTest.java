package io.crm.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import com.mongodb.MongoException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import de.bwaldvogel.mongo.MongoServer;
import io.crm.store.StoreCapabilities.TransactionsMode;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The helper's decisions and its transactional path with the real driver: against the embedded store (a standalone
 * without sessions: step by step) and against {@link ReplicaSetLookalike} (the driver runs its transaction protocol;
 * the server applies writes at once, so atomicity itself is not tested here).
 */
class StoreTransactionsTest {

    private final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
    }

    private MongoClient client(String uri) {
        MongoClient client = MongoClients.create(uri + (uri.contains("?") ? "&" : "?")
                + "serverSelectionTimeoutMS=1500");
        closing.add(client);
        return client;
    }

    private static StoreTransactions transactions(MongoClient client, TransactionsMode mode) {
        return new StoreTransactions(client, new StoreProperties(new StoreProperties.Mongodb("mongodb://x",
                "crm_db", Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(2), mode), Path.of("."),
                false, "auto"));
    }

    private ReplicaSetLookalike replicaSet() {
        ReplicaSetLookalike rs = new ReplicaSetLookalike();
        closing.add(rs::stop);
        return rs;
    }

    private String standalone() {
        MongoServer server = new MongoServer(CrossCheckedStore.inMemory());
        server.bind("127.0.0.1", 0);
        closing.add(server::shutdownNow);
        return "mongodb://127.0.0.1:" + server.getLocalAddress().getPort() + "/crm_db";
    }

    @Test
    void theEmbeddedStoreIsAStandaloneSoWorkRunsStepByStep() {
        MongoClient client = client(standalone());
        StoreTransactions transactions = transactions(client, TransactionsMode.AUTO);
        assertThat(transactions.capabilities()).isEqualTo(new StoreCapabilities("standalone", null, false));
        MongoCollection<Document> things = StoreTransactions.sessionAware(
                client.getDatabase("crm_db").getCollection("things"));
        List<String> signals = new ArrayList<>();
        String result = transactions.run(() -> {
            assertThat(StoreTransactions.current()).isEmpty();
            things.insertOne(new Document("_id", 1));
            StoreTransactions.afterCommit(() -> signals.add("now"));
            assertThat(signals).containsExactly("now");
            return "done";
        });
        assertThat(result).isEqualTo("done");
        assertThat(things.countDocuments()).isEqualTo(1);
    }

    @Test
    void theEmbeddedStoreCannotRunATransaction() {
        MongoClient client = client(standalone());
        MongoCollection<Document> things = client.getDatabase("crm_db").getCollection("things");
        // it reports no logicalSessionTimeoutMinutes: the driver uses no session with it, so no transaction either
        try (var session = client.startSession()) {
            session.startTransaction();
            assertThatThrownBy(() -> things.insertOne(session, new Document("_id", 1)))
                    .isInstanceOf(com.mongodb.MongoClientException.class)
                    .hasMessageContaining("doesn't support sessions");
        }
        assertThat(things.countDocuments()).isZero();
    }

    @Test
    void forcingTransactionsOnAStoreWithoutThemIsAClearFailure() {
        MongoClient client = client(standalone());
        StoreTransactions transactions = transactions(client, TransactionsMode.ON);
        assertThat(transactions.transactional()).isTrue();
        MongoCollection<Document> things = StoreTransactions.sessionAware(
                client.getDatabase("crm_db").getCollection("things"));
        assertThatThrownBy(() -> transactions.run(() -> things.insertOne(new Document("_id", 1))))
                .isInstanceOf(StoreTransactions.Failed.class);
    }

    @Test
    void onAReplicaSetEveryReadAndWriteOfTheWorkIsInOneTransaction() {
        ReplicaSetLookalike rs = replicaSet();
        MongoClient client = client(rs.uri("crm_db"));
        StoreTransactions transactions = transactions(client, TransactionsMode.AUTO);
        assertThat(transactions.capabilities()).isEqualTo(new StoreCapabilities("replicaSet", "rs0", true));
        MongoCollection<Document> things = StoreTransactions.sessionAware(
                client.getDatabase("crm_db").getCollection("things"));
        things.insertOne(new Document("_id", 0).append("n", 0));
        List<String> signals = new ArrayList<>();
        rs.clearReceived();

        long seen = transactions.run(() -> {
            assertThat(StoreTransactions.current()).isPresent();
            things.insertOne(new Document("_id", 1));
            things.withWriteConcern(com.mongodb.WriteConcern.ACKNOWLEDGED).updateOne(Filters.eq("_id", 0),
                    new Document("$set", new Document("n", 1)));
            things.findOneAndDelete(Filters.eq("_id", 1));
            StoreTransactions.afterCommit(() -> signals.add("committed"));
            assertThat(signals).isEmpty();
            return things.countDocuments();
        });

        assertThat(seen).isEqualTo(1);
        assertThat(signals).containsExactly("committed");
        assertThat(rs.commits()).isEqualTo(1);
        assertThat(rs.received()).filteredOn(r -> "things".equals(r.collection()))
                .extracting(ReplicaSetLookalike.Received::name)
                .containsExactly("insert", "update", "findAndModify", "aggregate");
        assertThat(rs.received()).filteredOn(r -> "things".equals(r.collection()))
                .allMatch(ReplicaSetLookalike.Received::inTransaction);
        // outside run: no session, no transaction
        rs.clearReceived();
        things.insertOne(new Document("_id", 2));
        assertThat(rs.received()).filteredOn(r -> "things".equals(r.collection()))
                .noneMatch(ReplicaSetLookalike.Received::inTransaction);
    }

    @Test
    void aPointReadInsideTheWorkIsInTheTransactionAndOneOutsideIsNot() {
        ReplicaSetLookalike rs = replicaSet();
        MongoClient client = client(rs.uri("crm_db"));
        MongoCollection<Document> things = things(client);
        things.insertOne(new Document("_id", 0).append("n", 0));
        PointReads reads = new PointReads(client.getDatabase("crm_db"), things);
        rs.clearReceived();

        Document inside = transactions(client, TransactionsMode.AUTO).run(() -> reads.first(Filters.eq("_id", 0)));
        assertThat(inside).isEqualTo(new Document("_id", 0).append("n", 0));
        assertThat(rs.received()).filteredOn(r -> "things".equals(r.collection()))
                .containsExactly(new ReplicaSetLookalike.Received("find", "things", true));

        rs.clearReceived();
        assertThat(reads.first(Filters.eq("_id", 0))).isEqualTo(inside);
        assertThat(rs.received()).filteredOn(r -> "things".equals(r.collection()))
                .containsExactly(new ReplicaSetLookalike.Received("find", "things", false));
    }

    private static MongoCollection<Document> things(MongoClient client) {
        return StoreTransactions.sessionAware(client.getDatabase("crm_db").getCollection("things"));
    }

    @Test
    void aNestedRunJoinsTheOuterTransaction() {
        ReplicaSetLookalike rs = replicaSet();
        MongoClient client = client(rs.uri("crm_db"));
        StoreTransactions transactions = transactions(client, TransactionsMode.AUTO);
        MongoCollection<Document> things = things(client);
        transactions.run(() -> {
            var outer = StoreTransactions.current().orElseThrow();
            transactions.run(() -> {
                assertThat(StoreTransactions.current()).containsSame(outer);
                things.insertOne(new Document("_id", 1));
            });
        });
        assertThat(rs.commits()).isEqualTo(1);
    }

    @Test
    void aTransientCommitErrorIsRetriedByTheDriverAndTheWorkRunsAgain() {
        ReplicaSetLookalike rs = replicaSet();
        MongoClient client = client(rs.uri("crm_db"));
        StoreTransactions transactions = transactions(client, TransactionsMode.AUTO);
        MongoCollection<Document> things = StoreTransactions.sessionAware(
                client.getDatabase("crm_db").getCollection("things"));
        rs.failCommits(1, List.of(MongoException.TRANSIENT_TRANSACTION_ERROR_LABEL));
        AtomicInteger attempts = new AtomicInteger();
        List<Integer> signals = new ArrayList<>();
        int result = transactions.run(() -> {
            int attempt = attempts.incrementAndGet();
            things.insertOne(new Document("attempt", attempt));
            StoreTransactions.afterCommit(() -> signals.add(attempt));
            return attempt;
        });
        assertThat(result).isEqualTo(2);
        // only the attempt that committed signals
        assertThat(signals).containsExactly(2);
        assertThat(rs.commits()).isEqualTo(1);
    }

    @Test
    void aCommitThatFailsIsAFailureAndSignalsNothing() {
        ReplicaSetLookalike rs = replicaSet();
        MongoClient client = client(rs.uri("crm_db"));
        StoreTransactions transactions = transactions(client, TransactionsMode.AUTO);
        MongoCollection<Document> things = StoreTransactions.sessionAware(
                client.getDatabase("crm_db").getCollection("things"));
        rs.failCommits(1, List.of());
        List<String> signals = new ArrayList<>();
        assertThatThrownBy(() -> transactions.run(() -> {
            things.insertOne(new Document("_id", 1));
            StoreTransactions.afterCommit(() -> signals.add("x"));
        }))
                .isInstanceOf(StoreTransactions.Failed.class)
                .isInstanceOf(org.springframework.dao.DataAccessResourceFailureException.class);
        assertThat(signals).isEmpty();
        assertThat(rs.commits()).isZero();
    }

    @Test
    void anErrorOfTheWorkAbortsAndPassesThrough() {
        ReplicaSetLookalike rs = replicaSet();
        StoreTransactions transactions = transactions(client(rs.uri("crm_db")), TransactionsMode.AUTO);
        assertThatThrownBy(() -> transactions.run(() -> {
            throw new IllegalArgumentException("bad input");
        })).isInstanceOf(IllegalArgumentException.class).hasMessage("bad input");
        assertThat(rs.commits()).isZero();
        assertThat(rs.received()).extracting(ReplicaSetLookalike.Received::name).doesNotContain("commitTransaction");
    }

    @Test
    void offKeepsAReplicaSetStepByStep() {
        ReplicaSetLookalike rs = replicaSet();
        StoreTransactions transactions = transactions(client(rs.uri("crm_db")), TransactionsMode.OFF);
        assertThat(transactions.capabilities()).isEqualTo(new StoreCapabilities("replicaSet", "rs0", false));
        transactions.run(() -> assertThat(StoreTransactions.current()).isEmpty());
        assertThat(rs.commits()).isZero();
    }

    @Test
    void aStoreDownAtStartIsDetectedAtFirstUse() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        StoreTransactions transactions = transactions(client("mongodb://127.0.0.1:" + port + "/crm_db"),
                TransactionsMode.AUTO);
        assertThat(transactions.capabilities()).isEqualTo(StoreCapabilities.NOT_DETECTED);
        assertThat(transactions.known().detected()).isFalse();
        // unknown: step by step (the store is down anyway)
        transactions.run(() -> assertThat(StoreTransactions.current()).isEmpty());

        MongoServer server = new MongoServer(CrossCheckedStore.inMemory());
        server.bind("127.0.0.1", port);
        closing.add(server::shutdownNow);
        assertThat(transactions.capabilities()).isEqualTo(new StoreCapabilities("standalone", null, false));
        assertThat(transactions.known()).isEqualTo(transactions.capabilities());
    }
}
