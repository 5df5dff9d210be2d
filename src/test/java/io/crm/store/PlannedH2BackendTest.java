package io.crm.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import com.mongodb.client.FindIterable;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.FindOneAndReplaceOptions;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.bson.types.ObjectId;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;

/**
 * The planned backend answers every query, update and delete exactly as the plain H2 backend does (the same data in
 * both, the same commands over the real driver, the results compared), opens files the plain backend wrote, and has
 * every answered write in its file already (what a kill -9 leaves).
 */
class PlannedH2BackendTest {

    private final BackendServers backends = new BackendServers();

    @AfterEach
    void stop() {
        backends.close();
    }

    private MongoCollection<Document> collection(H2Backend backend) {
        return backends.collection(backend, "things");
    }

    private static final List<ObjectId> IDS = new ArrayList<>();

    static {
        for (int i = 0; i < 60; i++) {
            IDS.add(new ObjectId(String.format("%024x", i + 1)));
        }
    }

    private static void seed(MongoCollection<Document> things) {
        things.createIndex(Indexes.ascending("key"), new IndexOptions().unique(true).sparse(true));
        things.createIndex(Indexes.ascending("a", "b"), new IndexOptions().unique(true));
        for (int i = 0; i < IDS.size(); i++) {
            Document doc = new Document("_id", IDS.get(i)).append("version", i % 3).append("archived", i % 4 == 0)
                    .append("a", i % 5).append("b", i).append("tags", List.of("t" + i % 2, "all"))
                    .append("name", "n" + (59 - i));
            if (i % 2 == 0) {
                doc.append("key", "k" + i);
            }
            things.insertOne(doc);
        }
    }

    private static List<Bson> filters() {
        ObjectId some = IDS.get(8);
        return List.of(
                Filters.eq("_id", some),
                Filters.and(Filters.eq("_id", some), Filters.eq("version", 2)),
                Filters.and(Filters.eq("_id", some), Filters.eq("version", 1)),
                Filters.and(Filters.eq("_id", some), Filters.ne("archived", true)),
                Filters.and(Filters.eq("_id", some), Filters.eq("_id", IDS.get(9))),
                Filters.and(Filters.in("_id", IDS.subList(0, 10)), Filters.eq("archived", false)),
                Filters.and(Filters.eq("key", "k8"), Filters.ne("_id", some)),
                Filters.and(Filters.eq("key", "k10"), Filters.ne("_id", some)),
                Filters.and(Filters.in("key", List.of("k2", "k4", "k5", "k44")), Filters.eq("archived", false)),
                Filters.and(Filters.eq("a", 3), Filters.eq("b", 13), Filters.eq("archived", false)),
                Filters.and(Filters.eq("a", 3), Filters.eq("version", 1)),
                Filters.and(Filters.eq("key", null), Filters.eq("a", 1)),
                Filters.and(Filters.eq("tags", "all"), Filters.eq("_id", IDS.get(3))),
                Filters.or(Filters.eq("_id", some), Filters.eq("_id", IDS.get(1))),
                Filters.and(Filters.eq("_id", "not-an-object-id"), Filters.eq("version", 0)),
                Filters.empty());
    }

    private static List<Function<FindIterable<Document>, FindIterable<Document>>> shapes() {
        return List.of(f -> f, f -> f.sort(Sorts.descending("name")).limit(3),
                f -> f.sort(Sorts.ascending("b")).skip(2).limit(4), f -> f.projection(Projections.include("version")));
    }

    @Test
    void queriesAnswerAsThePlainBackendDoes() {
        MongoCollection<Document> plain = collection(H2Backend.inMemory());
        MongoCollection<Document> planned = collection(new PlannedH2Backend(new MVStore.Builder().open()));
        seed(plain);
        seed(planned);
        int nonEmpty = 0;
        for (Bson filter : filters()) {
            for (var shape : shapes()) {
                List<Document> expected = shape.apply(plain.find(filter)).into(new ArrayList<>());
                assertThat(shape.apply(planned.find(filter)).into(new ArrayList<>())).as("%s", filter)
                        .isEqualTo(expected);
                nonEmpty += expected.isEmpty() ? 0 : 1;
            }
            assertThat(planned.countDocuments(filter)).as("count %s", filter).isEqualTo(plain.countDocuments(filter));
        }
        assertThat(nonEmpty).as("the comparison is not vacuous").isGreaterThan(30);
    }

