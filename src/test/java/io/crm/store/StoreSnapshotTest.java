package io.crm.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Updates;
import org.awaitility.Awaitility;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded store's online copy: consistent, as of one instant, while writers go on. */
class StoreSnapshotTest {

    private static final int WRITERS = 4;

    @TempDir
    Path dir;

    @Test
    void aCopyTakenUnderWritesHoldsEveryAcknowledgedWriteAndWholeCommandsOnly() throws Exception {
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        StoreSnapshot snapshot;
        Set<String> acknowledgedBefore;
        try (EmbeddedStore store = EmbeddedStore.start(dir.resolve("live"), "127.0.0.1", 0);
             MongoClient client = MongoClients.create(store.connectionString("crm_db"))) {
            MongoCollection<Document> people = client.getDatabase("crm_db").getCollection("people");
            people.createIndex(Indexes.ascending("person_id"), new IndexOptions().unique(true));
            AtomicBoolean stop = new AtomicBoolean();
            ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
            try {
                List<Future<?>> writers = java.util.stream.IntStream.range(0, WRITERS)
                        .<Future<?>>mapToObj(w -> pool.submit(() -> write(people, w, stop, acknowledged)))
                        .toList();
                Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> acknowledged.size() >= 1_000);
                acknowledgedBefore = Set.copyOf(acknowledged);
                snapshot = store.snapshot(dir.resolve("copy.mv"));
                int afterSnapshot = acknowledged.size();
                Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> acknowledged.size() > afterSnapshot + 50);
                stop.set(true);
                for (Future<?> writer : writers) {
                    writer.get();
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(acknowledged.size()).as("writes went on after the snapshot")
                    .isGreaterThan(snapshot.documents().get("crm_db.people").intValue());
        }

        assertThat(EmbeddedStore.documents(dir.resolve("copy.mv"))).isEqualTo(snapshot.documents());
        Path restored = Files.createDirectories(dir.resolve("restored"));
        Files.copy(dir.resolve("copy.mv"), restored.resolve(EmbeddedStore.FILE_NAME));
        try (EmbeddedStore store = EmbeddedStore.start(restored, "127.0.0.1", 0);
             MongoClient client = MongoClients.create(store.connectionString("crm_db"))) {
            MongoCollection<Document> people = client.getDatabase("crm_db").getCollection("people");
            Set<String> copied = ConcurrentHashMap.newKeySet();
            for (Document person : people.find()) {
                copied.add(person.getString("person_id"));
                // each document is whole: its update (a second field set in the same command) or none of it
                assertThat(person.getInteger("n")).isEqualTo(person.getInteger("n2"));
            }
            assertThat(copied).containsAll(acknowledgedBefore).hasSize(snapshot.documents().get("crm_db.people")
                    .intValue());
            // the unique index came along with its documents: every one is found through it, a duplicate is refused
            for (String id : acknowledgedBefore) {
                assertThat(people.countDocuments(Filters.eq("person_id", id))).isEqualTo(1);
            }
            String any = acknowledgedBefore.iterator().next();
            assertThatThrownBy(() -> people.insertOne(new Document("person_id", any)))
                    .hasMessageContaining("duplicate key");
        }
    }

    @Test
    void countsAreOfTheServicesCollectionsOnly() {
        try (EmbeddedStore store = EmbeddedStore.start(dir.resolve("live"), "127.0.0.1", 0);
             MongoClient client = MongoClients.create(store.connectionString("crm_db"))) {
            client.getDatabase("crm_db").getCollection("people").createIndex(Indexes.ascending("name"));
            client.getDatabase("crm_db").getCollection("people").insertOne(new Document("name", "Ada"));
            client.getDatabase("crm_db").getCollection("empty").createIndex(Indexes.ascending("x"));
            assertThat(store.snapshot(dir.resolve("copy.mv")).documents())
                    .isEqualTo(Map.of("crm_db.people", 1L, "crm_db.empty", 0L));
        }
    }

    @Test
    void onlyCommandsThatMayWriteHoldASnapshotBack() {
        for (String read : List.of("find", "getMore", "count", "distinct", "listIndexes", "hello", "isMaster")) {
            assertThat(PlannedH2Backend.readOnly(read, new de.bwaldvogel.mongo.bson.Document())).as(read).isTrue();
        }
        for (String write : List.of("insert", "update", "delete", "findAndModify", "createIndexes", "drop",
                "dropDatabase", "renameCollection", "somethingNew")) {
            assertThat(PlannedH2Backend.readOnly(write, new de.bwaldvogel.mongo.bson.Document())).as(write).isFalse();
        }
        assertThat(PlannedH2Backend.readOnly("aggregate", new de.bwaldvogel.mongo.bson.Document("pipeline",
                List.of(new de.bwaldvogel.mongo.bson.Document("$match", new de.bwaldvogel.mongo.bson.Document())))))
                .isTrue();
        assertThat(PlannedH2Backend.readOnly("aggregate", new de.bwaldvogel.mongo.bson.Document("pipeline",
                List.of(new de.bwaldvogel.mongo.bson.Document("$out", "copy"))))).isFalse();
        assertThat(PlannedH2Backend.readOnly("aggregate", new de.bwaldvogel.mongo.bson.Document("pipeline",
                List.of(new de.bwaldvogel.mongo.bson.Document("$merge", "copy"))))).isFalse();
    }

    private static void write(MongoCollection<Document> people, int writer, AtomicBoolean stop,
                              Set<String> acknowledged) {
        for (int i = 0; !stop.get(); i++) {
            String id = writer + "-" + i;
            people.insertOne(new Document("person_id", id).append("n", 0).append("n2", 0));
            people.updateOne(Filters.eq("person_id", id), Updates.combine(Updates.set("n", 1), Updates.set("n2", 1)));
            acknowledged.add(id);
        }
    }
}
