package io.crm.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A small real-HTTP client for tests: every request goes over a socket to the running service. */
public final class Http {

    public static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String[] defaultHeaders;

    public Http(String base, String... defaultHeaders) {
        this.base = base;
        this.defaultHeaders = defaultHeaders;
    }

    /** The same client, sending {@code Authorization: Bearer <token>} with every request (unless one is given). */
    public Http withToken(String token) {
        return new Http(base, "Authorization", "Bearer " + token);
    }

    /** The same client without default headers (an anonymous caller). */
    public Http anonymous() {
        return new Http(base);
    }

    public String base() {
        return base;
    }

    public Response get(String path, String... headers) {
        return send("GET", path, null, null, headers);
    }

    public Response delete(String path, String... headers) {
        return send("DELETE", path, null, null, headers);
    }

    public Response delete(String path, Object body, String... headers) {
        return send("DELETE", path, "application/json", json(body), headers);
    }

    public Response post(String path, Object body, String... headers) {
        return send("POST", path, "application/json", json(body), headers);
    }

    public Response put(String path, Object body, String... headers) {
        return send("PUT", path, "application/json", json(body), headers);
    }

    public Response patch(String path, Object body, String... headers) {
        return send("PATCH", path, "application/merge-patch+json", json(body), headers);
    }

    /** Raw request: any method, content type and body text (null for none), extra headers as name, value pairs. */
    public Response send(String method, String path, String contentType, String body, String... headers) {
        return sendWith(method, path, contentType, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body), headers);
    }

    /** Raw request with a binary body (a raw email message, say). */
    public Response sendBytes(String method, String path, String contentType, byte[] body, String... headers) {
        return sendWith(method, path, contentType, HttpRequest.BodyPublishers.ofByteArray(body), headers);
    }

    private Response sendWith(String method, String path, String contentType, HttpRequest.BodyPublisher body,
                              String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .method(method, body);
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        java.util.Set<String> given = new java.util.HashSet<>();
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
            given.add(headers[i].toLowerCase(java.util.Locale.ROOT));
        }
        for (int i = 0; i + 1 < defaultHeaders.length; i += 2) {
            if (!given.contains(defaultHeaders[i].toLowerCase(java.util.Locale.ROOT))) {
                request.header(defaultHeaders[i], defaultHeaders[i + 1]);
            }
        }
        try {
            HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.headers().map(), response.body());
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + path + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static String json(Object body) {
        return body instanceof String s ? s : JSON.writeValueAsString(body);
    }

    /** A response: status, headers (case-insensitive lookup) and body, parsed as JSON on demand. */
    public record Response(int status, Map<String, List<String>> headers, String body) {

        public JsonNode json() {
            return JSON.readTree(body);
        }

        public Optional<String> header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .flatMap(e -> e.getValue().stream()).findFirst();
        }

        public String contentType() {
            return header("Content-Type").orElse("");
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }
}