    @Test
    void writesChangeWhatThePlainBackendChanges() {
        MongoCollection<Document> plain = collection(H2Backend.inMemory());
        MongoCollection<Document> planned = collection(new PlannedH2Backend(new MVStore.Builder().open()));
        seed(plain);
        seed(planned);
        for (MongoCollection<Document> things : List.of(plain, planned)) {
            ObjectId id = IDS.get(5);
            Bson current = Filters.and(Filters.eq("_id", id), Filters.eq("version", 2));
            Document replaced = things.findOneAndReplace(current, new Document("_id", id).append("version", 3)
                    .append("name", "replaced"), new FindOneAndReplaceOptions().returnDocument(ReturnDocument.AFTER));
            assertThat(replaced).isNotNull();
            assertThat(things.findOneAndReplace(current, new Document("version", 9))).as("stale version").isNull();
            assertThat(things.updateMany(Filters.and(Filters.in("_id", IDS.subList(10, 20)),
                    Filters.eq("archived", false)), Updates.inc("version", 10)).getModifiedCount()).isEqualTo(8);
            assertThat(things.updateOne(Filters.and(Filters.eq("key", "k12"), Filters.eq("archived", true)),
                    Updates.set("hit", true)).getModifiedCount()).isEqualTo(1);
            assertThat(things.updateOne(Filters.and(Filters.eq("key", "k14"), Filters.eq("archived", true)),
                    Updates.set("hit", true)).getModifiedCount()).isZero();
            assertThat(things.deleteOne(Filters.and(Filters.eq("_id", IDS.get(7)), Filters.eq("version", 1)))
                    .getDeletedCount()).isEqualTo(1);
            assertThat(things.deleteMany(Filters.and(Filters.in("key", List.of("k20", "k22", "k24")),
                    Filters.ne("version", 0))).getDeletedCount()).isEqualTo(2);
        }
        assertThat(planned.find().sort(Sorts.ascending("_id")).into(new ArrayList<>()))
                .isEqualTo(plain.find().sort(Sorts.ascending("_id")).into(new ArrayList<>()));
    }

    @Test
    void opensAFileThePlainBackendWroteAndPlansItsCollections(@TempDir Path dir) {
        String file = dir.resolve("crm.mv").toString();
        H2Backend plainBackend = new H2Backend(file);
        MongoServer plainServer = new MongoServer(plainBackend);
        plainServer.bind("127.0.0.1", 0);
        try (MongoClient client = MongoClients.create("mongodb://127.0.0.1:" + plainServer.getLocalAddress().getPort())) {
            seed(client.getDatabase("crm_db").getCollection("things"));
        }
        plainServer.shutdown();

        PlannedH2Backend backend = new PlannedH2Backend(file);
        MongoCollection<Document> reopened = collection(backend);
        assertThat(reopened.countDocuments()).isEqualTo(IDS.size());
        assertThat(reopened.find(Filters.and(Filters.eq("key", "k8"), Filters.eq("version", 2))).first())
                .extracting(d -> d.get("_id")).isEqualTo(IDS.get(8));
        // Collections that existed in the file are opened from H2Database's constructor: they must be planned too.
        assertThat(backend.resolveDatabase("crm_db").resolveCollection("things", false).getClass().getSimpleName())
                .isEqualTo("PlannedCollection");
    }
    @Test
    void aDatabaseDroppedWhileOthersReadIsNewAndWritableAfterwards() throws Exception {
        MongoCollection<Document> things = collection(new PlannedH2Backend(new MVStore.Builder().open()));
        var database = backends.client(0).getDatabase("crm_db");
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        Thread reader = new Thread(() -> {
            while (!stop.get()) {
                try {
                    things.find(Filters.eq("k", 1)).first();
                } catch (RuntimeException e) {
                    // a read of the database being dropped may fail; what matters is what comes after
                }
            }
        });
        reader.start();
        try {
            for (int round = 0; round < 40; round++) {
                things.createIndex(Indexes.ascending("k"));
                things.insertOne(new Document("k", round));
                // a read beside the drop reopened the old maps, which the drop then closed under the new database
                database.drop();
            }
        } finally {
            stop.set(true);
            reader.join();
        }
        things.createIndex(Indexes.ascending("k"));
        things.insertOne(new Document("k", 1));
        assertThat(things.countDocuments(Filters.eq("k", 1))).isEqualTo(1);
    }

