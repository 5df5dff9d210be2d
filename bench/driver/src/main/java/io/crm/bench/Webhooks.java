package io.crm.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.sun.net.httpserver.HttpServer;

/**
 * {@code webhooks --base URL [--rate 500] [--duration 20] [--subs 1] [--slow 0] [--down 0] [--drain 30]
 * [--slow-ms 5000] [--same-host false] [--tag T]}: the event-latency benchmark. Starts loopback webhook receivers
 * (JDK HttpServer; one port each unless {@code same-host}), subscribes each to {@code contact.*} through the
 * service's API (the first {@code slow} answer only after {@code slow-ms}; the next {@code down} point at a port
 * nothing listens on), then creates contacts through {@code POST /api/v1/contacts} at a fixed rate (open loop: a request is sent when it is due, whether or not
 * earlier ones have been answered) for {@code duration} seconds, and waits up to {@code drain} seconds for every
 * healthy receiver to have every created contact's {@code contact.created}. Latency = receive time minus the
 * event's {@code occurredAt} (same machine, same clock). Prints one JSON line: the creates (achieved rate, errors,
 * their own p50/p99), and for the healthy receivers together and each one: received, lost, duplicates, p50/p99/max.
 * Subscriptions are deleted at the end. {@code BENCH_TOKEN} in the environment is sent as a Bearer token.
 */
final class Webhooks {

