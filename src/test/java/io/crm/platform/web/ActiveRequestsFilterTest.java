package io.crm.platform.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.servlet.FilterChain;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/** One request at a time: a second waits its turn, then is refused with 503; probes pass by. */
class ActiveRequestsFilterTest {

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final ActiveRequestsFilter filter = new ActiveRequestsFilter(
            new ActiveRequestsProperties(1, Duration.ofMillis(200)), meters);

    private static MockHttpServletRequest get(String path) {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", path);
        request.setRequestURI(path);
        return request;
    }

    @Test
    void aRequestBeyondTheLimitWaitsItsTurnThenIsRefusedInTheApisShape() throws Exception {
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        FilterChain holding = (request, response) -> {
            inside.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ((jakarta.servlet.http.HttpServletResponse) response).setStatus(200);
        };
        var executor = Executors.newSingleThreadExecutor();
        try {
            Future<?> first = executor.submit(() -> {
                filter.doFilter(get("/api/v1/contacts"), new MockHttpServletResponse(), holding);
                return null;
            });
            assertThat(inside.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(meters.get("crm.requests.active").gauge().value()).isEqualTo(1);

            MockHttpServletResponse refused = new MockHttpServletResponse();
            long started = System.nanoTime();
            filter.doFilter(get("/api/v1/contacts"), refused, (request, response) -> {
                throw new AssertionError("no turn was free");
            });
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(150));
            assertThat(refused.getStatus()).isEqualTo(503);
            assertThat(refused.getHeader("Retry-After")).isEqualTo("1");
            assertThat(refused.getContentType()).isEqualTo("application/problem+json");
            assertThat(refused.getContentAsString()).contains("\"status\":503");

            MockHttpServletResponse legacy = new MockHttpServletResponse();
            filter.doFilter(get("/person/1"), legacy, (request, response) -> { });
            assertThat(legacy.getStatus()).isEqualTo(503);
            assertThat(legacy.getContentAsString()).startsWith("{\"error\":");
            assertThat(meters.counter("crm.requests.refused").count()).isEqualTo(2);

            // the probes are not counted: a busy replica still answers them
            MockHttpServletResponse health = new MockHttpServletResponse();
            filter.doFilter(get("/health"), health, (request, response) ->
                    ((jakarta.servlet.http.HttpServletResponse) response).setStatus(200));
            assertThat(health.getStatus()).isEqualTo(200);

            release.countDown();
            first.get(5, TimeUnit.SECONDS);
        } finally {
            executor.shutdownNow();
        }
        assertThat(meters.get("crm.requests.active").gauge().value()).isZero();
        // the turn is given back: the next request runs
        MockHttpServletResponse next = new MockHttpServletResponse();
        filter.doFilter(get("/api/v1/contacts"), next, (request, response) ->
                ((jakarta.servlet.http.HttpServletResponse) response).setStatus(204));
        assertThat(next.getStatus()).isEqualTo(204);
    }

    @Test
    void aTurnIsGivenBackWhenTheRequestFails() throws Exception {
        try {
            filter.doFilter(get("/api/v1/contacts"), new MockHttpServletResponse(), (request, response) -> {
                throw new IllegalStateException("boom");
            });
        } catch (Exception expected) {
            assertThat(expected).hasMessageContaining("boom");
        }
        MockHttpServletResponse next = new MockHttpServletResponse();
        filter.doFilter(get("/api/v1/contacts"), next, (request, response) ->
                ((jakarta.servlet.http.HttpServletResponse) response).setStatus(204));
        assertThat(next.getStatus()).isEqualTo(204);
    }
}
