package io.crm.platform.web;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.boot.webmvc.autoconfigure.WebMvcRegistrations;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.server.PathContainer;
import org.springframework.web.cors.CorsUtils;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.servlet.mvc.condition.PathPatternsRequestCondition;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import org.springframework.web.util.ServletRequestPathUtils;
import org.springframework.web.util.pattern.PathPattern;

/**
 * Spring MVC's request mappings, looked up among the few that can match the path. For a path with a variable
 * ({@code /api/v1/contacts/{id}}) Spring MVC tries every mapping of the application, about 110, and each try reads
 * the request's method and CORS headers through every request wrapper: a tenth of a cheap read's CPU (BENCHMARKS.md).
 * Here the mappings are indexed by the literal segments their patterns start with (up to {@value #DEPTH}), so a
 * request tries only those whose literal start equals its own (decoded, as {@link PathPattern} compares them) plus
 * those with a variable or wildcard earlier. Everything else is Spring MVC's own code: the match and its order
 * ({@link #getMatchingMapping}, {@link #getMappingComparator}), what a match sets on the request
 * ({@link #handleMatch}); and a request the index does not answer (no match, a tie, a CORS preflight, a path that
 * is a literal mapping) goes to Spring MVC's full lookup, so errors (404, 405, 406, 415) and ambiguities are exactly
 * its own. {@code IndexedRequestMappingsTest} checks both lookups agree on every mapping of the application.
 */
public class IndexedRequestMappings extends RequestMappingHandlerMapping {

    /** Literal leading segments the index keys on: enough to tell /api/v1/contacts from /api/v1/deals. */
    static final int DEPTH = 3;

    /** Built at the first lookup, dropped when a mapping is added or removed at run time. */
    private volatile Index index;

    @Override
    public void registerMapping(RequestMappingInfo mapping, Object handler, Method method) {
        super.registerMapping(mapping, handler, method);
        index = null;
    }

    @Override
    public void unregisterMapping(RequestMappingInfo mapping) {
        super.unregisterMapping(mapping);
        index = null;
    }

    @Override
    protected HandlerMethod lookupHandlerMethod(String lookupPath, HttpServletRequest request) throws Exception {
        Index current = index;
        if (current == null) {
            current = index = Index.of(getHandlerMethods());
        }
        List<Map.Entry<RequestMappingInfo, HandlerMethod>> candidates = current.candidates(lookupPath, request);
        if (candidates == null || CorsUtils.isPreFlightRequest(request)) {
            return super.lookupHandlerMethod(lookupPath, request);
        }
        RequestMappingInfo best = null;
        RequestMappingInfo second = null;
        HandlerMethod handler = null;
        Comparator<RequestMappingInfo> order = null;
        for (Map.Entry<RequestMappingInfo, HandlerMethod> candidate : candidates) {
            RequestMappingInfo match = getMatchingMapping(candidate.getKey(), request);
            if (match == null) {
                continue;
            }
            if (best == null) {
                best = match;
                handler = candidate.getValue();
                continue;
            }
            if (order == null) {
                order = getMappingComparator(request);
            }
            if (order.compare(match, best) < 0) {
                second = best;
                best = match;
                handler = candidate.getValue();
            } else if (second == null || order.compare(match, second) < 0) {
                second = match;
            }
        }
        if (best == null || (second != null && order.compare(best, second) == 0)) {
            // no match (Spring MVC's errors) or a tie (its ambiguity error): its own lookup decides
            return super.lookupHandlerMethod(lookupPath, request);
        }
        request.setAttribute(HandlerMapping.BEST_MATCHING_HANDLER_ATTRIBUTE, handler);
        handleMatch(best, lookupPath, request);
        return handler;
    }

    /** Spring MVC's own lookup over every mapping, for the test that compares the two. */
    HandlerMethod fullLookup(String lookupPath, HttpServletRequest request) throws Exception {
        return super.lookupHandlerMethod(lookupPath, request);
    }

    /** How many mappings a request tries (all of them when the index does not answer it), for that test. */
    int tried(String lookupPath, HttpServletRequest request) {
        List<?> candidates = Index.of(getHandlerMethods()).candidates(lookupPath, request);
        return candidates == null ? getHandlerMethods().size() : candidates.size();
    }

