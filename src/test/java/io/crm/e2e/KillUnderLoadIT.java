package io.crm.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.crm.support.Http;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Issue 15's promise on the packaged jar: no change without its event and no event without its change, with a real
 * {@code kill -9} of the process at a random moment under write load from several clients (v1 creates, updates,
 * archives, restores of contacts, deals moving through stages, legacy creates and permanent deletes), and while it
 * relays a backlog. After each restart on the same data directory, once the relay has caught up, the API alone must
 * show: every contact and deal at version v has exactly the audit events of versions 1..v (a create first, no
 * duplicates), every permanently deleted person exactly one {@code delete} after its other events, no audit event
 * without its record, the feed the same events as the audit log (plus {@code deal.stage_changed}) once each and in
 * version order per object, and every write a client saw acknowledged there with its events.
 */
class KillUnderLoadIT {

    private static final int LOAD_ROUNDS = 2;
    private static final int CLIENTS = 4;
    private static final int PAGE = 500;
    private static final List<String> STAGES = List.of("lead", "qualified", "proposal", "negotiation", "won", "lost");
    /** The relay lease of a killed holder must end before the next process relays: short, to keep rounds short. */
    private static final String LEASE = "2s";
    /** A delete intent whose delete never happened is dropped after this (the kill can fall between the two). */
    private static final String SETTLE_AFTER = "3s";

    @TempDir
    Path dataDir;

    private final long seed = System.nanoTime();
    private final Random random = new Random(seed);
    private final String password = ServiceProcess.randomPassword();
    private final String run = Long.toString(seed & 0xffffff, 36);
    /** Every record a client saw created, by id; each is written by one client only, so its version is known. */
    private final Map<String, Tracked> tracked = new ConcurrentHashMap<>();
    /** person_ids of legacy bulk inserts that were acknowledged. */
    private final Set<String> bulkAcknowledged = ConcurrentHashMap.newKeySet();
    /** Answers the load clients did not expect, from any client thread. */
    private final ConcurrentLinkedQueue<String> unexpected = new ConcurrentLinkedQueue<>();
    private final AtomicInteger acknowledged = new AtomicInteger();
    private ServiceProcess service;

    @AfterEach
    void stop() {
        if (service != null) {
            service.close();
        }
    }

    @Test
    void everyChangeHasItsEventsAfterKillNineUnderLoad() throws Exception {
        System.out.printf("[KillUnderLoadIT] seed %d%n", seed);
        // one object per relay step after the last round, so that a backlog builds up and takes a while to relay
        Map<String, String> slowRelay = Map.of("CRM_EVENTS_BATCHSIZE", "1");
        Http api = start(Map.of());
        int checkedEvents = 0;
        for (int round = 1; round <= LOAD_ROUNDS; round++) {
            loadThenKill(api, round);
            api = start(round == LOAD_ROUNDS ? slowRelay : Map.of());
            checkedEvents = awaitConsistent(api, "after round " + round);
        }

        // --- a backlog: many creates at once, the writer killed right after; the next process killed while relaying
        int feedBefore = feed(api, "contact.created").size();
        for (int b = 0; b < 8; b++) {
            List<Map<String, Object>> persons = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                persons.add(Map.of("person_id", run + "-bulk-" + b + "-" + i, "name", "Bulk " + b + " " + i));
            }
            Http.Response inserted = api.post("/person/bulk", persons);
            assertThat(inserted.status()).as("bulk insert %d", b).isEqualTo(201);
            persons.forEach(p -> bulkAcknowledged.add((String) p.get("person_id")));
            acknowledged.addAndGet(persons.size());
        }
        int relayedBeforeKill = feed(api, "contact.created").size() - feedBefore;
        service.kill(Duration.ofSeconds(30));
        note(String.format("backlog: %d creates acknowledged, %d relayed when the writer was killed",
                bulkAcknowledged.size(), relayedBeforeKill));

