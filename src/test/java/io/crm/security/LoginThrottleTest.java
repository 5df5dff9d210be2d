package io.crm.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import io.crm.support.MutableClock;
import io.crm.support.TestMongo;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The shared throttle's rules, against the MongoDB-wire store with a controlled clock. Two LoginThrottle instances
 * on one collection stand for two replicas.
 */
class LoginThrottleTest {

    private static final SecurityProperties.RateLimit LIMITS = new SecurityProperties.RateLimit(
            3, Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofHours(24),
            8, Duration.ofMinutes(10), 20, Duration.ofHours(1));

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T10:00:00Z"));
    private MongoClient client;
    private MongoCollection<Document> collection;
    private LoginThrottle replicaA;
    private LoginThrottle replicaB;

    @BeforeEach
    void store() {
        client = MongoClients.create(TestMongo.uri("throttle_test"));
        collection = client.getDatabase("throttle_test").getCollection(LoginThrottle.COLLECTION);
        collection.drop();
        replicaA = new LoginThrottle(collection, LIMITS, clock);
        replicaB = new LoginThrottle(collection, LIMITS, clock);
    }

    @AfterEach
    void close() {
        client.close();
    }

    private LoginThrottle.Attempt fail(LoginThrottle throttle, String account, String address) {
        LoginThrottle.Attempt attempt = throttle.begin(account, address);
        if (!attempt.refused()) {
            throttle.failed(attempt);
        }
        return attempt;
    }

    private void advance(Duration by) {
        clock.advance(by);
    }

    @Test
    void failuresOfOnePairAcrossReplicasLeadToGrowingWaits() {
        for (int i = 0; i < 3; i++) {
            assertThat(fail(i % 2 == 0 ? replicaA : replicaB, "ada@example.test", "203.0.113.9").refused()).isFalse();
        }
        LoginThrottle.Attempt waiting = replicaB.begin("ada@example.test", "203.0.113.9");
        assertThat(waiting.refused()).isTrue();
        assertThat(waiting.retryAfter()).isEqualTo(Duration.ofSeconds(10));
        assertThat(replicaA.begin("ada@example.test", "203.0.113.9").refused()).isTrue();

        advance(Duration.ofSeconds(10));
        assertThat(fail(replicaA, "ada@example.test", "203.0.113.9").refused()).isFalse();
        assertThat(replicaB.begin("ada@example.test", "203.0.113.9").retryAfter()).isEqualTo(Duration.ofSeconds(20));
        advance(Duration.ofSeconds(20));
        fail(replicaB, "ada@example.test", "203.0.113.9");
        assertThat(replicaA.begin("ada@example.test", "203.0.113.9").retryAfter()).isEqualTo(Duration.ofSeconds(40));
        advance(Duration.ofSeconds(40));
        fail(replicaB, "ada@example.test", "203.0.113.9");
        assertThat(replicaA.begin("ada@example.test", "203.0.113.9").retryAfter()).as("capped")
                .isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void theOwnerFromAnotherAddressSignsInWhileAStrangerIsThrottled() {
        for (int i = 0; i < 3; i++) {
            fail(replicaA, "ada@example.test", "203.0.113.9");
        }
        assertThat(replicaA.begin("ada@example.test", "203.0.113.9").refused()).isTrue();

        LoginThrottle.Attempt owner = replicaB.begin("ada@example.test", "198.51.100.7");
        assertThat(owner.refused()).isFalse();
        replicaB.succeeded(owner);
        assertThat(replicaA.begin("ada@example.test", "203.0.113.9").refused()).as("still throttled").isTrue();
    }

    @Test
    void aSuccessfulSignInForgetsThePairsFailures() {
        fail(replicaA, "ada@example.test", "198.51.100.7");
        fail(replicaA, "ada@example.test", "198.51.100.7");
        LoginThrottle.Attempt ok = replicaB.begin("ada@example.test", "198.51.100.7");
        replicaB.succeeded(ok);
        // three more failures are free again
        for (int i = 0; i < 3; i++) {
            assertThat(fail(replicaA, "ada@example.test", "198.51.100.7").refused()).isFalse();
        }
        assertThat(replicaA.begin("ada@example.test", "198.51.100.7").refused()).isTrue();
    }

    @Test
    void oneAddressSprayingManyAccountsIsStoppedAcrossReplicas() {
        for (int i = 0; i < 8; i++) {
            assertThat(fail(i % 2 == 0 ? replicaA : replicaB, "user" + i + "@example.test", "203.0.113.9")
                    .refused()).isFalse();
        }
        LoginThrottle.Attempt refused = replicaA.begin("user99@example.test", "203.0.113.9");
        assertThat(refused.refused()).isTrue();
        assertThat(refused.retryAfter()).isPositive().isLessThanOrEqualTo(Duration.ofMinutes(10));
        assertThat(replicaB.begin("user99@example.test", "198.51.100.7").refused()).as("other addresses").isFalse();
        advance(Duration.ofMinutes(10));
        assertThat(replicaA.begin("user99@example.test", "203.0.113.9").refused()).as("next window").isFalse();
    }

    @Test
    void successesDoNotCountTowardsTheAddressOrAccountLimits() {
        for (int i = 0; i < 30; i++) {
            LoginThrottle.Attempt attempt = (i % 2 == 0 ? replicaA : replicaB).begin("ada@example.test", "10.1.1.1");
            assertThat(attempt.refused()).as("attempt " + i).isFalse();
            replicaA.succeeded(attempt);
        }
    }

    @Test
    void manyAddressesAgainstOneAccountHitTheMuchHigherCeiling() {
        for (int i = 0; i < 20; i++) {
            assertThat(fail(replicaA, "ada@example.test", "203.0.113." + i).refused()).isFalse();
        }
        assertThat(replicaB.begin("ada@example.test", "198.51.100.7").refused()).isTrue();
        assertThat(replicaB.begin("bob@example.test", "198.51.100.7").refused()).isFalse();
    }

    @Test
    void refusedAttemptsDoNotUseUpTheWindows() {
        for (int i = 0; i < 3; i++) {
            fail(replicaA, "ada@example.test", "203.0.113.9");
        }
        for (int i = 0; i < 50; i++) {
            assertThat(replicaA.begin("ada@example.test", "203.0.113.9").refused()).isTrue();
        }
        // the address has used 3 of its 8
        for (int i = 0; i < 5; i++) {
            assertThat(fail(replicaB, "other" + i + "@example.test", "203.0.113.9").refused()).isFalse();
        }
        assertThat(replicaB.begin("other9@example.test", "203.0.113.9").refused()).isTrue();
    }

    @Test
    void oldCountersAreCleanedUp() {
        fail(replicaA, "ada@example.test", "203.0.113.9");
        assertThat(collection.countDocuments()).isEqualTo(3);
        advance(Duration.ofHours(25));
        assertThat(replicaB.deleteExpired()).isEqualTo(3);
    }

    @Test
    void aHugeAccountNameIsStoredAsAHash() {
        String huge = "x".repeat(10_000);
        fail(replicaA, huge, "203.0.113.9");
        assertThat(collection.find().into(new java.util.ArrayList<>()).toString()).doesNotContain("xxxxxxxxxxxxxxxxxxxx");
    }
}
