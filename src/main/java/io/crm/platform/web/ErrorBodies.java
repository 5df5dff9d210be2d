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
        write(request, response, status, title, detail, java.util.Map.of());
    }

    /** The same, with extension members ({@code properties}: name to text) after the standard ones. */
    public static void write(HttpServletRequest request, HttpServletResponse response, int status, String title,
                             String detail, java.util.Map<String, String> properties) throws IOException {
        response.setStatus(status);
        StringBuilder extra = new StringBuilder();
        properties.forEach((name, value) -> extra.append(",\"").append(escape(name)).append("\":\"")
                .append(escape(value)).append('"'));
        String body;
        if (Paths.isLegacy(request)) {
            response.setContentType("application/json");
            body = "{\"error\":\"" + escape(detail) + "\"" + extra + "}";
        } else {
            response.setContentType("application/problem+json");
            body = "{\"type\":\"about:blank\",\"title\":\"" + escape(title) + "\",\"status\":" + status
                    + ",\"detail\":\"" + escape(detail) + "\",\"instance\":\"" + escape(request.getRequestURI())
                    + "\"" + extra + "}";
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
