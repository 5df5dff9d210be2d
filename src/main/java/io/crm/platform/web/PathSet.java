package io.crm.platform.web;

import java.util.Arrays;
import java.util.List;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.server.PathContainer;
import org.springframework.http.server.RequestPath;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * A set of paths, matched the way Spring MVC routes: on the decoded path within the application, segment by segment
 * ({@code /%61pi} is {@code /api}, {@code ;params} are not part of a segment). Matching also ignores case (and, for
 * {@link #of}, one trailing slash), so every spelling that could reach a handler of this set is in the set; spellings
 * that reach no handler are refused by MVC with 404, after the stricter decision was already taken. See {@link Paths}.
 */
public final class PathSet {

    private static final PathPatternParser PARSER = new PathPatternParser();

    static {
        PARSER.setCaseSensitive(false);
    }

    private final List<String> patterns;
    private final List<PathPattern> parsed;
    private final boolean trailingSlash;

    private PathSet(List<String> patterns, boolean trailingSlash) {
        this.patterns = List.copyOf(patterns);
        this.parsed = patterns.stream().map(PARSER::parse).toList();
        this.trailingSlash = trailingSlash;
    }

    /** Paths for a decision (who may, which error shape): one trailing slash is ignored. */
    public static PathSet of(String... patterns) {
        return new PathSet(Arrays.asList(patterns), true);
    }

    /** Paths as handlers are mapped (which exist): {@code /person/} is not {@code /person}. */
    public static PathSet exactly(String... patterns) {
        return new PathSet(Arrays.asList(patterns), false);
    }

    /** This set and that one. */
    public PathSet and(PathSet other) {
        return new PathSet(java.util.stream.Stream.concat(patterns.stream(), other.patterns.stream()).toList(),
                trailingSlash);
    }

    /** Whether the request's path, as MVC sees it, is in this set. */
    public boolean matches(HttpServletRequest request) {
        return matches(() -> parsed(request));
    }

    /**
     * The request's path, parsed once per request and URI (a forward or error dispatch has another URI): every
     * chain, rule and error body asks, several times per request.
     */
    private static PathContainer parsed(HttpServletRequest request) {
        String uri = request.getRequestURI();
        if (request.getAttribute(PARSED) instanceof Parsed cached && cached.uri().equals(uri)) {
            return cached.path();
        }
        PathContainer path = RequestPath.parse(uri, request.getContextPath()).pathWithinApplication();
        request.setAttribute(PARSED, new Parsed(uri, path));
        return path;
    }

    private static final String PARSED = PathSet.class.getName() + ".parsed";

    private record Parsed(String uri, PathContainer path) {
    }

    /** Whether a raw (still encoded) request path, with no context path, is in this set. */
    public boolean matchesRaw(String rawPath) {
        return matches(() -> PathContainer.parsePath(rawPath));
    }

    private boolean matches(java.util.function.Supplier<PathContainer> parse) {
        PathContainer path;
        try {
            path = parse.get();
        } catch (IllegalArgumentException undecodable) {
            return false; // malformed percent-encoding: no handler can be routed to either (Tomcat refuses it first)
        }
        List<PathContainer.Element> elements = path.elements();
        if (trailingSlash && elements.size() > 1 && elements.get(elements.size() - 1) instanceof PathContainer.Separator) {
            path = path.subPath(0, elements.size() - 1);
        }
        for (PathPattern pattern : parsed) {
            if (pattern.matches(path)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return patterns.toString();
    }
}