        api = start(slowRelay);
        Http relaying = api;
        int[] relayedAtKill = new int[1];
        // kill once the relay is under way (it waits for the dead writer's lease first), as early as we see it
        Awaitility.await("relay started on the backlog").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(20)).pollInSameThread()
                .until(() -> (relayedAtKill[0] = feed(relaying, "contact.created").size() - feedBefore)
                        > relayedBeforeKill);
        service.kill(Duration.ofSeconds(30));
        note(String.format("backlog: relay killed with %d of %d backlog events in the feed",
                relayedAtKill[0], bulkAcknowledged.size()));

        api = start(Map.of());
        checkedEvents = awaitConsistent(api, "after the backlog kills");
        assertThat(service.terminate(Duration.ofSeconds(30))).isZero();

        System.out.printf("[KillUnderLoadIT] %d writes acknowledged, %d records tracked, %d events checked "
                + "(audit + feed) at the end%n", acknowledged.get(), tracked.size(), checkedEvents);
        assertThat(unexpected).as("answers other than the expected 2xx during the load").isEmpty();
    }

    /** A line of the run's report, printed at once (a failure later would lose it otherwise). */
    private static void note(String line) {
        System.out.println("[KillUnderLoadIT] " + line);
    }

    /** Starts the jar on the same data directory; a client with a fresh admin token. */
    private Http start(Map<String, String> more) throws Exception {
        Map<String, String> env = new HashMap<>(more);
        env.put("CRM_MAX_PAGE_SIZE", Integer.toString(PAGE));
        env.put("CRM_EVENTS_LEASE", LEASE);
        env.put("CRM_EVENTS_SETTLEAFTER", SETTLE_AFTER);
        service = ServiceProcess.start(dataDir, ServiceProcess.withAdmin(password, env), Duration.ofSeconds(120));
        return service.api(password);
    }

    // ------------------------------------------------------------------------------------------------ load and kill

    private void loadThenKill(Http api, int round) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger inFlight = new AtomicInteger();
        int before = acknowledged.get();
        int killAfter = 40 + random.nextInt(260);
        long started = System.nanoTime();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        try {
            for (int c = 0; c < CLIENTS; c++) {
                Client client = new Client(api, round, c, new Random(random.nextLong()));
                clients.submit(() -> {
                    try {
                        while (!stop.get()) {
                            client.step();
                        }
                    } catch (IllegalStateException connectionLost) {
                        // the process died under this request: it may or may not have been applied
                        inFlight.incrementAndGet();
                    } catch (RuntimeException | AssertionError e) {
                        unexpected.add("round " + round + " client " + client.index + ": " + e);
                    }
                });
            }
            try {
                Awaitility.await("round " + round + ": " + killAfter + " writes acknowledged")
                        .atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(5)).pollInSameThread()
                        .until(() -> acknowledged.get() - before >= killAfter || !unexpected.isEmpty());
            } finally {
                service.kill(Duration.ofSeconds(30));
                stop.set(true);
            }
            int atKill = acknowledged.get() - before;
            clients.shutdown();
            assertThat(clients.awaitTermination(60, TimeUnit.SECONDS)).as("clients stopped").isTrue();
            note(String.format("round %d: killed %d ms into the load after %d acknowledged writes "
                    + "(%d by the end), %d requests in flight", round, (System.nanoTime() - started) / 1_000_000,
                    atKill, acknowledged.get() - before, inFlight.get()));
        } finally {
            clients.shutdownNow();
        }
        assertThat(unexpected).as("answers other than the expected 2xx during the load").isEmpty();
    }

    /** One load client: it writes only its own records, so it knows their versions. */
    private final class Client {
        private final Http api;
        private final int round;
        private final int index;
        private final Random random;
        private int counter;

        Client(Http api, int round, int index, Random random) {
            this.api = api;
            this.round = round;
            this.index = index;
            this.random = random;
        }

        private List<Tracked> mine(String kind, boolean archived, boolean legacy) {
            return tracked.values().stream().filter(t -> t.owner == index && t.kind.equals(kind) && !t.deleted
                    && !t.deleteSent && t.archived == archived && (!legacy || t.personId != null)).toList();
        }

        private Tracked any(List<Tracked> candidates) {
            return candidates.isEmpty() ? null : candidates.get(random.nextInt(candidates.size()));
        }

        void step() {
            int dice = random.nextInt(100);
            String name = "K" + run + " r" + round + " c" + index + " n" + counter++;
            Tracked contact = any(mine("contact", false, false));
            Tracked deal = any(mine("deal", false, false));
            if (dice < 18 || contact == null) {
                Http.Response created = expect(api.post("/api/v1/contacts", Map.of("name", name,
                        "tags", List.of("kill"))), 201);
                track("contact", created.json(), null);
            } else if (dice < 42) {
                Http.Response patched = expect(api.patch("/api/v1/contacts/" + contact.id, Map.of("title", name),
                        "If-Match", "\"" + contact.version + "\""), 200);
                contact.acknowledge(patched.json().get("version").asLong(), false);
            } else if (dice < 49) {
                expect(api.delete("/api/v1/contacts/" + contact.id, "If-Match", "\"" + contact.version + "\""),
                        204);
                contact.acknowledge(contact.version + 1, true);
            } else if (dice < 54) {
                Tracked archived = any(mine("contact", true, false));
                if (archived != null) {
                    Http.Response restored = expect(api.post("/api/v1/contacts/" + archived.id + "/restore",
                            Map.of()), 200);
                    archived.acknowledge(restored.json().get("version").asLong(), false);
                }
            } else if (dice < 64 || deal == null) {
                Http.Response created = expect(api.post("/api/v1/deals", Map.of("title", name,
                        "amount", "100.00", "contactIds", List.of(contact.id))), 201);
                track("deal", created.json(), null);
            } else if (dice < 86) {
                List<String> others = STAGES.stream().filter(s -> !s.equals(deal.stage)).toList();
                String stage = others.get(random.nextInt(others.size()));
                Http.Response moved = expect(api.patch("/api/v1/deals/" + deal.id, stage.equals("lost")
                                ? Map.of("stage", stage, "lostReason", "Budget") : Map.of("stage", stage),
                        "If-Match", "\"" + deal.version + "\""), 200);
                deal.stage = stage;
                deal.acknowledge(moved.json().get("version").asLong(), false);
            } else if (dice < 93) {
                String personId = run + "-p-" + round + "-" + index + "-" + counter;
                Http.Response created = expect(api.post("/person/" + personId, Map.of("name", name,
                        "phone", "555-0100")), 201);
                track("contact", created.json(), personId);
            } else {
                Tracked person = any(mine("contact", false, true));
                if (person != null) {
                    // intent first, then the delete: the kill may fall between the two
                    person.deleteSent = true;
                    expect(api.delete("/person/" + person.personId), 200);
                    person.deleted = true;
                    acknowledged.incrementAndGet();
                }
            }
        }

        private void track(String kind, JsonNode created, String personId) {
            Tracked t = new Tracked(created.get("id").asString(), kind, index, personId);
            // the legacy answer has no version: a create is version 1
            t.acknowledge(created.has("version") ? created.get("version").asLong() : 1, false);
            t.stage = kind.equals("deal") ? created.get("stage").asString() : null;
            tracked.put(t.id, t);
        }

        private Http.Response expect(Http.Response response, int status) {
            if (response.status() != status) {
                throw new AssertionError("expected " + status + ", got " + response);
            }
            return response;
        }
    }

    /** What the clients know of one record. */
    private final class Tracked {
        final String id;
        final String kind;
        final int owner;
        final String personId;
        /** Its version now (exact while its client writes it; re-read after each restart). */
        volatile long version;
        /** The highest version a 2xx answer confirmed. */
        volatile long acknowledgedVersion;
        volatile boolean archived;
        volatile String stage;
        /** A permanent delete was sent (its outcome is known only if acknowledged). */
        volatile boolean deleteSent;
        volatile boolean deleted;

        Tracked(String id, String kind, int owner, String personId) {
            this.id = id;
            this.kind = kind;
            this.owner = owner;
            this.personId = personId;
        }

        void acknowledge(long newVersion, boolean nowArchived) {
            version = newVersion;
            acknowledgedVersion = newVersion;
            archived = nowArchived;
            acknowledged.incrementAndGet();
        }
    }

    // ------------------------------------------------------------------------------------------------ the checks

    /** What the API shows: records (live and archived), the audit log, the feed in order. */
    private record Snapshot(Map<String, JsonNode> records, List<JsonNode> audit, List<JsonNode> feed) {
    }

    /**
     * Waits until the relay has caught up and everything is consistent (twice in a row with the same feed, after
     * the dead holder's lease has ended), then refreshes what the clients know. Returns the events checked.
     */
    private int awaitConsistent(Http api, String when) {
        long since = System.nanoTime();
        Snapshot[] last = new Snapshot[1];
        AtomicReference<List<String>> problems = new AtomicReference<>(List.of());
        int[] stableFeed = {-1};
        try {
            Awaitility.await("consistent " + when).atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofSeconds(1)).pollInSameThread().until(() -> {
                        Snapshot snapshot = snapshot(api);
                        last[0] = snapshot;
                        problems.set(violations(snapshot));
                        boolean same = snapshot.feed().size() == stableFeed[0];
                        stableFeed[0] = snapshot.feed().size();
                        return problems.get().isEmpty() && same
                                && System.nanoTime() - since > Duration.ofSeconds(3).toNanos();
                    });
        } catch (ConditionTimeoutException timeout) {
            throw new AssertionError("inconsistent " + when + " (seed " + seed + "), "
                    + problems.get().size() + " problems:\n" + String.join("\n", problems.get().stream().limit(60)
                    .toList()), timeout);
        }
        Snapshot snapshot = last[0];
        for (Tracked t : tracked.values()) {
            JsonNode record = snapshot.records().get(t.id);
            if (record == null) {
                t.deleted = true;
            } else {
                t.version = record.get("version").asLong();
                t.archived = record.has("archived") && record.get("archived").asBoolean();
                t.deleteSent = false;
                if (t.kind.equals("deal")) {
                    t.stage = record.get("stage").asString();
                }
            }
        }
        note(String.format("%s: consistent after %d ms: %d records, %d audit events, %d feed events", when,
                (System.nanoTime() - since) / 1_000_000, snapshot.records().size(), snapshot.audit().size(),
                snapshot.feed().size()));
        return snapshot.audit().size() + snapshot.feed().size();
    }

    private Snapshot snapshot(Http api) {
        Map<String, JsonNode> records = new LinkedHashMap<>();
        for (String resource : List.of("contacts", "deals")) {
            for (boolean archived : new boolean[] {false, true}) {
                for (JsonNode record : pages(api, "/api/v1/" + resource + "?limit=" + PAGE + "&archived=" + archived,
                        "cursor")) {
                    records.put(record.get("id").asString(), record);
                }
            }
        }
        List<JsonNode> audit = pages(api, "/api/v1/audit?limit=" + PAGE, "cursor");
        return new Snapshot(records, audit, feed(api, null));
    }

    /** The whole feed (of these types, if given), oldest first, following its cursor. */
    private static List<JsonNode> feed(Http api, String types) {
        List<JsonNode> events = new ArrayList<>();
        String after = null;
        while (true) {
            Http.Response page = ok(api.get("/api/v1/events?limit=" + PAGE + (types == null ? "" : "&types=" + types)
                    + (after == null ? "" : "&after=" + enc(after))));
            JsonNode items = page.json().get("items");
            if (items.isEmpty()) {
                return events;
            }
            items.values().forEach(events::add);
            after = page.json().get("nextCursor").asString();
        }
    }

    private static List<JsonNode> pages(Http api, String path, String cursorParameter) {
        List<JsonNode> items = new ArrayList<>();
        String cursor = null;
        do {
            Http.Response page = ok(api.get(path + (cursor == null ? "" : "&" + cursorParameter + "=" + enc(cursor))));
            page.json().get("items").values().forEach(items::add);
            JsonNode next = page.json().get("nextCursor");
            cursor = next == null || next.isNull() ? null : next.asString();
        } while (cursor != null);
        return items;
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static Http.Response ok(Http.Response response) {
        if (response.status() != 200) {
            throw new AssertionError("expected 200, got " + response);
        }
        return response;
    }

    private List<String> violations(Snapshot s) {
        List<String> problems = new ArrayList<>();
        Map<String, JsonNode> audit = new LinkedHashMap<>();
        for (JsonNode event : s.audit()) {
            if (audit.put(event.get("id").asString(), event) != null) {
                problems.add("audit event twice: " + event);
            }
        }
        Map<String, JsonNode> feed = new LinkedHashMap<>();
        for (JsonNode event : s.feed()) {
            if (feed.put(event.get("id").asString(), event) != null) {
                problems.add("feed event twice: " + event);
            }
        }
        // the same events in both, the audit log skipping only deal.stage_changed
        for (JsonNode event : feed.values()) {
            String type = event.get("type").asString();
            JsonNode entry = audit.get(event.get("id").asString());
            if (type.equals("deal.stage_changed")) {
                if (entry != null) {
                    problems.add("stage change in the audit log: " + entry);
                }
            } else if (entry == null) {
                problems.add("in the feed, not in the audit log: " + event);
            } else if (!entry.get("entityId").asString().equals(event.get("object").get("id").asString())
                    || entry.get("version").asLong() != event.get("version").asLong()) {
                problems.add("feed and audit disagree: " + event + " vs " + entry);
            }
        }
        for (JsonNode entry : audit.values()) {
            if (!feed.containsKey(entry.get("id").asString())) {
                problems.add("in the audit log, not in the feed: " + entry);
            }
        }

        // per record: the audit events of versions 1..v, a create first; deleted ones end with one delete
        Map<String, List<JsonNode>> byEntity = new HashMap<>();
        for (JsonNode entry : audit.values()) {
            String type = entry.get("entityType").asString();
            if (type.equals("contact") || type.equals("deal")) {
                byEntity.computeIfAbsent(entry.get("entityId").asString(), k -> new ArrayList<>()).add(entry);
            }
        }
        for (JsonNode record : s.records().values()) {
            String id = record.get("id").asString();
            long version = record.get("version").asLong();
            List<JsonNode> events = byEntity.getOrDefault(id, List.of());
            problems.addAll(trail(id, events, version, false, record));
            boolean archived = record.has("archived") && record.get("archived").asBoolean();
            JsonNode lastEvent = events.stream().filter(e -> e.get("version").asLong() == version).findFirst()
                    .orElse(null);
            if (lastEvent != null && archived != lastEvent.get("action").asString().equals("archive")) {
                problems.add(id + " archived=" + archived + " but its last event is " + lastEvent);
            }
        }
        for (Map.Entry<String, List<JsonNode>> entity : byEntity.entrySet()) {
            if (s.records().containsKey(entity.getKey())) {
                continue;
            }
            List<JsonNode> events = entity.getValue();
            List<JsonNode> deletes = events.stream().filter(e -> e.get("action").asString().equals("delete"))
                    .toList();
            Tracked t = tracked.get(entity.getKey());
            if (deletes.isEmpty()) {
                problems.add("events of a record that does not exist (no delete): " + entity.getKey() + " "
                        + summary(events));
                continue;
            }
            if (t != null && t.personId == null) {
                problems.add("a v1 record was deleted permanently: " + entity.getKey() + " " + summary(events));
            }
            long lastVersion = events.stream().filter(e -> !e.get("action").asString().equals("delete"))
                    .mapToLong(e -> e.get("version").asLong()).max().orElse(0);
            problems.addAll(trail(entity.getKey(), events, lastVersion, true, null));
        }

        // the feed: per object, versions never go back, a create first, a delete last
        Map<String, List<JsonNode>> feedByObject = new LinkedHashMap<>();
        for (JsonNode event : s.feed()) {
            String type = event.get("object").get("type").asString();
            if (type.equals("contact") || type.equals("deal")) {
                feedByObject.computeIfAbsent(event.get("object").get("id").asString(), k -> new ArrayList<>())
                        .add(event);
            }
        }
        for (Map.Entry<String, List<JsonNode>> object : feedByObject.entrySet()) {
            List<JsonNode> events = object.getValue();
            if (!events.get(0).get("type").asString().endsWith(".created")) {
                problems.add("feed: first event of " + object.getKey() + " is not a create: " + feedSummary(events));
            }
            long previous = 0;
            for (int i = 0; i < events.size(); i++) {
                JsonNode event = events.get(i);
                boolean delete = event.get("type").asString().endsWith(".deleted");
                long version = event.get("version").asLong();
                if (delete ? i != events.size() - 1 : version < previous) {
                    problems.add("feed: events of " + object.getKey() + " out of order: " + feedSummary(events));
                    break;
                }
                previous = version;
            }
        }

        // every acknowledged write is there
        for (Tracked t : tracked.values()) {
            JsonNode record = s.records().get(t.id);
            List<JsonNode> events = byEntity.getOrDefault(t.id, List.of());
            if (t.deleted || t.deleteSent) {
                if (record == null && events.stream().noneMatch(e -> e.get("action").asString().equals("delete"))) {
                    problems.add("acknowledged person " + t.personId + " (" + t.id + ") gone without a delete "
                            + "event: " + summary(events));
                }
                if (t.deleted && record != null) {
                    problems.add("acknowledged delete of " + t.personId + " (" + t.id + ") not done: " + record);
                }
            } else if (record == null) {
                problems.add("acknowledged " + t.kind + " " + t.id + " (v" + t.acknowledgedVersion + ") is missing; "
                        + "audit: " + summary(events));
            } else if (record.get("version").asLong() < t.acknowledgedVersion) {
                problems.add("acknowledged " + t.kind + " " + t.id + " v" + t.acknowledgedVersion + " is back at v"
                        + record.get("version").asLong() + "; audit: " + summary(events));
            }
        }
        if (!bulkAcknowledged.isEmpty()) {
            Set<String> present = new HashSet<>();
            s.records().values().forEach(r -> {
                if (r.has("externalId")) {
                    present.add(r.get("externalId").asString());
                }
            });
            List<String> lost = bulkAcknowledged.stream().filter(p -> !present.contains(p)).sorted().toList();
            if (!lost.isEmpty()) {
                problems.add(lost.size() + " acknowledged bulk-inserted persons missing, e.g. "
                        + lost.stream().limit(5).toList());
            }
        }
        return problems;
    }

    /**
     * The audit trail of one record: versions 1..{@code version} once each, a create at 1; for a deleted record one
     * delete (version 0) after the others.
     */
    private static List<String> trail(String id, List<JsonNode> events, long version, boolean deleted,
                                      JsonNode record) {
        List<String> problems = new ArrayList<>();
        List<JsonNode> changes = events.stream().filter(e -> !e.get("action").asString().equals("delete"))
                .sorted(Comparator.comparingLong(e -> e.get("version").asLong())).toList();
        List<Long> versions = changes.stream().map(e -> e.get("version").asLong()).toList();
        List<Long> expected = new ArrayList<>();
        for (long v = 1; v <= version; v++) {
            expected.add(v);
        }
        String what = record != null ? id + " at v" + version : id + " (deleted)";
        if (!versions.equals(expected)) {
            problems.add(what + ": audit versions " + versions + ", expected 1.." + version + ": "
                    + summary(events));
        } else if (!changes.isEmpty() && !changes.get(0).get("action").asString().equals("create")) {
            problems.add(what + ": first audit event is not a create: " + summary(events));
        }
        long deletes = events.size() - changes.size();
        if (deleted && deletes != 1 || !deleted && deletes != 0) {
            problems.add(what + ": " + deletes + " delete events: " + summary(events));
        }
        return problems;
    }

    private static String summary(List<JsonNode> events) {
        return events.stream().map(e -> e.get("action").asString() + "@v" + e.get("version").asLong() + "("
                + e.get("at").asString() + ")").toList().toString();
    }

    private static String feedSummary(List<JsonNode> events) {
        return events.stream().map(e -> e.get("type").asString() + "@v" + e.get("version").asLong()).toList()
                .toString();
    }
}
