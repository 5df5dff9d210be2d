package io.crm.platform.web;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * The access log: one line per request (logger {@code access}), written by a background thread from a bounded queue,
 * so a request never waits for the console. When the queue is full the line is dropped and counted
 * ({@value #DROPPED}, in Prometheus {@code crm_accesslog_dropped_total}); lines still queued are written when the
 * service shuts down (after the web server has stopped taking requests). See docs/operations.md "Logging".
 */
@Component
public class AccessLog implements DisposableBean {

    public static final String DROPPED = "crm.accesslog.dropped";
    /** Lines waiting at most: a burst of this many requests outpacing the console costs no line. */
    static final int CAPACITY = 8192;
    /** How long the writer waits for a line before it looks whether the service is shutting down. */
    private static final Duration IDLE_CHECK = Duration.ofMillis(200);
    private static final Duration FLUSH_TIMEOUT = Duration.ofSeconds(10);
    private static final int BATCH = 256;
    private static final Logger accessLog = LoggerFactory.getLogger("access");
    private static final Logger log = LoggerFactory.getLogger(AccessLog.class);

    /** One request's line. */
    public record Line(String method, String path, int status, long durationMs, String correlationId) {
    }

    private final BlockingQueue<Line> queue;
    private final Consumer<Line> writer;
    private final Counter dropped;
    private final Thread thread;
    private volatile boolean closed;

    @Autowired
    public AccessLog(MeterRegistry meters) {
        this(CAPACITY, meters, AccessLog::write);
    }

    /** {@code writer}: what writes one line (the log, or a test's). */
    AccessLog(int capacity, MeterRegistry meters, Consumer<Line> writer) {
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.writer = writer;
        this.dropped = Counter.builder(DROPPED)
                .description("Access-log lines dropped because the queue to the writer was full").register(meters);
        this.thread = new Thread(this::run, "access-log");
        // a JVM that stops without closing the context is not held up by it
        thread.setDaemon(true);
        thread.start();
    }

    /** Queues a request's line; never blocks: when the queue is full the line is dropped and counted. */
    public void add(Line line) {
        if (closed) {
            // after shutdown nothing drains the queue: written here, so no line is lost
            writeSafely(line);
        } else if (!queue.offer(line)) {
            dropped.increment();
        }
    }

    private void run() {
        List<Line> batch = new ArrayList<>(BATCH);
        while (true) {
            Line first;
            try {
                first = queue.poll(IDLE_CHECK.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (first == null) {
                if (closed) {
                    return;
                }
                continue;
            }
            batch.add(first);
            queue.drainTo(batch, BATCH - 1);
            batch.forEach(this::writeSafely);
            batch.clear();
        }
    }

    private void writeSafely(Line line) {
        try {
            writer.accept(line);
        } catch (RuntimeException e) {
            // one unwritable line must not stop the writer
            log.warn("Could not write an access-log line", e);
        }
    }

    /** Writes what is still queued, then stops the writer. */
    @Override
    public void destroy() throws InterruptedException {
        closed = true;
        thread.join(FLUSH_TIMEOUT.toMillis());
        // whatever the writer did not get to (it was stuck, or a line came in as it stopped)
        List<Line> rest = new ArrayList<>();
        queue.drainTo(rest);
        rest.forEach(this::writeSafely);
    }

    /** Today's line: the text, and the fields as MDC entries so the JSON formats carry them as separate keys. */
    static void write(Line line) {
        MDC.put(CorrelationIdFilter.MDC_KEY, line.correlationId());
        MDC.put("http.request.method", line.method());
        MDC.put("url.path", line.path());
        MDC.put("http.response.status_code", Integer.toString(line.status()));
        MDC.put("event.duration_ms", Long.toString(line.durationMs()));
        try {
            accessLog.info("{} {} {} {}ms correlationId={}", line.method(), line.path(), line.status(),
                    line.durationMs(), line.correlationId());
        } finally {
            MDC.clear();
        }
    }
}
