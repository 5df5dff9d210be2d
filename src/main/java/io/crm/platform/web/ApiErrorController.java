package io.crm.platform.web;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.web.WebProperties;
import org.springframework.boot.webmvc.autoconfigure.error.BasicErrorController;
import org.springframework.boot.webmvc.autoconfigure.error.ErrorViewResolver;
import org.springframework.boot.webmvc.error.ErrorAttributes;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;

/**
 * The container's error page ({@code /error}) for non-HTML clients: errors raised with {@code sendError} before
 * Spring MVC (Tomcat refusing a TRACE with 405, for example) in the API's own shapes rather than Spring Boot's
 * {@code {"timestamp","status","error","path"}}. Browsers still get the HTML error view.
 */
@Controller
public class ApiErrorController extends BasicErrorController {

    public ApiErrorController(ErrorAttributes attributes, WebProperties web,
                              ObjectProvider<ErrorViewResolver> resolvers) {
        super(attributes, web.getError(), resolvers.orderedStream().toList());
    }

    @Override
    public ResponseEntity<Map<String, Object>> error(HttpServletRequest request) {
        HttpStatus status = getStatus(request);
        if (status == HttpStatus.NO_CONTENT) {
            return new ResponseEntity<>(status);
        }
        // the error dispatch is for /error: which API failed is the original request's path
        String uri = Objects.toString(request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI),
                request.getRequestURI());
        HttpServletRequest original = new HttpServletRequestWrapper(request) {
            @Override
            public String getRequestURI() {
                return uri;
            }
        };
        String detail = "The request could not be processed: " + status.getReasonPhrase().toLowerCase();
        Map<String, Object> body = new LinkedHashMap<>();
        if (Paths.isLegacy(original)) {
            body.put("error", detail);
            return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON).body(body);
        }
        body.put("type", "about:blank");
        body.put("title", status.getReasonPhrase());
        body.put("status", status.value());
        body.put("detail", detail);
        body.put("instance", uri);
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(body);
    }
}
