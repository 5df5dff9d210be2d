package io.crm.platform.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.servlet.FilterChain;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/**
 * One access-log line per request with the status the client got: the handler's, or the container's 500 when an
 * exception escapes the chain before anything was sent (that error dispatch is not filtered again).
 */
class CorrelationIdFilterTest {

    private final List<AccessLog.Line> written = new CopyOnWriteArrayList<>();
    private final AccessLog log = new AccessLog(16, new SimpleMeterRegistry(), written::add);
    private final CorrelationIdFilter filter = new CorrelationIdFilter(log);

    @AfterEach
    void close() throws InterruptedException {
        log.destroy();
    }

    private AccessLog.Line only() {
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> written.size() == 1);
        return written.get(0);
    }

    private static MockHttpServletRequest request() {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/api/v1/contacts");
        request.addHeader(CorrelationIdFilter.HEADER, "abc-123");
        return request;
    }

    @Test
    void theHandlersStatusIsLogged() throws Exception {
        filter.doFilter(request(), new MockHttpServletResponse(), (req, res) ->
                ((MockHttpServletResponse) res).setStatus(201));
        assertThat(only().status()).isEqualTo(201);
        assertThat(only().correlationId()).isEqualTo("abc-123");
    }

    @Test
    void anExceptionThatEscapesBeforeTheResponseIsSentIsLoggedAsThe500ItBecomes() {
        FilterChain failing = (req, res) -> {
            throw new IllegalStateException("a filter failed");
        };
        assertThatThrownBy(() -> filter.doFilter(request(), new MockHttpServletResponse(), failing))
                .hasMessage("a filter failed");
        assertThat(only().status()).isEqualTo(500);
    }

    @Test
    void anExceptionAfterTheResponseWasSentKeepsTheStatusTheClientGot() {
        MockHttpServletResponse response = new MockHttpServletResponse();
        FilterChain failing = (req, res) -> {
            res.getWriter().write("{}");
            res.flushBuffer();
            throw new java.io.IOException("the client went away");
        };
        assertThatThrownBy(() -> filter.doFilter(request(), response, failing)).hasMessage("the client went away");
        assertThat(only().status()).isEqualTo(200);
    }
}
