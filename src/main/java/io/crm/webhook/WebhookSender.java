package io.crm.webhook;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.entity.StringEntity;
import org.apache.hc.core5.util.Timeout;

/**
 * One delivery attempt over HTTP (Apache HttpClient 5): a POST of the stored JSON body with the Standard Webhooks
 * headers, redirects not followed, no automatic retries (the schedule is ours), connect and response timeout from
 * {@code crm.webhooks.timeout}, and every connection's address checked by {@link AddressPolicy} as it is resolved.
 */
public class WebhookSender implements AutoCloseable {

    /** What an attempt came to; the response body is never kept (it may hold anything). */
    public record Outcome(boolean success, boolean retryable, Integer code, long latencyMs, String error,
                          Duration retryAfter) {
    }

    private static final int MAX_BODY_READ = 8192;

    private final CloseableHttpClient client;
    private final AddressPolicy addresses;
    private final Duration maxRetryAfter;
    /** The whole attempt's limit: connect, pool wait, response and body together. */
    private final Duration deadline;
    /**
     * Cancels attempts that reach their deadline. The client's own timeouts are per step (a read waits at most that
     * long for the next byte), so a receiver trickling its answer would otherwise hold an attempt past its claim, and
     * another replica would send the same delivery meanwhile.
     */
    private final ScheduledExecutorService deadlines = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "webhook-deadlines");
        t.setDaemon(true);
        return t;
    });

    public WebhookSender(AddressPolicy addresses, WebhookProperties properties) {
        this.addresses = addresses;
        this.maxRetryAfter = properties.retryDelays().stream().max(Duration::compareTo).orElseThrow();
        this.deadline = properties.timeout();
        Timeout timeout = Timeout.of(properties.timeout());
        this.client = HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setDnsResolver(addresses)
                        .setMaxConnTotal(properties.concurrency())
                        // a route is a host and port, which several subscriptions may share: the per-subscription
                        // limit is the dispatcher's, so a slow subscription cannot take its neighbours' connections
                        .setMaxConnPerRoute(properties.concurrency())
                        .setDefaultConnectionConfig(ConnectionConfig.custom().setConnectTimeout(timeout)
                                .setSocketTimeout(timeout).build())
                        .build())
                .setDefaultRequestConfig(RequestConfig.custom().setResponseTimeout(timeout)
                        .setConnectionRequestTimeout(timeout).setRedirectsEnabled(false).build())
                .disableRedirectHandling()
                .disableAutomaticRetries()
                .disableCookieManagement()
                .disableAuthCaching()
                .setUserAgent("crm-webhooks/1 (+https://www.standardwebhooks.com/)")
                .build();
    }

    /**
     * POSTs the body to the URL, signed with each secret; {@code at} is the attempt's time (the
     * {@code webhook-timestamp}, and the base of a {@code Retry-After} date).
     */
    public Outcome send(String url, List<String> secrets, String id, Instant at, String body) {
        String schemeProblem = schemeProblem(url);
        if (schemeProblem != null) {
            return new Outcome(false, false, null, 0, schemeProblem, null);
        }
        long timestamp = at.getEpochSecond();
        HttpPost post = new HttpPost(URI.create(url));
        post.setHeader("webhook-id", id);
        post.setHeader("webhook-timestamp", Long.toString(timestamp));
        post.setHeader("webhook-signature", WebhookSignature.header(secrets, id, timestamp, body));
        post.setEntity(new StringEntity(body, ContentType.APPLICATION_JSON));
        long started = System.nanoTime();
        ScheduledFuture<?> cutOff = deadlines.schedule(post::cancel, deadline.toMillis(), TimeUnit.MILLISECONDS);
        try {
            return attempt(post, at, started);
        } finally {
            cutOff.cancel(false);
        }
    }

    private Outcome attempt(HttpPost post, Instant at, long started) {
        try (ClassicHttpResponse response = client.executeOpen(null, post, null)) {
            int code = response.getCode();
            drain(response.getEntity());
            long latency = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            if (code >= 200 && code < 300) {
                return new Outcome(true, false, code, latency, null, null);
            }
            boolean retryable = code >= 500 || code == 429 || code < 400;
            Duration retryAfter = code == 429 || code == 503 ? retryAfter(response.getFirstHeader("Retry-After"), at)
                    : null;
            String error = code >= 300 && code < 400 ? "HTTP " + code + " (redirects are not followed)"
                    : "HTTP " + code;
            return new Outcome(false, retryable, code, latency, error, retryAfter);
        } catch (AddressPolicy.RefusedAddress e) {
            return failure(started, e.getMessage());
        } catch (SocketTimeoutException e) {
            return failure(started, "timeout: " + e.getMessage());
        } catch (ConnectException e) {
            return failure(started, "connection failed: " + e.getMessage());
        } catch (UnknownHostException e) {
            return failure(started, "unknown host: " + e.getMessage());
        } catch (IOException | RuntimeException e) {
            if (post.isCancelled()) {
                return failure(started, "timeout: no complete answer within " + deadline.toMillis() + " ms");
            }
            return failure(started, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private static Outcome failure(long started, String error) {
        return new Outcome(false, true, null, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), error,
                null);
    }

    private String schemeProblem(String url) {
        String problem = addresses.schemeProblem(url);
        return problem == null ? null : "refused: the URL " + problem;
    }

    /** Reads a short body so the connection can be reused; a longer one is cut off (the connection is dropped). */
    private static void drain(HttpEntity entity) throws IOException {
        if (entity == null) {
            return;
        }
        try (InputStream in = entity.getContent()) {
            if (in != null) {
                in.readNBytes(MAX_BODY_READ);
            }
        }
    }

    /** {@code Retry-After} as seconds or an HTTP date, capped at the longest scheduled wait; null when absent. */
    Duration retryAfter(Header header, Instant at) {
        if (header == null || header.getValue() == null) {
            return null;
        }
        String value = header.getValue().strip();
        Duration wait;
        try {
            wait = Duration.ofSeconds(Long.parseLong(value));
        } catch (NumberFormatException notSeconds) {
            try {
                wait = Duration.between(at, ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME)
                        .toInstant());
            } catch (DateTimeParseException notDate) {
                return null;
            }
        }
        if (wait.isNegative()) {
            return Duration.ZERO;
        }
        return wait.compareTo(maxRetryAfter) > 0 ? maxRetryAfter : wait;
    }

    @Override
    public void close() throws IOException {
        deadlines.shutdownNow();
        client.close();
    }
}
