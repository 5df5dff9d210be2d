package io.crm.platform.web;

import java.io.IOException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * At most {@code crm.requests.max-active} requests are handled at once; the others wait for their turn in arrival
 * order for up to {@code crm.requests.max-wait}, then are answered 503 with Retry-After. Requests beyond what the
 * store can serve gain nothing by running at once: they wait for a connection from the driver's pool instead, where
 * background work waits behind them. Under 150 changes/s the event relay got no connection for 11 s while hundreds
 * of requests held the pool's 100 (BENCHMARKS.md, "Event latency again"). The probes pass by, so a busy replica is
 * not taken for a dead one.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 2)
public class ActiveRequestsFilter extends OncePerRequestFilter {

    private final Semaphore turns;
    private final long maxWaitNanos;
    private final Counter refused;

    public ActiveRequestsFilter(ActiveRequestsProperties properties, MeterRegistry meters) {
        this.turns = new Semaphore(properties.maxActive(), true);
        this.maxWaitNanos = properties.maxWait().toNanos();
        this.refused = Counter.builder("crm.requests.refused")
                .description("Requests answered 503 after waiting crm.requests.max-wait for their turn")
                .register(meters);
        Gauge.builder("crm.requests.waiting", turns, Semaphore::getQueueLength)
                .description("Requests waiting for their turn").register(meters);
        int maxActive = properties.maxActive();
        // read when scraped, nothing per request (the long-task timer that counted this is off: application.yaml)
        Gauge.builder("crm.requests.active", turns, t -> maxActive - t.availablePermits())
                .description("Requests being served, probes aside").register(meters);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (Paths.PROBES.matches(request)) {
            chain.doFilter(request, response);
            return;
        }
        boolean turn;
        try {
            turn = turns.tryAcquire(maxWaitNanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            turn = false;
        }
        if (!turn) {
            refused.increment();
            response.setHeader(HttpHeaders.RETRY_AFTER, "1");
            ErrorBodies.write(request, response, 503, "Service unavailable", Paths.isLegacy(request)
                    ? "Too many requests in progress, retry shortly"
                    : "Too many requests are in progress; retry shortly");
            return;
        }
        try {
            chain.doFilter(request, response);
        } finally {
            turns.release();
        }
    }
}
