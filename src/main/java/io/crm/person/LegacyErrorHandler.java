package io.crm.person;

import java.io.IOException;

import com.mongodb.MongoException;
import com.mongodb.MongoSocketException;
import com.mongodb.MongoTimeoutException;
import io.crm.record.RecordException;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.tomcat.util.http.InvalidParameterException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Every failure of the legacy API as the original's {@code {"error": "..."}} JSON: never a stack trace, a problem
 * document or an unhandled 500. Ahead of the v1 API's {@code ProblemHandler}, and limited to the legacy controllers.
 */
@RestControllerAdvice(assignableTypes = {PersonController.class, LegacyRootController.class})
@Order(Ordered.HIGHEST_PRECEDENCE)
public class LegacyErrorHandler {

    private static final Logger log = LoggerFactory.getLogger(LegacyErrorHandler.class);

    @ExceptionHandler(LegacyException.class)
    ResponseEntity<Object> legacy(LegacyException e) {
        return error(e.status(), e.getMessage());
    }

    /** Contact rules (duplicates 409, ...) and store failures raised below the legacy layer. */
    @ExceptionHandler(RecordException.class)
    ResponseEntity<Object> record(RecordException e) {
        return error(e.status(), e.getMessage());
    }

    /** More query parameters than the container parses (the query string filter has checked their syntax). */
    @ExceptionHandler(InvalidParameterException.class)
    ResponseEntity<Object> malformedParameters(InvalidParameterException e) {
        return error(400, "The request parameters are malformed or too many");
    }

    @ExceptionHandler({MongoTimeoutException.class, MongoSocketException.class,
            DataAccessResourceFailureException.class})
    ResponseEntity<Object> databaseUnavailable(Exception e, HttpServletResponse response) throws Exception {
        abortIfCommitted(e, response);
        log.warn("database unavailable: {}", e.getClass().getSimpleName());
        return ResponseEntity.status(503).header(HttpHeaders.RETRY_AFTER, "5").contentType(MediaType.APPLICATION_JSON)
                .body(PersonController.ordered("error", "Database unavailable, retry shortly"));
    }

    @ExceptionHandler(MongoException.class)
    ResponseEntity<Object> database(MongoException e, HttpServletResponse response) throws Exception {
        if (e.getCause() instanceof MongoTimeoutException || e.getCause() instanceof MongoSocketException) {
            return databaseUnavailable(e, response);
        }
        return unexpected(e, response);
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<Object> unexpected(Exception e, HttpServletResponse response) throws Exception {
        abortIfCommitted(e, response);
        log.error("unhandled error on the legacy API", e);
        return error(500, "Internal server error");
    }

    /**
     * Once a streamed list has started, no error body can follow: the exception goes on to the container, which
     * closes the connection, so the client sees a truncated response rather than a complete-looking one.
     */
    private static void abortIfCommitted(Exception e, HttpServletResponse response) throws Exception {
        if (response.isCommitted()) {
            if (!(e instanceof IOException)) {
                log.warn("legacy response failed after it started: {}", e.getClass().getSimpleName());
            }
            throw e;
        }
    }

    static ResponseEntity<Object> error(int status, String message) {
        return PersonController.json(status, PersonController.ordered("error", message));
    }
}
