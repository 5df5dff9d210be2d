package io.crm.sso;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A browser's part in a single sign-on, over plain HTTP: it keeps the cookies (the CRM's and the provider's, on one
 * loopback host under different names) and follows redirects one by one, so a test sees every step (the PKCE challenge, the
 * redirect URI, where a refusal lands).
 */
public final class SsoClient {

    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"");

    private final CookieManager cookies = new CookieManager();
    private final HttpClient http = HttpClient.newBuilder().cookieHandler(cookies)
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private final String crm;

    public SsoClient(String crm) {
        this.crm = crm;
    }

    /** What a step answered. */
    public record Step(int status, String location, String body) {
    }

    public Step get(String url, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(absolute(url))).GET()
                .header("Accept", "text/html");
        for (int i = 0; i < headers.length; i += 2) {
            request.setHeader(headers[i], headers[i + 1]);
        }
        return send(request.build());
    }

    public Step postForm(String url, Map<String, String> form) {
        StringBuilder body = new StringBuilder();
        form.forEach((k, v) -> body.append(body.isEmpty() ? "" : "&").append(URLEncoder.encode(k, StandardCharsets.UTF_8))
                .append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return send(HttpRequest.newBuilder(URI.create(absolute(url)))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Accept", "text/html")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build());
    }

    /**
     * Follows redirects from {@code step} until a page (not a redirect) or a redirect to a URL starting with
     * {@code stopAt} (a path is on the CRM).
     */
    public Step follow(Step step, String stopAt) {
        int hops = 0;
        while (step.status() == 302 || step.status() == 303) {
            if (stopAt != null && step.location().startsWith(absolute(stopAt))) {
                return step;
            }
            if (++hops > 10) {
                throw new AssertionError("too many redirects, last to " + step.location());
            }
            step = get(step.location());
        }
        return step;
    }

    /**
     * Signs in through the provider from the CRM's "Sign in with" link: returns the CRM's last redirect (to the
     * dashboard, or to the sign-in page with the reason of a refusal).
     */
    public Step signIn(String username, String password) {
        Step step = get(crm + "/oauth2/authorization/oidc");
        step = follow(step, "/login/oauth2/code/");
        if (step.status() == 200 && step.body().contains("name=\"username\"")) {
            // the provider's sign-in form: the browser is not signed in there yet
            String form = step.body();
            Map<String, String> fields = new LinkedHashMap<>();
            fields.put("username", username);
            fields.put("password", password);
            fields.put("_csrf", csrf(form));
            step = follow(postForm(providerLogin, fields), "/login/oauth2/code/");
        }
        if (step.status() != 302 || !step.location().startsWith(crm + "/login/oauth2/code/")) {
            throw new AssertionError("the provider did not send the browser back to the CRM: " + step);
        }
        return get(step.location());
    }

    private String providerLogin;

    /** Where the provider's sign-in form posts (set on the first redirect to it). */
    private Step send(HttpRequest request) {
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            String location = response.headers().firstValue("Location").map(l -> request.uri().resolve(l).toString())
                    .orElse(null);
            if (location != null && location.endsWith("/login") && !location.startsWith(crm + "/")) {
                providerLogin = location;
            }
            return new Step(response.statusCode(), location, response.body());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The value of a cookie this client holds, or null. */
    public String cookie(String name) {
        return cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals(name))
                .map(java.net.HttpCookie::getValue).findFirst().orElse(null);
    }

    public static String csrf(String page) {
        Matcher m = CSRF.matcher(page);
        if (!m.find()) {
            throw new AssertionError("no CSRF token in the page");
        }
        return m.group(1);
    }

    private String absolute(String url) {
        return url.startsWith("http") ? url : crm + url;
    }
}