    private static final Pattern TYPE = Pattern.compile("\"type\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern OCCURRED = Pattern.compile("\"occurredAt\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern OBJECT_ID = Pattern.compile("\"object\"\\s*:\\s*\\{[^}]*\"id\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"");

    /** What one receiver path saw: latency (ms) per created contact id, and repeats. */
    static final class Receiver {
        final String name;
        final boolean slow;
        final Map<String, Long> latencyMs = new ConcurrentHashMap<>();
        final AtomicLong duplicates = new AtomicLong();
        final AtomicLong calls = new AtomicLong();

        Receiver(String name, boolean slow) {
            this.name = name;
            this.slow = slow;
        }
    }

    private Webhooks() {
    }

    static void run(Map<String, String> opts) throws Exception {
        String base = Driver.require(opts, "base");
        double rate = Double.parseDouble(opts.getOrDefault("rate", "500"));
        double seconds = Double.parseDouble(opts.getOrDefault("duration", "20"));
        int subs = Integer.parseInt(opts.getOrDefault("subs", "1"));
        int slow = Integer.parseInt(opts.getOrDefault("slow", "0"));
        int down = Integer.parseInt(opts.getOrDefault("down", "0"));
        double drain = Double.parseDouble(opts.getOrDefault("drain", "30"));
        long slowMs = Long.parseLong(opts.getOrDefault("slow-ms", "5000"));
        String tag = opts.getOrDefault("tag", Long.toString(System.currentTimeMillis(), 36));
        String token = System.getenv("BENCH_TOKEN");

        boolean sameHost = Boolean.parseBoolean(opts.getOrDefault("same-host", "false"));
        List<Receiver> receivers = new ArrayList<>();
        List<HttpServer> servers = new ArrayList<>();
        List<String> urls = new ArrayList<>();
        // a thread per call: a slow receiver's sleeping calls must not hold up the healthy ones
        ExecutorService serverThreads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "receiver");
            t.setDaemon(true);
            return t;
        });
        for (int i = 0; i < subs - down; i++) {
            Receiver receiver = new Receiver("r" + i, i < slow);
            receivers.add(receiver);
            // each receiver on its own port, as separate receivers are separate hosts (the sender's connection
            // pool is per host and port); --same-host true puts them all behind one port instead
            if (servers.isEmpty() || !sameHost) {
                HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 1024);
                server.setExecutor(serverThreads);
                servers.add(server);
            }
            HttpServer server = servers.get(servers.size() - 1);
            server.createContext("/hook/" + receiver.name, exchange -> {
                long now = System.currentTimeMillis();
                String body;
                try (InputStream in = exchange.getRequestBody()) {
                    body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
                receiver.calls.incrementAndGet();
                record(receiver, body, now);
                if (receiver.slow) {
                    sleep(slowMs);
                }
                exchange.sendResponseHeaders(204, -1);
                exchange.close();
            });
            urls.add("http://127.0.0.1:" + server.getAddress().getPort() + "/hook/" + receiver.name);
        }
        servers.forEach(HttpServer::start);

        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        List<String> subscriptionIds = new ArrayList<>();
        for (int i = 0; i < subs; i++) {
            String url = i < subs - down ? urls.get(i)
                    : "http://127.0.0.1:" + closedPort() + "/hook/down" + i;
            String created = send(http, request(base + "/api/v1/webhooks", token).POST(json(
                    "{\"url\":\"" + url + "\",\"events\":[\"contact.*\"],\"description\":\"bench " + tag + "\"}"))
                    .build(), 201);
            subscriptionIds.add(match(ID, created));
        }

        // the load: request k is due at start + k / rate; sent asynchronously so a slow answer delays nothing
        Set<String> createdIds = ConcurrentHashMap.newKeySet();
        AtomicLong createErrors = new AtomicLong();
        long total = (long) (rate * seconds);
        long[] createNanos = new long[(int) total];
        Arrays.fill(createNanos, -1);
        List<java.util.concurrent.CompletableFuture<?>> pending = new ArrayList<>();
        long start = System.nanoTime();
        for (int k = 0; k < total; k++) {
            long due = start + (long) (k * 1e9 / rate);
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            int index = k;
            long sent = System.nanoTime();
            String body = "{\"name\":\"Event Bench " + k + "\",\"email\":\"ev-" + tag + "-" + k
                    + "@bench.example\",\"tags\":[\"bench\"]}";
            pending.add(http.sendAsync(request(base + "/api/v1/contacts", token).POST(json(body)).build(),
                    HttpResponse.BodyHandlers.ofString()).whenComplete((response, error) -> {
                        if (error == null && response.statusCode() == 201) {
                            createNanos[index] = System.nanoTime() - sent;
                            createdIds.add(match(ID, response.body()));
                        } else {
                            createErrors.incrementAndGet();
                        }
                    }));
        }
        long sendSeconds = System.nanoTime() - start;
        for (var f : pending) {
            try {
                f.get();
            } catch (Exception e) {
                // counted in whenComplete
            }
        }
        double achieved = createdIds.size() / ((System.nanoTime() - start) / 1e9);

        // every healthy receiver must see every created contact
        List<Receiver> healthy = receivers.stream().filter(r -> !r.slow).toList();
        long drainUntil = System.nanoTime() + (long) (drain * 1e9);
        while (System.nanoTime() < drainUntil && !healthy.stream()
                .allMatch(r -> r.latencyMs.keySet().containsAll(createdIds))) {
            sleep(100);
        }
        double drainedAfter = (System.nanoTime() - start) / 1e9 - seconds;

        for (String id : subscriptionIds) {
            send(http, request(base + "/api/v1/webhooks/" + id, token).DELETE().build(), 204);
        }
        servers.forEach(server -> server.stop(0));

        StringBuilder out = new StringBuilder();
        long[] creates = Arrays.stream(createNanos).filter(n -> n >= 0).sorted().toArray();
        out.append(String.format(Locale.ROOT, "{\"rate\":%.0f,\"duration_s\":%.0f,\"subs\":%d,\"slow\":%d,\"down\":%d,"
                        + "\"sent\":%d,\"send_s\":%.2f,\"created\":%d,\"create_errors\":%d,\"achieved_rate\":%.1f,"
                        + "\"create_p50_ms\":%.1f,\"create_p99_ms\":%.1f,\"drained_after_s\":%.1f,",
                rate, seconds, subs, slow, down, total, sendSeconds / 1e9, createdIds.size(), createErrors.get(),
                achieved, Driver.percentile(creates, 0.50) / 1e6, Driver.percentile(creates, 0.99) / 1e6,
                drainedAfter));
        List<Long> all = new ArrayList<>();
        long lost = 0;
        long duplicates = 0;
        StringBuilder each = new StringBuilder();
        for (Receiver r : receivers) {
            long[] latencies = createdIds.stream().map(r.latencyMs::get).filter(v -> v != null)
                    .mapToLong(Long::longValue).sorted().toArray();
            long missing = createdIds.size() - latencies.length;
            if (!r.slow) {
                for (long l : latencies) {
                    all.add(l);
                }
                lost += missing;
                duplicates += r.duplicates.get();
            }
            if (!each.isEmpty()) {
                each.append(',');
            }
            each.append(String.format(Locale.ROOT, "{\"receiver\":\"%s\",\"slow\":%b,\"calls\":%d,\"received\":%d,"
                            + "\"missing\":%d,\"duplicates\":%d,\"p50_ms\":%d,\"p99_ms\":%d,\"max_ms\":%d}",
                    r.name, r.slow, r.calls.get(), latencies.length, missing, r.duplicates.get(),
                    Driver.percentile(latencies, 0.50), Driver.percentile(latencies, 0.99),
                    latencies.length == 0 ? 0 : latencies[latencies.length - 1]));
        }
        long[] healthyLatencies = all.stream().mapToLong(Long::longValue).sorted().toArray();
        out.append(String.format(Locale.ROOT, "\"healthy_receivers\":%d,\"deliveries\":%d,\"lost\":%d,"
                        + "\"duplicates\":%d,\"p50_ms\":%d,\"p99_ms\":%d,\"max_ms\":%d,\"receivers\":[%s]}",
                healthy.size(), healthyLatencies.length, lost, duplicates,
                Driver.percentile(healthyLatencies, 0.50), Driver.percentile(healthyLatencies, 0.99),
                healthyLatencies.length == 0 ? 0 : healthyLatencies[healthyLatencies.length - 1], each));
        System.out.println(out);
        System.out.flush();
        System.exit(0);
    }

    /** Keeps the first contact.created per contact id (latency from occurredAt); repeats count as duplicates. */
    private static void record(Receiver receiver, String body, long receivedAtMs) {
        if (!"contact.created".equals(find(TYPE, body))) {
            return;
        }
        String occurredAt = find(OCCURRED, body);
        String objectId = find(OBJECT_ID, body);
        if (occurredAt == null || objectId == null) {
            return;
        }
        long latency = receivedAtMs - Instant.parse(occurredAt).toEpochMilli();
        if (receiver.latencyMs.putIfAbsent(objectId, latency) != null) {
            receiver.duplicates.incrementAndGet();
        }
    }

    private static HttpRequest.Builder request(String url, String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json");
        if (token != null && !token.isEmpty()) {
            b.header("Authorization", "Bearer " + token);
        }
        return b;
    }

    private static HttpRequest.BodyPublisher json(String body) {
        return HttpRequest.BodyPublishers.ofString(body);
    }

    private static String send(HttpClient http, HttpRequest request, int expected) throws IOException,
            InterruptedException {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != expected) {
            throw new IllegalStateException(request.method() + " " + request.uri() + ": " + response.statusCode()
                    + " " + response.body());
        }
        return response.body();
    }

    /** A loopback port nothing listens on (bound, then closed): connections to it are refused. */
    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static String match(Pattern pattern, String text) {
        String value = find(pattern, text);
        if (value == null) {
            throw new IllegalStateException("no " + pattern + " in " + text);
        }
        return value;
    }

    private static String find(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        return m.find() ? m.group(1) : null;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
