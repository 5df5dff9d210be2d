package io.crm.platform.web;

import java.io.IOException;

import com.mongodb.MongoSocketException;
import com.mongodb.MongoTimeoutException;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.core.annotation.Order;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * A database outage met outside a controller (checking an API token, loading a user to sign in) is a 503 with
 * Retry-After in the API's error shape, like one met inside; never a 500. Runs before the security filters.
 */
@Component
@Order(-110)
public class DatabaseUnavailableFilter extends OncePerRequestFilter {

    private static final Logger log = LoggerFactory.getLogger(DatabaseUnavailableFilter.class);

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        try {
            chain.doFilter(request, response);
        } catch (RuntimeException | ServletException e) {
            if (!isDatabaseUnavailable(e) || response.isCommitted()) {
                throw e;
            }
            write(request, response);
        }
    }

    public static void write(HttpServletRequest request, HttpServletResponse response) throws IOException {
        log.warn("database unavailable while authenticating {} {}", request.getMethod(), request.getRequestURI());
        response.resetBuffer();
        response.setHeader(HttpHeaders.RETRY_AFTER, "5");
        // the same words each API uses for an outage met in a controller
        ErrorBodies.write(request, response, 503, "Service unavailable", Paths.isLegacy(request)
                ? "Database unavailable, retry shortly" : "The database is not reachable right now; retry shortly");
    }

    public static boolean isDatabaseUnavailable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof MongoTimeoutException || t instanceof MongoSocketException
                    || t instanceof DataAccessResourceFailureException) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }
}
