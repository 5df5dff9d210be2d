package io.crm.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import io.crm.support.TestMongo;
import net.javacrumbs.shedlock.core.ClockProvider;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.SimpleLock;
import net.javacrumbs.shedlock.provider.mongo.MongoLockProvider;
import net.javacrumbs.shedlock.support.KeepAliveLockProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Replicas sharing one store: one runs a job at a time, every run is logged by name, and a dead holder is replaced. */
class JobLeasesTest {

    private static MongoClient client;
    private static ScheduledExecutorService keepAlive;
    private MongoDatabase database;
    private JobLog log;

    @BeforeAll
    static void connect() {
        client = MongoClients.create(TestMongo.uri("job_leases"));
        keepAlive = Executors.newSingleThreadScheduledExecutor();
    }

    @AfterAll
    static void disconnect() {
        client.close();
        keepAlive.shutdownNow();
    }

    @BeforeEach
    void fresh() {
        database = client.getDatabase("job_leases");
        database.drop();
        log = new JobLog(database.getCollection(JobLog.COLLECTION), Clock.systemUTC(), Duration.ofDays(7));
    }

    /** A replica: its own lock provider over the shared database, kept alive as in the service, as in its own process. */
    private JobLeases replica(String name, Duration lease) {
        return new JobLeases(new KeepAliveLockProvider(new MongoLockProvider(database), keepAlive), log, name, lease);
    }

    private static LeasedJob job(String name, Duration every, Supplier<String> work) {
        return new LeasedJob() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Duration every() {
                return every;
            }

            @Override
            public String run() {
                return work.get();
            }
        };
    }

    @Test
    void whileOneReplicaRunsAJobAnotherDoesNot() {
        JobLeases a = replica("a", Duration.ofMinutes(1));
        JobLeases b = replica("b", Duration.ofMinutes(1));
        AtomicBoolean bRanInside = new AtomicBoolean();
        LeasedJob quick = job("sweep", Duration.ofMinutes(1), () -> "nothing");
        LeasedJob blocking = job("sweep", Duration.ofMinutes(1), () -> {
            // b tries from its own thread while a's run is in progress
            Thread other = new Thread(() -> bRanInside.set(b.runNow(quick)));
            other.start();
            try {
                other.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return "swept";
        });

        assertThat(a.runNow(blocking)).isTrue();
        assertThat(bRanInside).isFalse();
        // runNow keeps the lease only while it runs: b may run it now
        assertThat(b.runNow(quick)).isTrue();

        List<Map<String, Object>> runs = log.recent("sweep", 10);
        assertThat(runs).extracting(r -> r.get("instance")).containsExactly("b", "a");
        assertThat(runs).extracting(r -> r.get("outcome")).containsOnly("ok");
        assertThat(runs.get(1).get("detail")).isEqualTo("swept");
        assertThat(runs.get(1).get("endedAt")).isNotNull();
    }

    @Test
    void aTickKeepsTheLeaseForMostOfTheIntervalSoTheFleetRunsTheJobAboutOncePerInterval() {
        JobLeases a = replica("a", Duration.ofMinutes(1));
        JobLeases b = replica("b", Duration.ofMinutes(1));
        AtomicInteger runs = new AtomicInteger();
        LeasedJob job = job("expiry", Duration.ofSeconds(2), () -> "run " + runs.incrementAndGet());

        assertThat(a.tick(job)).isTrue();
        assertThat(b.tick(job)).isFalse();
        assertThat(a.tick(job)).isFalse();
        assertThat(runs).hasValue(1);
        // 90 % of the interval later, the next tick of any replica runs it
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> b.tick(job));
        assertThat(log.recent("expiry", 10)).extracting(r -> r.get("instance")).containsExactly("b", "a");
    }

    @Test
    void aFailedRunIsLoggedAsFailedAndFreesTheLease() {
        JobLeases a = replica("a", Duration.ofMinutes(1));
        LeasedJob failing = job("broken", Duration.ofMinutes(1), () -> {
            throw new IllegalStateException("store said no");
        });

        assertThat(a.runNow(failing)).isTrue();

        Map<String, Object> run = log.recent("broken", 1).get(0);
        assertThat(run.get("outcome")).isEqualTo("failed");
        assertThat((String) run.get("detail")).contains("store said no");
        assertThat(replica("b", Duration.ofMinutes(1)).runNow(job("broken", Duration.ofMinutes(1), () -> "ok")))
                .isTrue();
    }

    @Test
    void aReplicaThatDiedDuringARunIsReplacedWhenTheLeaseRunsOut() {
        Duration lease = Duration.ofSeconds(2);
        // the dead replica took the lease and logged its start, then was killed (-9): no end, no release
        Optional<SimpleLock> dead = new MongoLockProvider(database).lock(new LockConfiguration(ClockProvider.now(),
                "sweep", lease, Duration.ZERO));
        assertThat(dead).isPresent();
        log.started("sweep", "dead");
        Instant died = Instant.now();
        JobLeases survivor = replica("survivor", Duration.ofMinutes(1));
        LeasedJob job = job("sweep", Duration.ofSeconds(1), () -> "swept");

        assertThat(survivor.tick(job)).isFalse();
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50)).until(() -> survivor.tick(job));

        Duration takeover = Duration.between(died, Instant.now());
        assertThat(takeover).isGreaterThanOrEqualTo(lease.minusMillis(100)).isLessThan(lease.plusSeconds(5));
        List<Map<String, Object>> runs = new ArrayList<>(log.recent("sweep", 10));
        assertThat(runs).extracting(r -> r.get("instance")).containsExactly("survivor", "dead");
        assertThat(runs.get(1).get("endedAt")).isNull();
        assertThat(runs.get(1).get("outcome")).isEqualTo("running");
    }

    @Test
    void theInstanceIdIsTheConfiguredOneElseHostAndProcess() {
        assertThat(JobsConfiguration.instanceId(" crm-7d9f-0 ")).isEqualTo("crm-7d9f-0");
        assertThat(JobsConfiguration.instanceId("")).endsWith("/" + ProcessHandle.current().pid());
        assertThat(JobsConfiguration.instanceId(null)).endsWith("/" + ProcessHandle.current().pid());
    }
}