    /** The mappings by the literal segments their patterns start with. */
    private record Index(Map<String, List<Map.Entry<RequestMappingInfo, HandlerMethod>>> byPrefix,
                         Set<String> directPaths) {

        /** Null: no index (a mapping without path patterns), every lookup is Spring MVC's. */
        static Index of(Map<RequestMappingInfo, HandlerMethod> mappings) {
            Map<String, List<Map.Entry<RequestMappingInfo, HandlerMethod>>> own = new HashMap<>();
            Set<String> directPaths = new LinkedHashSet<>();
            for (Map.Entry<RequestMappingInfo, HandlerMethod> mapping : mappings.entrySet()) {
                PathPatternsRequestCondition patterns = mapping.getKey().getPathPatternsCondition();
                if (patterns == null) {
                    return new Index(null, Set.of());
                }
                directPaths.addAll(mapping.getKey().getDirectPaths());
                Set<String> keys = new LinkedHashSet<>();
                for (PathPattern pattern : patterns.getPatterns()) {
                    keys.add(literalPrefix(pattern.getPatternString()));
                }
                for (String key : keys) {
                    own.computeIfAbsent(key, k -> new ArrayList<>()).add(Map.entry(mapping.getKey(), mapping.getValue()));
                }
            }
            // each prefix's candidates: its own mappings and those of every shorter prefix (a variable comes earlier)
            Map<String, List<Map.Entry<RequestMappingInfo, HandlerMethod>>> byPrefix = new HashMap<>();
            for (String key : own.keySet()) {
                Set<Map.Entry<RequestMappingInfo, HandlerMethod>> all = new LinkedHashSet<>();
                for (String prefix : prefixes(key)) {
                    all.addAll(own.getOrDefault(prefix, List.of()));
                }
                byPrefix.put(key, List.copyOf(all));
            }
            if (!byPrefix.containsKey("")) {
                byPrefix.put("", List.of());
            }
            return new Index(byPrefix, Collections.unmodifiableSet(directPaths));
        }

        /**
         * The mappings that can match this request, or null when Spring MVC's lookup should decide: the path is a
         * literal mapping's (Spring MVC finds those directly, and prefers them).
         */
        List<Map.Entry<RequestMappingInfo, HandlerMethod>> candidates(String lookupPath, HttpServletRequest request) {
            if (byPrefix == null || directPaths.contains(lookupPath)) {
                return null;
            }
            List<String> segments = new ArrayList<>(DEPTH);
            for (PathContainer.Element element : ServletRequestPathUtils.getParsedRequestPath(request)
                    .pathWithinApplication().elements()) {
                if (element instanceof PathContainer.PathSegment segment) {
                    segments.add(segment.valueToMatch());
                    if (segments.size() == DEPTH) {
                        break;
                    }
                }
            }
            // the longest of the request's leading segments that some mapping starts with
            for (int n = segments.size(); n >= 0; n--) {
                List<Map.Entry<RequestMappingInfo, HandlerMethod>> found =
                        byPrefix.get(key(segments.subList(0, n)));
                if (found != null) {
                    return found;
                }
            }
            return byPrefix.get("");
        }

        /** "/a/b" for a pattern "/a/b/{id}/c": its literal segments before the first variable or wildcard. */
        static String literalPrefix(String pattern) {
            List<String> literal = new ArrayList<>(DEPTH);
            for (String segment : pattern.split("/", -1)) {
                if (segment.isEmpty() && literal.isEmpty()) {
                    continue;
                }
                if (literal.size() == DEPTH || segment.isEmpty() || segment.indexOf('{') >= 0
                        || segment.indexOf('*') >= 0 || segment.indexOf('?') >= 0) {
                    break;
                }
                literal.add(segment);
            }
            return key(literal);
        }

        static String key(List<String> segments) {
            return segments.isEmpty() ? "" : "/" + String.join("/", segments);
        }

        /** "", "/a", "/a/b" for "/a/b". */
        static List<String> prefixes(String key) {
            List<String> out = new ArrayList<>();
            out.add("");
            int from = 0;
            while (from < key.length()) {
                int next = key.indexOf('/', from + 1);
                int end = next < 0 ? key.length() : next;
                out.add(key.substring(0, end));
                from = end;
            }
            return out;
        }
    }

    /** Spring Boot builds the MVC handler mapping from this. */
    @Configuration(proxyBeanMethods = false)
    static class Registration {

        @Bean
        WebMvcRegistrations indexedRequestMappings() {
            return new WebMvcRegistrations() {
                @Override
                public RequestMappingHandlerMapping getRequestMappingHandlerMapping() {
                    return new IndexedRequestMappings();
                }
            };
        }
    }
}
