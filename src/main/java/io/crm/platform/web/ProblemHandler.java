package io.crm.platform.web;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import io.crm.record.FieldError;
import io.crm.record.RecordException;
import io.crm.store.StoreTransactions;
import org.apache.tomcat.util.http.InvalidParameterException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.TypeMismatchException;
import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.ErrorResponse;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;
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
        return respond(problem, new HttpHeaders());
    }

    /** A body declared multipart that is not (no boundary, cut short): the client's mistake, not ours. */
    @ExceptionHandler(MultipartException.class)
    ResponseEntity<Object> malformedMultipart(MultipartException e) {
        if (e instanceof MaxUploadSizeExceededException) {
            return respond(problem(413, "Content too large", "The upload is too large"), new HttpHeaders());
        }
        return respond(problem(400, "Bad request", "The multipart body is malformed"), new HttpHeaders());
    }

    /**
     * Parameters Tomcat cannot parse that the query string filter does not see: a form body's, or more parameters
     * than the container allows.
     */
    @ExceptionHandler(InvalidParameterException.class)
    ResponseEntity<Object> malformedParameters(InvalidParameterException e) {
        return respond(problem(400, "Bad request", "The request parameters are malformed or too many"),
                new HttpHeaders());
    }

    @ExceptionHandler({MongoTimeoutException.class, MongoSocketException.class,
            DataAccessResourceFailureException.class})
    ResponseEntity<Object> databaseUnavailable(Exception e) {
        log.warn("database unavailable: {}", e.getClass().getSimpleName());
        HttpHeaders headers = new HttpHeaders();
        headers.set(HttpHeaders.RETRY_AFTER, "5");
        return respond(problem(503, "Service unavailable", "The database is not reachable right now; retry shortly"),
                headers);
    }

    /** A multi-document change whose transaction did not commit: nothing of it was stored, so a retry is safe. */
    @ExceptionHandler(StoreTransactions.Failed.class)
    ResponseEntity<Object> notCommitted(StoreTransactions.Failed e) {
        HttpHeaders headers = new HttpHeaders();
        headers.set(HttpHeaders.RETRY_AFTER, "5");
        return respond(problem(503, "Service unavailable",
                "The database did not commit the change; nothing of it was stored. Retry shortly"), headers);
    }

    @ExceptionHandler(MongoException.class)
    ResponseEntity<Object> database(MongoException e) {
        if (e.getCause() instanceof MongoTimeoutException || e instanceof MongoTimeoutException) {
            return databaseUnavailable(e);
        }
        log.error("database error", e);
        return respond(problem(500, "Internal error", "The request could not be completed"), new HttpHeaders());
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<Object> unexpected(Exception e) {
        log.error("unhandled error", e);
        return respond(problem(500, "Internal error", "The request could not be completed"), new HttpHeaders());
    }

    /**
     * A parameter of the wrong type ({@code ?archived=maybe}, or repeated with values that do not convert): the
     * default detail names Java types ({@code java.lang.String[]}); this one names the parameter.
     */
    @Override
    protected ResponseEntity<Object> handleTypeMismatch(TypeMismatchException ex, HttpHeaders headers,
                                                        HttpStatusCode status, WebRequest request) {
        String name = ex.getPropertyName() == null ? "a parameter" : "'" + ex.getPropertyName() + "'";
        return respond(problem(400, "Bad request", "The value of " + name + " is not valid"), headers);
    }

    @Override
    protected ResponseEntity<Object> handleExceptionInternal(Exception ex, Object body, HttpHeaders headers,
                                                             HttpStatusCode statusCode, WebRequest request) {
        if (body == null && ex instanceof ErrorResponse error) {
            // the base class leaves a 406's body to be built later, where the content type would be negotiated
            body = error.updateAndGetBody(getMessageSource(), LocaleContextHolder.getLocale());
        }
        // The base class builds a ProblemDetail; make sure it never carries exception internals.
        if (body instanceof ProblemDetail problem) {
            if (problem.getType() == null) {
                problem.setType(URI.create("about:blank"));
            }
            if (isLegacyRequest()) {
                return legacy(problem, headers);
            }
            setInstance(problem);
            headers = withContentType(headers, MediaType.APPLICATION_PROBLEM_JSON);
        }
        return super.handleExceptionInternal(ex, body, headers, statusCode, request);
    }

    /** See {@link #withContentType}; on a legacy path {@link #legacy}. */
    private static ResponseEntity<Object> respond(ProblemDetail problem, HttpHeaders headers) {
        if (isLegacyRequest()) {
            return legacy(problem, headers);
        }
        setInstance(problem);
        return ResponseEntity.status(problem.getStatus())
                .headers(withContentType(headers, MediaType.APPLICATION_PROBLEM_JSON)).body(problem);
    }

    /**
     * The content type set here rather than negotiated: an unparseable or unsatisfiable Accept header would
     * otherwise make Spring MVC drop the error body.
     */
    private static HttpHeaders withContentType(HttpHeaders headers, MediaType type) {
        HttpHeaders out = new HttpHeaders();
        out.addAll(headers);
        out.setContentType(type);
        return out;
    }

    /**
     * The legacy API's {@code {"error"}} for a failure on its paths that came before any handler was chosen (a
     * malformed multipart body), where the legacy advice cannot apply.
     */
    private static ResponseEntity<Object> legacy(ProblemDetail problem, HttpHeaders headers) {
        return ResponseEntity.status(problem.getStatus()).headers(withContentType(headers, MediaType.APPLICATION_JSON))
                .body(Map.of("error", String.valueOf(problem.getDetail())));
    }

    /**
     * The request's path as the problem's {@code instance}, with the characters Tomcat lets through unencoded
     * (server.tomcat.relaxed-path-chars) percent-encoded: Spring MVC's own {@code URI.create} of the raw path would
     * fail on them and turn the answer into a 500.
     */
    private static void setInstance(ProblemDetail problem) {
        if (problem.getInstance() == null
                && RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes current) {
            StringBuilder path = new StringBuilder();
            for (byte b : current.getRequest().getRequestURI().getBytes(StandardCharsets.UTF_8)) {
                if (b < 0x21 || b > 0x7e || "\"<>\\^`{|}[]".indexOf(b) >= 0) {
                    path.append('%').append(String.format("%02X", b & 0xFF));
                } else {
                    path.append((char) b);
                }
            }
            problem.setInstance(URI.create(path.toString()));
        }
    }

    private static boolean isLegacyRequest() {
        return RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes current
                && Paths.isLegacy(current.getRequest());
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