    @Test
    void aQueryRunsWhileAWriteHoldsItsCollection() throws Exception {
        PlannedH2Backend backend = new PlannedH2Backend(new MVStore.Builder().open());
        MongoCollection<Document> things = collection(backend);
        things.createIndex(Indexes.ascending("k"));
        things.insertMany(List.of(new Document("k", 1), new Document("k", 2)));
        Object collection = backend.resolveDatabase("crm_db").resolveCollection("things", false);
        var executor = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            java.util.concurrent.Future<Long> write;
            // what a long write (or, before, a long query) holds: mongo-java-server's lock of the collection
            synchronized (collection) {
                var read = executor.submit(() -> things.find(Filters.eq("k", 1)).into(new ArrayList<>()));
                assertThat(read.get(60, java.util.concurrent.TimeUnit.SECONDS)).hasSize(1);
                write = executor.submit(() -> things.updateOne(Filters.eq("k", 2), Updates.set("k", 3))
                        .getModifiedCount());
            }
            assertThat(write.get(60, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(1);
            assertThat(things.countDocuments(Filters.eq("k", 3))).isEqualTo(1);
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void queriesBesideWritesAnswerOnlyMatchingDocuments() throws Exception {
        MongoCollection<Document> things = collection(new PlannedH2Backend(new MVStore.Builder().open()));
        things.createIndex(Indexes.ascending("k", "n"));
        List<Document> seeded = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            seeded.add(new Document("_id", i).append("k", i % 4).append("n", i));
        }
        things.insertMany(seeded);
        var executor = java.util.concurrent.Executors.newFixedThreadPool(3);
        try {
            java.util.concurrent.Future<?> writer = executor.submit(() -> {
                java.util.Random random = new java.util.Random(17);
                for (int round = 0; round < 3_000; round++) {
                    things.updateOne(Filters.eq("_id", random.nextInt(200)), Updates.set("k", random.nextInt(4)));
                }
            });
            List<java.util.concurrent.Future<Integer>> readers = new ArrayList<>();
            for (int r = 0; r < 2; r++) {
                int k = r;
                readers.add(executor.submit(() -> {
                    int answered = 0;
                    while (!writer.isDone()) {
                        for (Document found : things.find(Filters.and(Filters.eq("k", k), Filters.gte("n", 50)))
                                .sort(Sorts.ascending("k", "n")).limit(20)) {
                            assertThat(found.getInteger("k")).isEqualTo(k);
                            assertThat(found.getInteger("n")).isGreaterThanOrEqualTo(50);
                            answered++;
                        }
                    }
                    return answered;
                }));
            }
            writer.get(120, java.util.concurrent.TimeUnit.SECONDS);
            for (var reader : readers) {
                assertThat(reader.get(120, java.util.concurrent.TimeUnit.SECONDS)).isPositive();
            }
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void answersHelloAsMongoDbDoesNotWithAnError() {
        collection(new PlannedH2Backend(new MVStore.Builder().open()));
        Document hello = backends.client(0).getDatabase("admin").runCommand(new Document("hello", 1));
        assertThat(hello.get("isWritablePrimary")).isEqualTo(true);
        assertThat(hello).doesNotContainKey("ismaster").containsKey("maxWireVersion");
        assertThat(StoreCapabilities.fromHello(hello).transactions()).isFalse();
    }

    @Test
    void aUniqueIndexThatCannotBeBuiltIsRefusedEveryTime() {
        MongoCollection<Document> things = collection(new PlannedH2Backend(new MVStore.Builder().open()));
        things.insertMany(List.of(new Document("k", 1), new Document("k", 2), new Document("k", 2)));
        for (int attempt = 0; attempt < 2; attempt++) {
            // the first failed build left entries behind, and the second attempt took them for a built index
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> things.createIndex(Indexes.ascending("k"),
                    new IndexOptions().unique(true))).as("attempt %d", attempt)
                    .isInstanceOf(com.mongodb.MongoException.class).hasMessageContaining("duplicate key");
        }
        assertThat(things.listIndexes().into(new ArrayList<>())).hasSize(1);
    }

    @Test
    void anAnsweredWriteIsInTheFileAsAKillWouldLeaveIt(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("crm.mv");
        // no background auto-commit: only the backend's own commit can bring the writes into the file
        MongoCollection<Document> things = collection(new PlannedH2Backend(
                new MVStore.Builder().fileName(file.toString()).autoCommitDisabled().open()));
        things.insertOne(new Document("_id", IDS.get(0)).append("name", "first"));
        things.updateOne(Filters.eq("_id", IDS.get(0)), Updates.set("name", "second"));
        things.insertOne(new Document("_id", IDS.get(1)).append("name", "third"));

        // the file as kill -9 leaves it: taken while the store is open, never closed or flushed
        Path copy = dir.resolve("killed.mv");
        Files.copy(file, copy);
        assertThat(collection(new PlannedH2Backend(copy.toString())).find().sort(Sorts.ascending("_id"))
                .into(new ArrayList<>())).containsExactly(
                        new Document("_id", IDS.get(0)).append("name", "second"),
                        new Document("_id", IDS.get(1)).append("name", "third"));
    }
}
