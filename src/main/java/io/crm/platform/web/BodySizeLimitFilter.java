package io.crm.platform.web;

import java.io.ByteArrayInputStream;
import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Rejects request bodies over {@code crm.limits.max-body-size} with 413 before anything parses them: by
 * Content-Length when given, otherwise (a chunked body) by reading at most limit + 1 bytes. Multipart uploads (CSV
 * imports) have their own, larger limit (spring.servlet.multipart.*); so do raw messages posted to the inbound mail
 * endpoint (message/rfc822, crm.inbound.max-message-size, which its handler enforces while reading).
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
public class BodySizeLimitFilter extends OncePerRequestFilter {

    private final long limit;

    public BodySizeLimitFilter(LimitsProperties limits) {
        this.limit = limits.maxBodySize().toBytes();
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String contentType = request.getContentType();
        if (contentType != null && (contentType.toLowerCase().startsWith("multipart/")
                || contentType.toLowerCase().startsWith("message/rfc822"))) {
            chain.doFilter(request, response);
            return;
        }
        long declared = request.getContentLengthLong();
        if (declared > limit) {
            tooLarge(request, response);
            return;
        }
        if (declared >= 0 || !mayCarryBodyOfUnknownLength(request)) {
            chain.doFilter(request, response);
            return;
        }
        // Chunked body of unknown length: buffer up to the limit.
        byte[] body = request.getInputStream().readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
        if (body.length > limit) {
            tooLarge(request, response);
            return;
        }
        chain.doFilter(new BufferedBody(request, body), response);
    }

    /**
     * HTTP/1.x frames a request body by Content-Length or Transfer-Encoding (RFC 9112, 6.3): with neither there is
     * none, as on almost every GET, and buffering it would cost a 16 KiB read buffer per request for nothing. HTTP/2
     * frames a body itself, so there one may come without either header.
     */
    private static boolean mayCarryBodyOfUnknownLength(HttpServletRequest request) {
        return request.getHeader("Transfer-Encoding") != null || !request.getProtocol().startsWith("HTTP/1.");
    }

    private void tooLarge(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setHeader("Connection", "close");
        ErrorBodies.write(request, response, 413, "Content too large",
                "Request body exceeds the limit of " + limit + " bytes");
    }

    private static final class BufferedBody extends HttpServletRequestWrapper {
        private final byte[] body;

        BufferedBody(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    return in.read(b, off, len);
                }

                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new UnsupportedOperationException("synchronous body");
                }
            };
        }

        @Override
        public int getContentLength() {
            return body.length;
        }

        @Override
        public long getContentLengthLong() {
            return body.length;
        }
    }
}
