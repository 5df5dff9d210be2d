package io.crm.platform.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Error bodies written outside Spring MVC (in servlet filters), in the shape each API promises: {@code {"error"}} on
 * the original service's paths, RFC 9457 problem+json everywhere else.
 */
public final class ErrorBodies {

    private ErrorBodies() {
    }

    public static void write(HttpServletRequest request, HttpServletResponse response, int status, String title,
                             String detail) throws IOException {
        response.setStatus(status);
        String body;
        if (Paths.isLegacy(request)) {
            response.setContentType("application/json");
            body = "{\"error\":\"" + escape(detail) + "\"}";
        } else {
            response.setContentType("application/problem+json");
            body = "{\"type\":\"about:blank\",\"title\":\"" + escape(title) + "\",\"status\":" + status
                    + ",\"detail\":\"" + escape(detail) + "\",\"instance\":\"" + escape(request.getRequestURI())
                    + "\"}";
        }
        response.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
    }

    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }
}
