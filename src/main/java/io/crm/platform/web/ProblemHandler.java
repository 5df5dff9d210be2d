package io.crm.platform.web;

import java.net.URI;
import java.util.List;
import java.util.Map;

import io.crm.record.FieldError;
import io.crm.record.RecordException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.multipart.MaxUploadSizeExceededException;
import org.springframework.web.multipart.MultipartException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

import com.mongodb.MongoException;
import com.mongodb.MongoSocketException;
import com.mongodb.MongoTimeoutException;

/**
 * Turns every failure on the v1 API into RFC 9457 problem+json: domain failures with their own status, Spring MVC's
 * (bad JSON 400, wrong media type 415, unknown path 404, ...) through the base class, a missing database 503, and
 * anything unexpected a 500 with no internals in the body. The legacy API has its own advice with higher precedence.
 */
@RestControllerAdvice
@Order(Ordered.LOWEST_PRECEDENCE)
public class ProblemHandler extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);

    @ExceptionHandler(RecordException.class)
    ResponseEntity<Object> record(RecordException e) {
        ProblemDetail problem = problem(e.status(), e.title(), e.getMessage());
        if (e instanceof RecordException.Invalid invalid) {
            problem.setProperty("errors", errors(invalid.errors()));
        }
        return ResponseEntity.status(e.status()).body(problem);
    }

    /** A body declared multipart that is not (no boundary, cut short): the client's mistake, not ours. */
    @ExceptionHandler(MultipartException.class)
    ResponseEntity<Object> malformedMultipart(MultipartException e) {
        if (e instanceof MaxUploadSizeExceededException) {
            return ResponseEntity.status(413).body(problem(413, "Content too large", "The upload is too large"));
        }
        return ResponseEntity.status(400).body(problem(400, "Bad request", "The multipart body is malformed"));
    }

    @ExceptionHandler({MongoTimeoutException.class, MongoSocketException.class,
            DataAccessResourceFailureException.class})
    ResponseEntity<Object> databaseUnavailable(Exception e) {
        log.warn("database unavailable: {}", e.getClass().getSimpleName());
        ProblemDetail problem = problem(503, "Service unavailable",
                "The database is not reachable right now; retry shortly");
        return ResponseEntity.status(503).header(HttpHeaders.RETRY_AFTER, "5").body(problem);
    }

    @ExceptionHandler(MongoException.class)
    ResponseEntity<Object> database(MongoException e) {
        if (e.getCause() instanceof MongoTimeoutException || e instanceof MongoTimeoutException) {
            return databaseUnavailable(e);
        }
        log.error("database error", e);
        return ResponseEntity.status(500).body(problem(500, "Internal error", "The request could not be completed"));
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<Object> unexpected(Exception e) {
        log.error("unhandled error", e);
        return ResponseEntity.status(500).body(problem(500, "Internal error", "The request could not be completed"));
    }

    @Override
    protected ResponseEntity<Object> handleExceptionInternal(Exception ex, Object body, HttpHeaders headers,
                                                             HttpStatusCode statusCode, WebRequest request) {
        // The base class builds a ProblemDetail; make sure it never carries exception internals.
        if (body instanceof ProblemDetail problem && problem.getType() == null) {
            problem.setType(URI.create("about:blank"));
        }
        return super.handleExceptionInternal(ex, body, headers, statusCode, request);
    }

    public static ProblemDetail problem(int status, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.valueOf(status), detail);
        problem.setTitle(title);
        problem.setType(URI.create("about:blank"));
        return problem;
    }

    private static List<Map<String, String>> errors(List<FieldError> errors) {
        return errors.stream().map(e -> Map.of("field", e.field(), "message", e.message())).toList();
    }
}
