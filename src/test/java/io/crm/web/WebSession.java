package io.crm.web;

import java.io.IOException;
import java.net.CookieManager;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import io.crm.support.Http;

/**
 * A browser-like client of the web UI over real HTTP: a cookie jar (the session), form posts, and the CSRF token the
 * pages carry (in the {@code _csrf} meta tag or hidden input), sent only when asked, so tests can leave it out.
 */
final class WebSession {

    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" (?:content|value)=\"([^\"]+)\"");

    private final CookieManager cookies = new CookieManager();
    private final HttpClient client = HttpClient.newBuilder().cookieHandler(cookies)
            .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private String csrf;

    private WebSession(String base) {
        this.base = base;
    }

    /** Signs in through the login form; fails unless the sign-in redirects away from the login page. */
    static WebSession signIn(String base, String email, String password) {
        WebSession session = new WebSession(base);
        session.get("/login");
        Http.Response login = session.post("/login", Map.of("username", email, "password", password), true);
        String location = login.header("Location").orElse("");
        if (login.status() != 302 || location.contains("error")) {
            throw new AssertionError("sign-in as " + email + " failed: " + login.status() + " " + location);
        }
        session.get("/contacts");
        return session;
    }

    static WebSession anonymous(String base) {
        return new WebSession(base);
    }

    /** Sets a cookie for every path, as a page script does with {@code document.cookie}. */
    void cookie(String name, String value) {
        HttpCookie cookie = new HttpCookie(name, value);
        cookie.setPath("/");
        cookie.setVersion(0);
        cookies.getCookieStore().add(URI.create(base), cookie);
    }

    Http.Response get(String path, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).GET()
                .header("Accept", "text/html,application/xhtml+xml");
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request.setHeader(headers[i], headers[i + 1]);
        }
        Http.Response response = send(request);
        Matcher token = CSRF.matcher(response.body());
        if (token.find()) {
            csrf = token.group(1);
        }
        return response;
    }

    /** A form post; {@code withCsrf} adds the page's CSRF token as {@code _csrf}. */
    Http.Response post(String path, Map<String, String> form, boolean withCsrf, String... headers) {
        Map<String, String> fields = new LinkedHashMap<>(form);
        if (withCsrf) {
            if (csrf == null) {
                throw new IllegalStateException("no page with a CSRF token was loaded yet");
            }
            fields.put("_csrf", csrf);
        }
        String body = fields.entrySet().stream()
                .map(e -> enc(e.getKey()) + "=" + enc(e.getValue())).collect(Collectors.joining("&"));
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "text/html,application/xhtml+xml")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request.setHeader(headers[i], headers[i + 1]);
        }
        return send(request);
    }

    /** A raw form body (for repeated fields such as ids=a&ids=b), with the CSRF token. */
    Http.Response postRaw(String path, String body) {
        return send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body + "&_csrf=" + enc(csrf))));
    }

    private Http.Response send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = client.send(request.timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Http.Response(response.statusCode(), response.headers().map(), response.body());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
