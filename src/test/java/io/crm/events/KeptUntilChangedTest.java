package io.crm.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import io.crm.support.TestMongo;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Kept while nothing changed, computed anew after a change or while one waits, once at a time, failures not kept. */
class KeptUntilChangedTest {

    private static final EventSource DEALS = new EventSource("deal", "deals");
    private static MongoClient client;
    private ChangeTokens tokens;
    private KeptUntilChanged<String, Integer> kept;
    private final AtomicInteger computed = new AtomicInteger();

    @BeforeAll
    static void connect() {
        client = MongoClients.create(TestMongo.uri("kept_until_changed"));
    }

    @AfterAll
    static void disconnect() {
        client.close();
    }

    @BeforeEach
    void fresh() {
        MongoDatabase database = client.getDatabase("kept_until_changed");
        database.drop();
        tokens = new ChangeTokens(database);
        kept = new KeptUntilChanged<>(tokens, 10);
    }

    private int compute() {
        return computed.incrementAndGet();
    }

    private void dealChanged() {
        tokens.accept(List.of(new Event(new ObjectId(), "deal.updated", Instant.now(), new Actor("u", "Ann"), "deal",
                new ObjectId().toHexString(), List.of(), 2)));
    }

    @Test
    void keptUntilAChangeOfItsCollectionIsRelayed() {
        assertThat(kept.get(DEALS, "totals", this::compute)).isEqualTo(1);
        assertThat(kept.get(DEALS, "totals", this::compute)).isEqualTo(1);
        assertThat(kept.get(DEALS, "other key", this::compute)).isEqualTo(2);
        dealChanged();
        assertThat(kept.get(DEALS, "totals", this::compute)).isEqualTo(3);
        assertThat(kept.get(DEALS, "totals", this::compute)).isEqualTo(3);
    }

    @Test
    void computedEachTimeWhileAChangeWaitsToBeRelayed() {
        client.getDatabase("kept_until_changed").getCollection("deals").insertOne(new Document("_id", new ObjectId())
                .append(Outbox.META, new Document(Outbox.FIELD, List.of(new Event(new ObjectId(), "deal.created",
                        Instant.now(), new Actor("u", "Ann"), "deal", "x", List.of(), 1).toDocument()))));
        assertThat(kept.get(DEALS, "totals", this::compute)).isEqualTo(1);
        assertThat(kept.get(DEALS, "totals", this::compute)).isEqualTo(2);
    }

    @Test
    void askersMeanwhileWaitForTheOneComputation() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Integer> first = CompletableFuture.supplyAsync(() -> kept.get(DEALS, "totals", () -> {
            started.countDown();
            try {
                assertThat(release.await(10, TimeUnit.SECONDS)).isTrue();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return compute();
        }));
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<Integer> second = CompletableFuture.supplyAsync(() -> kept.get(DEALS, "totals",
                this::compute));
        // the second asker waits (it does not compute a second time)
        assertThat(second.completeOnTimeout(-1, 300, TimeUnit.MILLISECONDS).get()).isEqualTo(-1);
        release.countDown();
        assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo(1);
        assertThat(kept.get(DEALS, "totals", this::compute)).isEqualTo(1);
        assertThat(computed.get()).isEqualTo(1);
    }

    @Test
    void aFailureIsNotKept() {
        assertThatThrownBy(() -> kept.get(DEALS, "totals", () -> {
            throw new IllegalStateException("timed out");
        })).isInstanceOf(IllegalStateException.class).hasMessage("timed out");
        assertThat(kept.get(DEALS, "totals", this::compute)).isEqualTo(1);
    }
}
