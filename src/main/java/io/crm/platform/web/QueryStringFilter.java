package io.crm.platform.web;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses a query string that is not well-formed with a 400 in the API's error shape, once for every endpoint: a
 * {@code %} not followed by two hex digits, escapes that do not decode to UTF-8 text, or a parameter without a name
 * ({@code =x}). Tomcat would otherwise fail on the first parameter read (a 500), or never notice when the endpoint
 * reads no parameters.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 5)
public class QueryStringFilter extends OncePerRequestFilter {

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String query = request.getQueryString();
        if (query != null && !isWellFormed(query)) {
            ErrorBodies.write(request, response, 400, "Bad request",
                    "The query string is malformed: parameters need a name, and percent-encoding must be %XX and "
                            + "decode to UTF-8 text");
            return;
        }
        chain.doFilter(request, response);
    }

    /** Whether every parameter has a name and the raw query's percent-escapes are complete and valid UTF-8. */
    static boolean isWellFormed(String query) {
        for (String parameter : query.split("&")) {
            if (parameter.startsWith("=")) {
                return false; // an empty chunk (a&&b) is skipped by Tomcat, a nameless one fails it
            }
        }
        byte[] raw = query.getBytes(StandardCharsets.UTF_8);
        ByteBuffer decoded = ByteBuffer.allocate(raw.length);
        for (int i = 0; i < raw.length; i++) {
            if (raw[i] != '%') {
                decoded.put(raw[i]);
                continue;
            }
            int high = i + 2 < raw.length ? Character.digit(raw[i + 1], 16) : -1;
            int low = high < 0 ? -1 : Character.digit(raw[i + 2], 16);
            if (low < 0) {
                return false;
            }
            decoded.put((byte) (high * 16 + low));
            i += 2;
        }
        try {
            // REPORT, not replace: Java's decoder also refuses encoded surrogates and overlong forms
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(decoded.flip());
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}
