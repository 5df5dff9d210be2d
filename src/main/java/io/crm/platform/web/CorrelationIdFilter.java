package io.crm.platform.web;

import java.io.IOException;
import java.util.UUID;
import java.util.regex.Pattern;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.MDC;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Takes {@code X-Correlation-ID} from the request (or makes one), puts it in the logging context and on the response,
 * and hands one access-log line per request to the {@link AccessLog}, which writes it in the background.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class CorrelationIdFilter extends OncePerRequestFilter {

    public static final String HEADER = "X-Correlation-ID";
    public static final String MDC_KEY = "correlationId";

    /** Accepted as given; anything else (too long, odd characters) is replaced so it cannot forge log lines. */
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    private final AccessLog accessLog;

    public CorrelationIdFilter(AccessLog accessLog) {
        this.accessLog = accessLog;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String given = request.getHeader(HEADER);
        String correlationId = given != null && VALID.matcher(given).matches() ? given : UUID.randomUUID().toString();
        response.setHeader(HEADER, correlationId);
        request.setAttribute(MDC_KEY, correlationId);
        long start = System.nanoTime();
        MDC.put(MDC_KEY, correlationId);
        boolean escaped = true;
        try {
            chain.doFilter(request, response);
            escaped = false;
        } finally {
            long durationMs = (System.nanoTime() - start) / 1_000_000;
            // an exception that escapes the chain before the response is committed becomes the container's 500 (its
            // error dispatch is not filtered again): the line says so, not the 200 the response still holds
            int status = escaped && !response.isCommitted() ? HttpServletResponse.SC_INTERNAL_SERVER_ERROR
                    : response.getStatus();
            accessLog.add(new AccessLog.Line(request.getMethod(), request.getRequestURI(), status, durationMs,
                    correlationId));
            MDC.clear();
        }
    }

    @Override
    protected boolean shouldNotFilterAsyncDispatch() {
        return false;
    }
}
