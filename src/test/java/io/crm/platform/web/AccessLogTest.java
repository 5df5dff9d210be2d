package io.crm.platform.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The access log's queue: lines reach the log with their fields, off the request's thread; a full queue drops and
 * counts without making the request wait; shutdown writes what is still queued.
 */
class AccessLogTest {

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final List<AccessLog.Line> written = new CopyOnWriteArrayList<>();
    /** Held by the writer while it writes its first line, until the test lets it go on. */
    private final CountDownLatch writing = new CountDownLatch(1);
    private final CountDownLatch goOn = new CountDownLatch(1);
    private AccessLog log;

    @AfterEach
    void close() throws InterruptedException {
        goOn.countDown();
        if (log != null) {
            log.destroy();
        }
    }

    private static AccessLog.Line line(int n) {
        return new AccessLog.Line("GET", "/api/v1/contacts/" + n, 200, n, "c-" + n);
    }

    /** A writer that stops at its first line until {@link #goOn}, so the queue fills up behind it. */
    private Consumer<AccessLog.Line> stuckWriter() {
        return line -> {
            written.add(line);
            writing.countDown();
            try {
                assertThat(goOn.await(30, TimeUnit.SECONDS)).isTrue();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
    }

    private double dropped() {
        return meters.counter(AccessLog.DROPPED).count();
    }

    @Test
    void linesReachTheAccessLogWithTheirFieldsFromAnotherThread() {
        Logger access = (Logger) LoggerFactory.getLogger("access");
        ListAppender<ILoggingEvent> events = new ListAppender<>();
        events.start();
        access.addAppender(events);
        // other tests in this JVM change log levels (a command-line mode quiets everything below WARN)
        Level level = access.getLevel();
        access.setLevel(Level.INFO);
        try {
            log = new AccessLog(meters);
            log.add(new AccessLog.Line("POST", "/api/v1/contacts", 201, 7, "abc-123"));
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !events.list.isEmpty());
            ILoggingEvent event = events.list.get(0);
            assertThat(event.getFormattedMessage()).isEqualTo("POST /api/v1/contacts 201 7ms correlationId=abc-123");
            assertThat(event.getMDCPropertyMap()).isEqualTo(Map.of("correlationId", "abc-123",
                    "http.request.method", "POST", "url.path", "/api/v1/contacts",
                    "http.response.status_code", "201", "event.duration_ms", "7"));
            assertThat(event.getThreadName()).isEqualTo("access-log");
        } finally {
            access.detachAppender(events);
            access.setLevel(level);
        }
        assertThat(dropped()).isZero();
    }

    @Test
    void aFullQueueDropsAndCountsWithoutMakingTheRequestWait() throws InterruptedException {
        log = new AccessLog(2, meters, stuckWriter());
        log.add(line(1));
        assertThat(writing.await(10, TimeUnit.SECONDS)).isTrue();
        // the writer is stuck on line 1; lines 2 and 3 fill the queue, 4 and 5 find it full
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            for (int n = 2; n <= 5; n++) {
                log.add(line(n));
            }
        });
        assertThat(dropped()).isEqualTo(2);

        goOn.countDown();
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> written.size() == 3);
        assertThat(written).containsExactly(line(1), line(2), line(3));
        log.add(line(6));
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> written.size() == 4);
        assertThat(dropped()).as("room again").isEqualTo(2);
    }

    @Test
    void shutdownWritesWhatIsStillQueued() throws InterruptedException {
        log = new AccessLog(100, meters, stuckWriter());
        for (int n = 1; n <= 50; n++) {
            log.add(line(n));
        }
        assertThat(writing.await(10, TimeUnit.SECONDS)).isTrue();
        goOn.countDown();
        log.destroy();
        assertThat(written).hasSize(50).containsExactlyElementsOf(
                java.util.stream.IntStream.rangeClosed(1, 50).mapToObj(AccessLogTest::line).toList());

        // a line that comes in after shutdown is written at once, not queued for nobody
        log.add(line(51));
        assertThat(written).hasSize(51).last().isEqualTo(line(51));
        assertThat(dropped()).isZero();
    }
}
