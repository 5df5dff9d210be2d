package io.crm.platform.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import io.crm.support.ApiTest;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import org.springframework.web.util.ServletRequestPathUtils;
import org.springframework.web.util.pattern.PathPattern;

/**
 * The indexed lookup picks what Spring MVC's own lookup over every mapping picks (the handler, the path variables,
 * the pattern, or the same error), for a path made from every pattern of the application, in every spelling the
 * service meets (percent-encoded, {@code ;params}, a trailing slash, {@code //}), with every method and the Accept and
 * Content-Type headers that decide between mappings; and it really tries few mappings.
 */
class IndexedRequestMappingsTest extends ApiTest {

    private static final List<String> METHODS = List.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");
    private static final List<String> ACCEPTS = List.of("application/json", "text/html", "application/xml", "*/*");

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    private RequestMappingHandlerMapping mvc;

    @Test
    void theServiceUsesTheIndexedLookup() {
        assertThat(mvc).isInstanceOf(IndexedRequestMappings.class);
        assertThat(mvc.getHandlerMethods()).hasSizeGreaterThan(80);
    }

    @Test
    void bothLookupsAgreeOnEveryPathMethodAndHeader() throws Exception {
        IndexedRequestMappings indexed = (IndexedRequestMappings) mvc;
        Set<String> paths = new LinkedHashSet<>(List.of("/", "/nothing/here", "/api/v1/nothing", "/api/v1"));
        for (RequestMappingInfo info : mvc.getHandlerMethods().keySet()) {
            for (PathPattern pattern : Objects.requireNonNull(info.getPathPatternsCondition()).getPatterns()) {
                paths.addAll(spellings(instance(pattern.getPatternString())));
            }
        }
        int compared = 0;
        for (String path : paths) {
            for (String method : METHODS) {
                for (String accept : ACCEPTS) {
                    Outcome fast = outcome(indexed, path, method, accept, true);
                    Outcome full = outcome(indexed, path, method, accept, false);
                    assertThat(fast).as("%s %s (Accept: %s)", method, path, accept).isEqualTo(full);
                    compared++;
                }
            }
        }
        assertThat(compared).isGreaterThan(2_000);
    }

    @Test
    void aPathWithAnIdTriesOnlyTheMappingsOfItsResource() {
        IndexedRequestMappings indexed = (IndexedRequestMappings) mvc;
        for (String path : List.of("/api/v1/contacts/64b7f3c2a1b2c3d4e5f60718", "/person/p-1",
                "/api/v1/deals/64b7f3c2a1b2c3d4e5f60718/timeline")) {
            MockHttpServletRequest request = request("GET", path, "application/json");
            assertThat(indexed.tried(path, request)).as(path).isLessThan(mvc.getHandlerMethods().size() / 5);
        }
    }

    private record Outcome(String handler, Object variables, Object pattern, String error) {
    }

    private Outcome outcome(IndexedRequestMappings mappings, String path, String method, String accept,
                            boolean indexed) {
        MockHttpServletRequest request = request(method, path, accept);
        try {
            HandlerMethod handler = indexed ? mappings.lookupHandlerMethod(path, request)
                    : mappings.fullLookup(path, request);
            return new Outcome(handler == null ? null : handler.getMethod().toString(),
                    request.getAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE),
                    request.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE), null);
        } catch (Exception e) {
            return new Outcome(null, null, null, e.getClass().getName() + ": " + e.getMessage());
        }
    }

    private static MockHttpServletRequest request(String method, String path, String accept) {
        MockHttpServletRequest request = new MockHttpServletRequest(method, path);
        request.addHeader("Accept", accept);
        if (!method.equals("GET") && !method.equals("HEAD") && !method.equals("OPTIONS")) {
            request.setContentType("application/json");
        }
        ServletRequestPathUtils.parseAndCache(request);
        return request;
    }

    /** A path the pattern matches: variables and wildcards replaced by sample values. */
    private static String instance(String pattern) {
        return pattern.replaceAll("\\{\\*[^}]*}", "a/b").replaceAll("\\{[^}]*}", "64b7f3c2a1b2c3d4e5f60718")
                .replace("**", "a/b").replace("*", "x");
    }

    /** The path as it is, and as clients and proxies also send it. */
    private static List<String> spellings(String path) {
        List<String> out = new ArrayList<>(List.of(path, path + "/", path.replaceFirst("/", "//")));
        String[] segments = path.split("/");
        if (segments.length > 1 && !segments[1].isEmpty()) {
            char first = segments[1].charAt(0);
            out.add("/" + "%" + String.format("%02X", (int) first) + path.substring(2));
            out.add("/" + segments[1] + ";jsessionid=1" + path.substring(1 + segments[1].length()));
        }
        if (segments.length > 3) {
            out.add(path.replace("/" + segments[3], "/" + segments[3].toUpperCase()));
        }
        return out;
    }
}
