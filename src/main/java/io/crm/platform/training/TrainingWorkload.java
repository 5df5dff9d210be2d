package io.crm.platform.training;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The requests a service serves during its AOT training run, before the JVM writes its cache (the image's build, and
 * {@code bench/run.sh}, which mirrors it). Java 25 keeps in the cache the classes those requests load and the method
 * profiles they record, so a new pod starts with the request path already profiled and serves several times more
 * requests in its first seconds of load (BENCHMARKS.md, "A training run that serves requests"). A training run that
 * only starts the context profiles the start, not the requests.
 *
 * <p>It runs as its own small JVM beside the service it trains, as a client over HTTP, so the service does nothing
 * different from what it does in production: the first admin (from {@code CRM_ADMIN_EMAIL} and
 * {@code CRM_ADMIN_PASSWORD_FILE}) makes a token, and the requests carry it. The mix follows what a CRM serves most:
 * record reads (the legacy {@code /person} API's and the v1 API's), then lists, searches and writes of every kind.
 * Any failed request fails the run, so a training run that stopped matching the API breaks the build instead of
 * quietly profiling error pages.
 */
public final class TrainingWorkload {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String TRAINING_TAG = "aot-training";

    private final URI base;
    private final HttpClient client;
    private final String nonce;
    private final AtomicLong sequence = new AtomicLong();
    private final List<String> contactIds = new CopyOnWriteArrayList<>();
    private final List<String> personIds = new CopyOnWriteArrayList<>();
    private final Map<String, LongAdder> served = new ConcurrentHashMap<>();
    private final List<String> failures = Collections.synchronizedList(new ArrayList<>());
    private String authorization;

    private TrainingWorkload(URI base) {
        this.base = base;
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        byte[] random = new byte[4];
        new SecureRandom().nextBytes(random);
        this.nonce = java.util.HexFormat.of().formatHex(random);
    }

    /** What a run served: requests per step, and the failed requests (at most the first 20 described). */
    public record Summary(Map<String, Long> served, long failed, List<String> failures) {

        public long total() {
            return served.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /** The steps a run must have served at least once for its profiles to cover the request path. */
    public static final Set<String> STEPS = Set.of("contact.create", "contact.get", "contact.update", "contact.list",
            "contact.search", "contact.timeline", "person.create", "person.get", "company.create", "deal.create",
            "deal.stage", "activity.create", "events.list");

    /**
     * Waits for {@code /ready}, makes a token as {@code email}, then serves the mix from {@code threads} clients for
     * {@code duration}.
     */
    public static Summary run(URI base, String email, String password, Duration duration, int threads,
            Duration readyWithin) throws InterruptedException {
        TrainingWorkload workload = new TrainingWorkload(base);
        workload.awaitReady(readyWithin);
        workload.signIn(email, password);
        long deadline = System.nanoTime() + duration.toNanos();
        List<Thread> clients = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            Thread client = new Thread(() -> {
                long round = 0;
                while (System.nanoTime() < deadline && workload.failures.size() < 20) {
                    workload.round(round++);
                }
            }, "training-" + i);
            client.start();
            clients.add(client);
        }
        for (Thread client : clients) {
            client.join();
        }
        Map<String, Long> counts = new TreeMap<>();
        workload.served.forEach((step, count) -> counts.put(step, count.sum()));
        List<String> failed = List.copyOf(workload.failures);
        return new Summary(counts, failed.size(), failed.subList(0, Math.min(20, failed.size())));
    }

    /** One round: creates, then reads of what exists (most of the traffic), and every tenth round the other records. */
    private void round(long round) {
        String key = "t" + nonce + "-" + sequence.incrementAndGet();
        JsonNode contact = send("contact.create", "POST", "/api/v1/contacts", Map.of("name", "Training " + key,
                "email", key + "@training.invalid", "phone", "+1 555 0100", "tags", List.of(TRAINING_TAG)));
        if (contact != null) {
            contactIds.add(contact.get("id").asString());
        }
        if (send("person.create", "POST", "/person/" + key, Map.of("name", "Training " + key,
                "email", key + "@person.training.invalid")) != null) {
            personIds.add(key);
        }
        if (contactIds.isEmpty() || personIds.isEmpty()) {
            return; // the creates failed: counted as failures, nothing to read yet
        }
        for (int i = 0; i < 8; i++) {
            send("contact.get", "GET", "/api/v1/contacts/" + any(contactIds), null);
            send("person.get", "GET", "/person/" + any(personIds), null);
        }
        send("contact.update", "PATCH", "/api/v1/contacts/" + any(contactIds),
                Map.of("phone", "+1 555 " + (1000 + round % 9000)));
        send("contact.list", "GET", "/api/v1/contacts?limit=20&tag=" + TRAINING_TAG, null);
        send("contact.search", "POST", "/api/v1/contacts/search", Map.of("query", "Training", "limit", 20));
        if (round % 10 == 0) {
            others(key);
        }
    }

