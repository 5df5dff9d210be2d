package io.crm.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.crm.events.Actor;
import io.crm.events.Change;
import io.crm.events.Event;
import io.crm.support.ApiTest;
import io.crm.support.Http;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

/**
 * Webhook deliveries end to end: events handed to the consumer reach real HTTP receivers on loopback (hence
 * allow-private and allow-http), signed as the Standard Webhooks spec says, in order per object, retried as
 * scheduled, and a receiver that keeps failing gets its subscription disabled. Time is the test clock's.
 */
@TestPropertySource(properties = {"crm.webhooks.allow-private=true", "crm.webhooks.allow-http=true",
        "crm.webhooks.timeout=3s", "crm.webhooks.poll-every=50ms", "crm.webhooks.concurrency=6",
        "crm.webhooks.per-subscription=2"})
class WebhookDeliveryTest extends ApiTest {

    @Autowired
    WebhookConsumer consumer;

    private final List<AutoCloseable> cleanup = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : cleanup) {
            c.close();
        }
    }

    @Test
    void aMatchingEventArrivesSignedWithItsJsonAndOthersDoNot() throws Exception {
        Receiver receiver = receiver();
        JsonNode created = subscribe(receiver, List.of("contact.*", "deal.stage_changed"));
        String secret = created.get("secret").asString();
        assertThat(secret).startsWith("whsec_");
        assertThat(java.util.Base64.getDecoder().decode(secret.substring(6))).hasSizeGreaterThanOrEqualTo(24);

        Event ignored = event("deal.created", "d1");
        Event wanted = new Event(new ObjectId(), "contact.updated", clock.instant(), new Actor("u1", "Ann Admin"),
                "contact", "c1", List.of(new Change("name", "Ann", "Anna")), 2);
        consumer.accept(List.of(ignored, wanted));

        await().atMost(10, TimeUnit.SECONDS).until(() -> receiver.requests.size() == 1);
        Receiver.Request request = receiver.requests.get(0);
        assertThat(request.id()).isEqualTo(wanted.id().toHexString());
        assertThat(request.timestamp()).isEqualTo(Long.toString(clock.instant().getEpochSecond()));
        assertThat(request.contentType()).startsWith("application/json");
        assertThat(Receiver.verifies(secret, request)).isTrue();
        assertThat(Receiver.verifies(io.crm.webhook.WebhookSignature.newSecret(), request)).isFalse();
        JsonNode body = Http.JSON.readTree(request.body());
        assertThat(body.get("id").asString()).isEqualTo(wanted.id().toHexString());
        assertThat(body.get("type").asString()).isEqualTo("contact.updated");
        assertThat(body.get("object").get("id").asString()).isEqualTo("c1");
        assertThat(body.get("actor").get("name").asString()).isEqualTo("Ann Admin");
        assertThat(body.get("changes").get(0).get("new").asString()).isEqualTo("Anna");
        assertThat(body.get("version").asLong()).isEqualTo(2);

        String id = created.get("id").asString();
        await().atMost(5, TimeUnit.SECONDS).until(() -> "succeeded".equals(
                deliveries(id).get(0).get("status").asString()));
        JsonNode delivery = deliveries(id).get(0);
        assertThat(deliveries(id)).hasSize(1);
        assertThat(delivery.get("attempts").asInt()).isEqualTo(1);
        assertThat(delivery.get("lastResponseCode").asInt()).isEqualTo(200);
        assertThat(delivery.get("lastLatencyMs").isNumber()).isTrue();
        assertThat(http.get("/api/v1/webhooks/" + id).json().get("lastSuccessAt").isNull()).isFalse();

        // the same event again (the relay after a crash) is not delivered twice
        consumer.accept(List.of(wanted));
        assertThat(deliveries(id)).hasSize(1);
    }

    @Test
    void deliveriesOfOneObjectGoInOrderWhileAnotherObjectsDoNotWait() throws Exception {
        Receiver receiver = receiver();
        AtomicInteger firstCalls = new AtomicInteger();
        Event a1 = event("contact.created", "A");
        Event a2 = event("contact.updated", "A");
        Event a3 = event("contact.archived", "A");
        Event b1 = event("contact.created", "B");
        receiver.answering(r -> r.id().equals(a1.id().toHexString()) && firstCalls.getAndIncrement() == 0
                ? Receiver.Answer.of(500) : Receiver.Answer.of(204));
        String id = subscribe(receiver, List.of("contact.*")).get("id").asString();

        consumer.accept(List.of(a1, a2, a3, b1));
        // a1 failed once and waits for its retry; b1 is another object and goes; a2 and a3 wait behind a1
        await().atMost(10, TimeUnit.SECONDS).until(() -> ids(receiver).contains(b1.id().toHexString()));
        await().during(300, TimeUnit.MILLISECONDS).atMost(2, TimeUnit.SECONDS)
                .until(() -> ids(receiver).size() == 2 && ids(receiver).containsAll(List.of(a1.id().toHexString(),
                        b1.id().toHexString())));
        JsonNode first = deliveryOf(id, a1);
        assertThat(first.get("status").asString()).isEqualTo("retrying");
        assertThat(first.get("lastResponseCode").asInt()).isEqualTo(500);
        Instant next = Instant.parse(first.get("nextAttemptAt").asString());
        // the first retry waits 5 s, with at most 10 % jitter
        assertThat(Duration.between(clock.instant(), next)).isBetween(Duration.ofMillis(4500),
                Duration.ofMillis(5500));

        clock.advance(Duration.ofSeconds(6));
        await().atMost(10, TimeUnit.SECONDS).until(() -> receiver.requests.size() == 5);
        assertThat(ids(receiver).subList(2, 5)).containsExactly(a1.id().toHexString(), a2.id().toHexString(),
                a3.id().toHexString());
        List<Long> seqs = new ArrayList<>();
        for (Event e : List.of(a1, a2, a3, b1)) {
            seqs.add(deliveryOf(id, e).get("seq").asLong());
        }
        assertThat(seqs).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void aTimeoutIsRetriedWithTheSameIdAndANewTimestamp() throws Exception {
        Receiver receiver = receiver();
        CountDownLatch release = new CountDownLatch(1);
        cleanup.add(release::countDown);
        AtomicInteger calls = new AtomicInteger();
        receiver.answering(r -> {
            if (calls.getAndIncrement() == 0) {
                waitFor(release); // longer than the 3 s timeout: the service gives up on this call
            }
            return Receiver.Answer.of(200);
        });
        String id = subscribe(receiver, List.of("*")).get("id").asString();
        Event e = event("company.created", "co1");
        consumer.accept(List.of(e));

        await().atMost(15, TimeUnit.SECONDS).until(() -> "retrying".equals(deliveryOf(id, e).get("status")
                .asString()));
        assertThat(deliveryOf(id, e).get("lastError").asString()).contains("timeout");
        release.countDown();
        Instant first = clock.instant();
        clock.advance(Duration.ofSeconds(6));
        await().atMost(10, TimeUnit.SECONDS).until(() -> "succeeded".equals(deliveryOf(id, e).get("status")
                .asString()));
        assertThat(deliveryOf(id, e).get("attempts").asInt()).isEqualTo(2);
        assertThat(receiver.requests).hasSize(2);
        assertThat(receiver.requests.get(1).id()).isEqualTo(receiver.requests.get(0).id());
        assertThat(receiver.requests.get(1).timestamp()).isEqualTo(Long.toString(first.getEpochSecond() + 6));
    }

    @Test
    void aTooManyRequestsAnswerIsRetriedAfterItsRetryAfter() throws Exception {
        Receiver receiver = receiver();
        AtomicInteger calls = new AtomicInteger();
        receiver.answering(r -> calls.getAndIncrement() == 0
                ? new Receiver.Answer(429, Map.of("Retry-After", "120")) : Receiver.Answer.of(200));
        String id = subscribe(receiver, List.of("deal.stage_changed")).get("id").asString();
        Event e = event("deal.stage_changed", "d1");
        Instant start = clock.instant();
        consumer.accept(List.of(e));

        await().atMost(10, TimeUnit.SECONDS).until(() -> "retrying".equals(deliveryOf(id, e).get("status")
                .asString()));
        assertThat(Instant.parse(deliveryOf(id, e).get("nextAttemptAt").asString()))
                .isEqualTo(start.plusSeconds(120).truncatedTo(ChronoUnit.MILLIS));
        clock.advance(Duration.ofSeconds(60));
        await().during(300, TimeUnit.MILLISECONDS).atMost(2, TimeUnit.SECONDS)
                .until(() -> receiver.requests.size() == 1);
        clock.advance(Duration.ofSeconds(60));
        await().atMost(10, TimeUnit.SECONDS).until(() -> "succeeded".equals(deliveryOf(id, e).get("status")
                .asString()));
        assertThat(receiver.requests).hasSize(2);
    }

    @Test
    void aClientErrorFailsAtOnceAndAnAdminCanRetryIt() throws Exception {
        Receiver receiver = receiver();
        AtomicInteger calls = new AtomicInteger();
        receiver.answering(r -> Receiver.Answer.of(calls.getAndIncrement() == 0 ? 400 : 200));
        String id = subscribe(receiver, List.of("contact.created")).get("id").asString();
        Event e = event("contact.created", "c9");
        consumer.accept(List.of(e));

        await().atMost(10, TimeUnit.SECONDS).until(() -> "failed".equals(deliveryOf(id, e).get("status")
                .asString()));
        JsonNode failed = deliveryOf(id, e);
        assertThat(failed.get("lastResponseCode").asInt()).isEqualTo(400);
        assertThat(failed.get("nextAttemptAt").isNull()).isTrue();
        clock.advance(Duration.ofHours(30));
        await().during(300, TimeUnit.MILLISECONDS).atMost(2, TimeUnit.SECONDS)
                .until(() -> receiver.requests.size() == 1);

        Http.Response retried = http.post("/api/v1/webhooks/" + id + "/deliveries/" + failed.get("id").asString()
                + "/retry", Map.of());
        assertThat(retried.status()).isEqualTo(200);
        await().atMost(10, TimeUnit.SECONDS).until(() -> "succeeded".equals(deliveryOf(id, e).get("status")
                .asString()));
        assertThat(receiver.requests).hasSize(2);
        assertThat(http.post("/api/v1/webhooks/" + id + "/deliveries/" + new ObjectId() + "/retry", Map.of())
                .status()).isEqualTo(404);
    }

    @Test
    void aSubscriptionFailingForTheWholeWindowIsDisabledAndCanBeEnabledAgain() throws Exception {
        Receiver receiver = receiver();
        AtomicInteger status = new AtomicInteger(500);
        receiver.answering(r -> Receiver.Answer.of(status.get()));
        String id = subscribe(receiver, List.of("contact.*")).get("id").asString();
        Instant start = clock.instant();
        consumer.accept(List.of(event("contact.created", "x1")));
        await().atMost(10, TimeUnit.SECONDS).until(() -> receiver.requests.size() == 1);
        await().atMost(5, TimeUnit.SECONDS).until(() -> !subscription(id).get("failingSince").isNull());
        // stored times have millisecond precision
        assertThat(Instant.parse(subscription(id).get("failingSince").asString()))
                .isEqualTo(start.truncatedTo(ChronoUnit.MILLIS));

        // two days on, still failing: not yet disabled
        clock.advance(Duration.ofDays(2));
        consumer.accept(List.of(event("contact.created", "x2")));
        await().atMost(10, TimeUnit.SECONDS).until(() -> receiver.requests.size() >= 3);
        assertThat(subscription(id).get("disabled").asBoolean()).isFalse();

        clock.advance(Duration.ofDays(1).plusMinutes(1));
        consumer.accept(List.of(event("contact.created", "x3")));
        await().atMost(10, TimeUnit.SECONDS).until(() -> subscription(id).get("disabled").asBoolean());
        JsonNode disabled = subscription(id);
        assertThat(disabled.get("disabledReason").asString()).contains("3 days").contains("HTTP 500");
        assertThat(disabled.get("disabledAt").isNull()).isFalse();
        assertThat(disabled.get("recentFailures").get(0).get("responseCode").asInt()).isEqualTo(500);
        assertThat(http.get("/api/v1/webhooks").json().get("items").get(0).get("disabled").asBoolean()).isTrue();
        // its creator hears of it, with the reason, in their notifications
        assertThat(disabled.get("createdBy").get("id").asString()).isEqualTo(admin.getObjectId("_id").toHexString());
        await().atMost(5, TimeUnit.SECONDS).untilAsserted(() -> assertThat(
                http.get("/api/v1/notifications").json().get("items").valueStream()
                        .filter(n -> n.get("kind").asString().equals("webhook_disabled")).toList())
                .singleElement().satisfies(n -> {
                    assertThat(n.get("text").asString()).contains("was disabled").contains("3 days")
                            .contains("HTTP 500");
                    assertThat(n.get("link").asString()).isEqualTo("/admin/webhooks");
                }));

        // disabled: no new deliveries, nothing sent
        int before = deliveries(id).size();
        consumer.accept(List.of(event("contact.created", "x4")));
        assertThat(deliveries(id)).hasSize(before);
        // (an attempt claimed just before the subscription was disabled may still be finishing)
        int calls = settled(receiver);
        clock.advance(Duration.ofHours(11));
        await().during(300, TimeUnit.MILLISECONDS).atMost(2, TimeUnit.SECONDS)
                .until(() -> receiver.requests.size() == calls);

        status.set(200);
        Http.Response enabled = http.patch("/api/v1/webhooks/" + id, Map.of("enabled", true));
        assertThat(enabled.status()).isEqualTo(200);
        assertThat(enabled.json().get("disabled").asBoolean()).isFalse();
        // the deliveries still in their retry schedule go out now
        await().atMost(10, TimeUnit.SECONDS).until(() -> !subscription(id).get("lastSuccessAt").isNull());
        assertThat(subscription(id).get("failingSince").isNull()).isTrue();
    }

    @Test
    void afterARotationBothSecretsSignUntilTheOverlapEnds() throws Exception {
        Receiver receiver = receiver();
        JsonNode created = subscribe(receiver, List.of("contact.*"));
        String id = created.get("id").asString();
        String oldSecret = created.get("secret").asString();
        Http.Response rotated = http.post("/api/v1/webhooks/" + id + "/rotate-secret", Map.of());
        assertThat(rotated.status()).isEqualTo(200);
        String newSecret = rotated.json().get("secret").asString();
        assertThat(newSecret).startsWith("whsec_").isNotEqualTo(oldSecret);
        assertThat(http.get("/api/v1/webhooks/" + id).body()).doesNotContain(newSecret).doesNotContain(oldSecret);

        consumer.accept(List.of(event("contact.created", "r1")));
        await().atMost(10, TimeUnit.SECONDS).until(() -> receiver.requests.size() == 1);
        Receiver.Request both = receiver.requests.get(0);
        assertThat(Receiver.signatures(both)).hasSize(2);
        assertThat(Receiver.verifies(newSecret, both)).isTrue();
        assertThat(Receiver.verifies(oldSecret, both)).isTrue();

        clock.advance(Duration.ofHours(24).plusSeconds(1));
        consumer.accept(List.of(event("contact.created", "r2")));
        await().atMost(10, TimeUnit.SECONDS).until(() -> receiver.requests.size() == 2);
        Receiver.Request onlyNew = receiver.requests.get(1);
        assertThat(Receiver.signatures(onlyNew)).hasSize(1);
        assertThat(Receiver.verifies(newSecret, onlyNew)).isTrue();
        assertThat(Receiver.verifies(oldSecret, onlyNew)).isFalse();
    }

    @Test
    void aSlowReceiverAndADeadOneDoNotHoldUpTheOthers() throws Exception {
        Receiver slow = receiver();
        CountDownLatch release = new CountDownLatch(1);
        cleanup.add(release::countDown);
        AtomicInteger slowInFlight = new AtomicInteger();
        AtomicInteger slowMaxInFlight = new AtomicInteger();
        slow.answering(r -> {
            slowMaxInFlight.accumulateAndGet(slowInFlight.incrementAndGet(), Math::max);
            try {
                release.await(5, TimeUnit.SECONDS); // 5 s per call (the service gives up after its 3 s)
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                slowInFlight.decrementAndGet();
            }
            return Receiver.Answer.of(200);
        });
        Receiver fast = receiver();
        List<Integer> slowCallsWhenFastWasDone = new ArrayList<>();
        int events = 20;
        fast.answering(r -> {
            if (fast.requests.size() == events) {
                slowCallsWhenFastWasDone.add(slow.requests.size());
            }
            return Receiver.Answer.of(200);
        });
        int deadPort;
        try (Receiver dead = new Receiver()) {
            deadPort = dead.port();
        }
        subscribe(slow, List.of("*"));
        String deadId = create("/api/v1/webhooks", Map.of("url", "http://127.0.0.1:" + deadPort + "/hook",
                "events", List.of("*")));
        subscribe(fast, List.of("*"));

        List<Event> batch = new ArrayList<>();
        for (int i = 0; i < events; i++) {
            batch.add(event("contact.created", "o" + i));
        }
        consumer.accept(batch);

        await().atMost(15, TimeUnit.SECONDS).until(() -> fast.requests.size() == events);
        // all of the fast receiver's deliveries arrived while the slow one's first calls were still hanging:
        // the slow subscription held its 2 slots, no more, and the dead one's failures took none for long
        assertThat(slowCallsWhenFastWasDone).isNotEmpty().allMatch(n -> n <= 2);
        assertThat(slowMaxInFlight.get()).isLessThanOrEqualTo(2);
        await().atMost(10, TimeUnit.SECONDS).until(() -> deliveries(deadId).size() == events
                && allHaveStatus(deliveries(deadId), "retrying"));
        assertThat(deliveries(deadId).get(0).get("lastError").asString()).contains("connection failed");
    }

    @Test
    void aClaimOfAReplicaThatDiedIsTakenOverWhenItRunsOut() throws Exception {
        Receiver receiver = receiver();
        String id = subscribe(receiver, List.of("contact.*")).get("id").asString();
        String paused = "/api/v1/webhooks/" + id;
        http.patch(paused, Map.of("paused", true));
        Event e = event("contact.created", "k1");
        consumer.accept(List.of(e));
        // another replica claimed it and died mid-attempt: its claim holds for a while, then falls due again
        mongo.getCollection(WebhookDeliveries.COLLECTION).updateOne(com.mongodb.client.model.Filters.eq("eventId",
                e.id().toHexString()), com.mongodb.client.model.Updates.combine(
                com.mongodb.client.model.Updates.set("claimToken", "dead-replica"),
                com.mongodb.client.model.Updates.set("dueAt", java.util.Date.from(clock.instant().plusSeconds(70)))));
        http.patch(paused, Map.of("paused", false));
        await().during(300, TimeUnit.MILLISECONDS).atMost(2, TimeUnit.SECONDS)
                .until(() -> receiver.requests.isEmpty());
        clock.advance(Duration.ofSeconds(71));
        await().atMost(10, TimeUnit.SECONDS).until(() -> "succeeded".equals(deliveryOf(id, e).get("status")
                .asString()));
        assertThat(receiver.requests).hasSize(1);
    }

    @Test
    void aTestPingGoesToThatSubscriptionOnly() throws Exception {
        Receiver one = receiver();
        Receiver other = receiver();
        JsonNode created = subscribe(one, List.of("deal.*"));
        subscribe(other, List.of("*"));
        String id = created.get("id").asString();
        Http.Response ping = http.post("/api/v1/webhooks/" + id + "/test", Map.of());
        assertThat(ping.status()).isEqualTo(202);
        await().atMost(10, TimeUnit.SECONDS).until(() -> one.requests.size() == 1);
        JsonNode body = Http.JSON.readTree(one.requests.get(0).body());
        assertThat(body.get("type").asString()).isEqualTo("ping");
        assertThat(body.get("id").asString()).isEqualTo(ping.json().get("eventId").asString());
        assertThat(Receiver.verifies(created.get("secret").asString(), one.requests.get(0))).isTrue();
        assertThat(other.requests).isEmpty();
    }

    @Test
    void anErasureScrubsQueuedBodiesThenIsDeliveredItself() throws Exception {
        Receiver receiver = receiver();
        String id = subscribe(receiver, List.of("contact.*")).get("id").asString();
        assertThat(http.patch("/api/v1/webhooks/" + id, Map.of("paused", true)).json().get("paused").asBoolean())
                .isTrue();
        Event update = new Event(new ObjectId(), "contact.updated", clock.instant(), new Actor("u1", "Ann"),
                "contact", "p1", List.of(new Change("email", "old@example.com", "new@example.com")), 3);
        Event other = new Event(new ObjectId(), "contact.updated", clock.instant(), new Actor("u1", "Ann"),
                "contact", "p2", List.of(new Change("email", "keep@example.com", "kept@example.com")), 3);
        consumer.accept(List.of(update, other));
        consumer.accept(List.of(new Event(new ObjectId(), "contact.erased", clock.instant(), new Actor("u1", "Ann"),
                "contact", "p1", List.of(), 4)));
        List<String> stored = mongo.getCollection(WebhookDeliveries.COLLECTION).find()
                .map(d -> d.getString("payload")).into(new ArrayList<>());
        assertThat(String.join("\n", stored)).doesNotContain("old@example.com").doesNotContain("new@example.com")
                .contains("keep@example.com");

        http.patch("/api/v1/webhooks/" + id, Map.of("paused", false));
        await().atMost(10, TimeUnit.SECONDS).until(() -> receiver.requests.size() == 3);
        assertThat(String.join("\n", receiver.bodies())).doesNotContain("old@example.com").contains("contact.erased");
        List<String> p1 = receiver.requests.stream().map(r -> Http.JSON.readTree(r.body()))
                .filter(b -> b.get("object").get("id").asString().equals("p1")).map(b -> b.get("type").asString())
                .toList();
        assertThat(p1).containsExactly("contact.updated", "contact.erased");
    }

    // --- helpers

    private Receiver receiver() throws Exception {
        Receiver receiver = new Receiver();
        cleanup.add(receiver);
        return receiver;
    }

    private JsonNode subscribe(Receiver receiver, List<String> events) {
        Http.Response response = http.post("/api/v1/webhooks", Map.of("url", receiver.url(), "events", events,
                "description", "test receiver"));
        assertThat(response.status()).as(response.toString()).isEqualTo(201);
        return response.json();
    }

    private Event event(String type, String objectId) {
        return new Event(new ObjectId(), type, clock.instant(), new Actor("u1", "Ann"),
                type.substring(0, type.indexOf('.')), objectId, List.of(), 1);
    }

    private List<JsonNode> deliveries(String subscriptionId) {
        Http.Response response = http.get("/api/v1/webhooks/" + subscriptionId + "/deliveries?limit=100");
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        List<JsonNode> out = new ArrayList<>();
        response.json().get("items").forEach(out::add);
        return out;
    }

    private JsonNode deliveryOf(String subscriptionId, Event event) {
        return deliveries(subscriptionId).stream()
                .filter(d -> d.get("eventId").asString().equals(event.id().toHexString())).findFirst()
                .orElseThrow(() -> new AssertionError("no delivery of " + event.type()));
    }

    private JsonNode subscription(String id) {
        return http.get("/api/v1/webhooks/" + id).json();
    }

    /** The receiver's request count once it has not changed for half a second. */
    private static int settled(Receiver receiver) {
        AtomicInteger last = new AtomicInteger(-1);
        await().during(500, TimeUnit.MILLISECONDS).atMost(10, TimeUnit.SECONDS)
                .until(() -> last.getAndSet(receiver.requests.size()) == receiver.requests.size());
        return receiver.requests.size();
    }

    private static boolean allHaveStatus(List<JsonNode> deliveries, String status) {
        return deliveries.stream().allMatch(d -> d.get("status").asString().equals(status));
    }

    private static List<String> ids(Receiver receiver) {
        return receiver.requests.stream().map(Receiver.Request::id).toList();
    }

    private static void waitFor(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
