package io.crm.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import io.crm.support.TestMongo;
import net.javacrumbs.shedlock.core.ClockProvider;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.SimpleLock;
import net.javacrumbs.shedlock.provider.mongo.MongoLockProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** One relay at a time across replicas, and a dead holder replaced once its lease has run out. */
class RelayLeaseTest {

    private static MongoClient client;
    private MongoDatabase database;

    @BeforeAll
    static void connect() {
        client = MongoClients.create(TestMongo.uri("relay_lease"));
    }

    @AfterAll
    static void disconnect() {
        client.close();
    }

    @BeforeEach
    void fresh() {
        database = client.getDatabase("relay_lease");
        database.drop();
    }

    @Test
    void whileOneReplicaRelaysAnotherDoesNot() {
        // two replicas: their own lock providers over the same database
        EventRelay.Lease first = EventsConfiguration.lease(new MongoLockProvider(database), Duration.ofSeconds(10));
        EventRelay.Lease second = EventsConfiguration.lease(new MongoLockProvider(database), Duration.ofSeconds(10));
        AtomicBoolean secondRanInside = new AtomicBoolean();

        // the other replica tries while the first one relays (its own thread, as in its own process)
        boolean firstRan = first.runIfHeld(() -> {
            Thread other = new Thread(() -> secondRanInside.set(second.runIfHeld(() -> { })));
            other.start();
            try {
                other.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });

        assertThat(firstRan).isTrue();
        assertThat(secondRanInside).isFalse();
        // released after the run: the other replica may relay now
        assertThat(second.runIfHeld(() -> { })).isTrue();
    }

    @Test
    void aHolderThatDiedIsReplacedWhenItsLeaseRunsOut() {
        Duration lease = Duration.ofSeconds(2);
        // the dead replica took the lease and never released it (kill -9 in the middle of a run)
        Optional<SimpleLock> dead = new MongoLockProvider(database).lock(new LockConfiguration(ClockProvider.now(),
                EventsConfiguration.RELAY_LEASE, lease, Duration.ZERO));
        assertThat(dead).isPresent();
        Instant died = Instant.now();
        EventRelay.Lease survivor = EventsConfiguration.lease(new MongoLockProvider(database), lease);

        assertThat(survivor.runIfHeld(() -> { })).isFalse();
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50))
                .until(() -> survivor.runIfHeld(() -> { }));

        Duration takeover = Duration.between(died, Instant.now());
        assertThat(takeover).isGreaterThanOrEqualTo(lease.minusMillis(100)).isLessThan(lease.plusSeconds(5));
    }
}