    private void others(String key) {
        String contactId = any(contactIds);
        JsonNode company = send("company.create", "POST", "/api/v1/companies",
                Map.of("name", "Training " + key, "domain", key + ".training.invalid"));
        if (company == null) {
            return;
        }
        JsonNode deal = send("deal.create", "POST", "/api/v1/deals", Map.of("title", "Training " + key,
                "amount", "1200.00", "companyId", company.get("id").asString(), "contactIds", List.of(contactId)));
        if (deal != null) {
            send("deal.stage", "PATCH", "/api/v1/deals/" + deal.get("id").asString(), Map.of("stage", "proposal"));
        }
        send("activity.create", "POST", "/api/v1/activities",
                Map.of("type", "note", "subject", "Training call " + key, "contactId", contactId));
        send("contact.timeline", "GET", "/api/v1/contacts/" + contactId + "/timeline", null);
        send("events.list", "GET", "/api/v1/events?limit=20", null);
    }

    private static String any(List<String> ids) {
        return ids.get(ThreadLocalRandom.current().nextInt(ids.size()));
    }

    /** Sends one request; a 2xx answer is counted under {@code step} and returned, anything else is a failure. */
    private JsonNode send(String step, String method, String path, Object body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", authorization).header("Accept", "application/json");
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        }
        try {
            HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                failures.add(method + " " + path + ": " + response.statusCode() + " " + abbreviated(response.body()));
                return null;
            }
            served.computeIfAbsent(step, s -> new LongAdder()).increment();
            return response.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(response.body());
        } catch (IOException e) {
            failures.add(method + " " + path + ": " + e);
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failures.add(method + " " + path + ": interrupted");
            return null;
        }
    }

    private static String abbreviated(String body) {
        return body.length() <= 300 ? body : body.substring(0, 300) + "...";
    }

    private void awaitReady(Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<Void> ready = client.send(HttpRequest.newBuilder(base.resolve("/ready"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding());
                if (ready.statusCode() == 200) {
                    return;
                }
                last = "status " + ready.statusCode();
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException(base.resolve("/ready") + " not 200 within " + within + " (" + last + ")");
    }

    /** A token for {@code email}, made over HTTP Basic as a script would (docs/security.md). */
    private void signIn(String email, String password) throws InterruptedException {
        authorization = "Basic " + Base64.getEncoder()
                .encodeToString((email + ":" + password).getBytes(StandardCharsets.UTF_8));
        JsonNode token = send("token", "POST", "/api/v1/auth/tokens", Map.of("name", TRAINING_TAG, "expiresInDays", 1));
        if (token == null) {
            throw new IllegalStateException("no token for " + email + ": " + failures);
        }
        authorization = "Bearer " + token.get("token").asString();
        served.remove("token");
    }

    /**
     * {@code --base http://127.0.0.1:5000 --email E --password-file F [--seconds 45] [--threads 16]}: exits 0 when
     * every request succeeded and every step ran, 1 otherwise (the training run's build step then fails).
     */
    public static void main(String[] args) throws Exception {
        Map<String, String> options = new TreeMap<>(Map.of("--base", "http://127.0.0.1:"
                + System.getenv().getOrDefault("PORT", "5000"), "--seconds", "45", "--threads", "16",
                "--ready-within", "300"));
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i], args[i + 1]);
        }
        if (!options.containsKey("--email") || !options.containsKey("--password-file")) {
            System.err.println("usage: TrainingWorkload --email E --password-file F [--base URL] [--seconds 45]"
                    + " [--threads 16] [--ready-within 300]");
            System.exit(2);
        }
        String password = Files.readString(Path.of(options.get("--password-file"))).strip();
        Summary summary = run(URI.create(options.get("--base")), options.get("--email"), password,
                Duration.ofSeconds(Long.parseLong(options.get("--seconds"))),
                Integer.parseInt(options.get("--threads")),
                Duration.ofSeconds(Long.parseLong(options.get("--ready-within"))));
        System.out.println("training workload: " + summary.total() + " requests " + summary.served());
        List<String> missing = STEPS.stream().filter(step -> !summary.served().containsKey(step)).sorted().toList();
        if (summary.failed() > 0 || !missing.isEmpty()) {
            System.err.println("training workload failed: " + summary.failed() + " failed requests "
                    + summary.failures() + ", steps never served: " + missing);
            System.exit(1);
        }
    }
}
