package io.crm.platform.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.http.HttpServletRequest;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.util.unit.DataSize;

/** A body is measured before anything parses it; a request that cannot carry one passes untouched. */
class BodySizeLimitFilterTest {

    private final BodySizeLimitFilter filter = new BodySizeLimitFilter(
            new LimitsProperties(DataSize.ofBytes(10), 64, 1000, 100, 10, 10, 10, 10));
    private final AtomicReference<ServletRequest> passed = new AtomicReference<>();
    private final FilterChain chain = (request, response) -> passed.set(request);

    private static MockHttpServletRequest request(String method, String protocol, String body, String... headers) {
        MockHttpServletRequest request = new MockHttpServletRequest(method, "/api/v1/contacts");
        request.setProtocol(protocol);
        if (body != null) {
            request.setContent(body.getBytes(StandardCharsets.UTF_8));
        }
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request.addHeader(headers[i], headers[i + 1]);
        }
        return request;
    }

    /** MockHttpServletRequest reports its content's length; a chunked request has none. */
    private static MockHttpServletRequest chunked(String protocol, String body) {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/api/v1/contacts") {
            @Override
            public int getContentLength() {
                return -1;
            }

            @Override
            public long getContentLengthLong() {
                return -1;
            }
        };
        request.setProtocol(protocol);
        request.setContent(body.getBytes(StandardCharsets.UTF_8));
        if (protocol.startsWith("HTTP/1.")) {
            request.addHeader("Transfer-Encoding", "chunked");
        }
        return request;
    }

    @Test
    void aRequestWithoutContentLengthOrTransferEncodingHasNoBodyAndIsPassedAsItCame() throws Exception {
        MockHttpServletRequest get = request("GET", "HTTP/1.1", null);
        MockHttpServletResponse response = new MockHttpServletResponse();
        filter.doFilter(get, response, chain);
        assertThat(passed.get()).isSameAs(get); // not wrapped: nothing was read or buffered
        assertThat(response.getStatus()).isEqualTo(200);
    }

    @Test
    void aDeclaredLengthOverTheLimitIs413WithoutReadingTheBody() throws Exception {
        MockHttpServletRequest post = request("POST", "HTTP/1.1", "{\"name\":\"far too long\"}");
        MockHttpServletResponse response = new MockHttpServletResponse();
        filter.doFilter(post, response, chain);
        assertThat(response.getStatus()).isEqualTo(413);
        assertThat(passed.get()).isNull();
    }

    @Test
    void aChunkedBodyIsReadUpToTheLimitAndRefusedBeyondIt() throws Exception {
        MockHttpServletResponse refused = new MockHttpServletResponse();
        filter.doFilter(chunked("HTTP/1.1", "{\"name\":\"far too long\"}"), refused, chain);
        assertThat(refused.getStatus()).isEqualTo(413);
        assertThat(passed.get()).isNull();

        filter.doFilter(chunked("HTTP/1.1", "{\"n\":\"ok\"}"), new MockHttpServletResponse(), chain);
        HttpServletRequest buffered = (HttpServletRequest) passed.get();
        assertThat(buffered.getContentLengthLong()).isEqualTo(10);
        assertThat(new String(buffered.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                .isEqualTo("{\"n\":\"ok\"}");
    }

    @Test
    void onHttp2ABodyNeedsNeitherHeaderSoOneOfUnknownLengthIsStillMeasured() throws Exception {
        MockHttpServletResponse refused = new MockHttpServletResponse();
        filter.doFilter(chunked("HTTP/2.0", "{\"name\":\"far too long\"}"), refused, chain);
        assertThat(refused.getStatus()).isEqualTo(413);
        assertThat(passed.get()).isNull();
    }
}
