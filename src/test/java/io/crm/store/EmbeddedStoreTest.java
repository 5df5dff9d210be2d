package io.crm.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded store over the real driver: data survives a restart, conditional writes are atomic. */
class EmbeddedStoreTest {

    @TempDir
    Path dataDir;

    @Test
    void dataSurvivesARestart() {
        try (EmbeddedStore store = EmbeddedStore.start(dataDir, "127.0.0.1", 0);
             MongoClient client = MongoClients.create(store.connectionString("crm_db"))) {
            client.getDatabase("crm_db").getCollection("persons").insertOne(new Document("person_id", "1"));
        }
        try (EmbeddedStore store = EmbeddedStore.start(dataDir, "127.0.0.1", 0);
             MongoClient client = MongoClients.create(store.connectionString("crm_db"))) {
            assertThat(client.getDatabase("crm_db").getCollection("persons").find(Filters.eq("person_id", "1"))
                    .first()).isNotNull();
        }
    }

    @Test
    void onlyOneOfManyConcurrentReplacesOfTheSameVersionWins() throws Exception {
        try (EmbeddedStore store = EmbeddedStore.start(dataDir, "127.0.0.1", 0);
             MongoClient client = MongoClients.create(store.connectionString("crm_db"))) {
            MongoCollection<Document> records = client.getDatabase("crm_db").getCollection("records");
            for (int round = 0; round < 5; round++) {
                records.insertOne(new Document("_id", round).append("version", 1));
                int id = round;
                int writers = 16;
                CountDownLatch go = new CountDownLatch(1);
                ExecutorService pool = Executors.newFixedThreadPool(writers);
                List<Future<Boolean>> results = new ArrayList<>();
                for (int i = 0; i < writers; i++) {
                    int writer = i;
                    results.add(pool.submit(() -> {
                        go.await();
                        return records.findOneAndReplace(Filters.and(Filters.eq("_id", id), Filters.eq("version", 1)),
                                new Document("version", 2).append("writer", writer)) != null;
                    }));
                }
                go.countDown();
                int winners = 0;
                for (Future<Boolean> result : results) {
                    winners += result.get() ? 1 : 0;
                }
                pool.shutdown();
                assertThat(winners).as("round %d", round).isEqualTo(1);
            }
        }
    }
}
