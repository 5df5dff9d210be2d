package io.crm.feed;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

import io.crm.events.Actor;
import io.crm.events.Change;
import io.crm.events.Event;
import io.crm.events.EventConsumer;
import io.crm.security.Role;
import io.crm.support.ApiTest;
import io.crm.support.Http;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;

/**
 * The event feed over HTTP, fed by calling the consumer directly (as the relay will). The consumer and retention run
 * on a thread of their own, like the relay's and the scheduler's, so their queries are index-checked too.
 */
class FeedApiTest extends ApiTest {

    private static final Actor ANN = new Actor("65a000000000000000000001", "Ann");

    @Autowired
    List<EventConsumer> consumers;

    @Autowired
    FeedConsumer feed;

    @Autowired
    FeedRetention retention;

    private Http viewer;
    private Http member;

    /**
     * These tests hand the consumer events of their own: the events of the set-up's real writes (users, tokens) are
     * relayed first and then cleared from the feed (and its counter), so each test starts from a new, empty feed.
     */
    @Override
    @org.junit.jupiter.api.BeforeEach
    protected void freshDatabase() {
        super.freshDatabase();
        viewer = as(Role.VIEWER);
        member = as(Role.MEMBER);
        relayed();
        mongo.getCollection("events").deleteMany(new org.bson.Document());
        mongo.getCollection("counters").deleteOne(new org.bson.Document("_id", "events"));
    }

    @Test
    void theFeedIsAConsumerBeanNamedFeed() {
        assertThat(consumers).contains(feed);
        assertThat(feed.name()).isEqualTo("feed");
    }

    @Test
    void pagingSeesEveryEventOnceInOrderAcrossBatchesAndRedeliveries() {
        List<Event> first = events("contact", 5);
        List<Event> second = events("deal", 7);
        List<Event> third = events("company", 4);
        accept(first);
        accept(second);
        // the relay crashed after delivering: the same batches again, one of them mixed with new events
        accept(second);
        List<Event> mixed = new ArrayList<>(first.subList(3, 5));
        mixed.addAll(third);
        mixed.add(third.get(0)); // and one id twice in a batch
        accept(mixed);

        List<Event> expected = new ArrayList<>(first);
        expected.addAll(second);
        expected.addAll(third);
        Walk walk = walk(http, "", 3);
        assertThat(walk.ids()).containsExactlyElementsOf(ids(expected));
        assertThat(walk.pages()).isEqualTo(7); // 16 events: five pages of 3, one of 1, then the empty poll
        assertThat(mongo.getCollection("events").countDocuments()).isEqualTo(16);

        // polling with the last cursor: nothing new, the same cursor back
        JsonNode idle = http.get("/api/v1/events?after=" + walk.cursor()).json();
        assertThat(idle.get("items")).isEmpty();
        assertThat(idle.get("nextCursor").asString()).isEqualTo(walk.cursor());
        // new events are picked up from there, and only they
        List<Event> later = events("activity", 2);
        accept(later);
        accept(first);
        Walk more = walk(http, "&after=" + walk.cursor(), 100);
        assertThat(more.ids()).containsExactlyElementsOf(ids(later));
    }

    @Test
    void anItemIsTheEventsPublicJson() {
        ObjectId id = new ObjectId();
        Event event = new Event(id, "deal.stage_changed", clock.instant(), ANN, "deal", "65a0000000000000000000aa",
                List.of(new Change("stage", "lead", "won"), new Change("amount", null,
                        new org.bson.types.Decimal128(new java.math.BigDecimal("1200.50")))), 4);
        accept(List.of(event));
        JsonNode item = http.get("/api/v1/events").json().get("items").get(0);
        assertThat(item.get("id").asString()).isEqualTo(id.toHexString());
        assertThat(item.get("type").asString()).isEqualTo("deal.stage_changed");
        assertThat(item.get("occurredAt").asString()).isEqualTo(clock.instant().truncatedTo(
                java.time.temporal.ChronoUnit.MILLIS).toString());
        assertThat(item.get("actor").get("id").asString()).isEqualTo(ANN.id());
        assertThat(item.get("actor").get("name").asString()).isEqualTo("Ann");
        assertThat(item.get("object").get("type").asString()).isEqualTo("deal");
        assertThat(item.get("object").get("id").asString()).isEqualTo("65a0000000000000000000aa");
        assertThat(item.get("changes").get(0).get("field").asString()).isEqualTo("stage");
        assertThat(item.get("changes").get(0).get("old").asString()).isEqualTo("lead");
        assertThat(item.get("changes").get(0).get("new").asString()).isEqualTo("won");
        assertThat(item.get("changes").get(1).get("old").isNull()).isTrue();
        assertThat(item.get("changes").get(1).get("new").asString()).isEqualTo("1200.50");
        assertThat(item.get("version").asLong()).isEqualTo(4);
        assertThat(item.has("seq")).isFalse();
    }

    @Test
    void twoWritersWithTheSameBatchStoreEachEventOnce() throws InterruptedException {
        // a relay whose lease ran out still finishing while the next one delivers the same events
        for (int round = 0; round < 5; round++) {
            List<Event> batch = events("contact", 30);
            CountDownLatch start = new CountDownLatch(1);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            List<Thread> writers = new ArrayList<>();
            for (int w = 0; w < 2; w++) {
                Thread writer = new Thread(() -> {
                    try {
                        start.await();
                        feed.accept(batch);
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                });
                writer.start();
                writers.add(writer);
            }
            start.countDown();
            for (Thread writer : writers) {
                writer.join();
            }
            assertThat(failure.get()).isNull();
        }
        List<String> seen = walk(http, "", 100).ids();
        assertThat(seen).hasSize(150).doesNotHaveDuplicates();
        assertThat(mongo.getCollection("events").countDocuments()).isEqualTo(150);
    }

    @Test
    void anInsertThatMeetsTakenNumbersRetriesWithFreshOnesAndLosesNothing() {
        List<Event> before = events("contact", 5);
        accept(before);
        // the counter went back (restored from an older backup): the next numbers it hands out are taken
        mongo.getCollection("counters").updateOne(new Document("_id", "events"),
                new Document("$set", new Document("seq", 0L)));
        List<Event> after = events("deal", 2);
        accept(after);
        List<Event> expected = new ArrayList<>(before);
        expected.addAll(after);
        assertThat(walk(http, "", 3).ids()).containsExactlyElementsOf(ids(expected));
    }

    @Test
    void typesTakeExactTypesAndWildcards() {
        List<Event> all = new ArrayList<>();
        for (String type : List.of("contact.created", "deal.created", "contact.updated", "deal.stage_changed",
                "company.created", "contact.merged", "activity.created", "deal.stage_changed", "contact.archived")) {
            all.add(event(type, new ObjectId().toHexString()));
        }
        accept(all);

        assertThat(walk(http, "&types=contact.created", 1).ids()).containsExactly(all.get(0).id().toHexString());
        assertThat(walk(http, "&types=deal.stage_changed,company.created", 1).ids())
                .containsExactlyElementsOf(ids(List.of(all.get(3), all.get(4), all.get(7))));
        assertThat(walk(http, "&types=contact.*", 2).ids())
                .containsExactlyElementsOf(ids(List.of(all.get(0), all.get(2), all.get(5), all.get(8))));
        assertThat(walk(http, "&types=" + "deal.stage_changed,%20contact.*", 2).ids())
                .containsExactlyElementsOf(ids(List.of(all.get(0), all.get(2), all.get(3), all.get(5), all.get(7),
                        all.get(8))));
        assertThat(walk(http, "&types=deal.*,activity.*", 100).ids())
                .containsExactlyElementsOf(ids(List.of(all.get(1), all.get(3), all.get(6), all.get(7))));
        assertThat(walk(http, "&types=contact.erased", 100).ids()).isEmpty();
        // a filtered page's cursor continues the filtered feed
        JsonNode page = http.get("/api/v1/events?types=contact.*&limit=2").json();
        JsonNode rest = http.get("/api/v1/events?types=contact.*&after=" + page.get("nextCursor").asString())
                .json();
        assertThat(rest.get("items")).extracting(i -> i.get("id").asString())
                .containsExactly(all.get(5).id().toHexString(), all.get(8).id().toHexString());
    }

    @Test
    void viewersSeeNoUserOrTokenEventsMembersAndAdminsDo() {
        Event contact = event("contact.created", new ObjectId().toHexString());
        Event user = new Event(new ObjectId(), "user.created", clock.instant(), ANN, "user",
                new ObjectId().toHexString(), List.of(new Change("email", null, "bo@example.test")), 1);
        Event token = new Event(new ObjectId(), "token.created", clock.instant(), ANN, "token",
                new ObjectId().toHexString(), List.of(new Change("name", null, "ci")), 1);
        Event deal = event("deal.created", new ObjectId().toHexString());
        accept(List.of(contact, user, token, deal));

        assertThat(walk(viewer, "", 1).ids()).containsExactlyElementsOf(ids(List.of(contact, deal)));
        assertThat(walk(viewer, "&types=user.*,token.created", 10).ids()).isEmpty();
        assertThat(walk(member, "", 1).ids()).containsExactlyElementsOf(ids(List.of(contact, user, token,
                deal)));
        assertThat(walk(http, "&types=user.*,token.created", 10).ids()).containsExactlyElementsOf(
                ids(List.of(user, token)));
        assertThat(http.anonymous().get("/api/v1/events").status()).isEqualTo(401);
    }

    @Test
    void badCursorsTypesAndLimitsAre400ProblemJson() {
        accept(events("contact", 2));
        String good = http.get("/api/v1/events?limit=1").json().get("nextCursor").asString();
        for (String query : List.of("after=nonsense!", "after=AAAA", "after=" + good + "x", "after=" + good + "==",
                "after=" + FeedCursor.encode(-1), "after=%2F%2F%2F%2F%2F%2F%2F%2F%2F%2F8",
                "types=contact.", "types=*", "types=Contact.created", "types=contact.*.x", "types=contact.created,,",
                "types=contact.cre*", "types=contact", "types=ping,deal", "types=" + "a,".repeat(51) + "a",
                "after=" + "A".repeat(5000), "after=%00", "after=" + good + "&after=" + good,
                "types=%F0%9F%98%80", "types=contact.created%00",
                "limit=0", "limit=101", "limit=ten", "limit=-1")) {
            Http.Response response = http.get("/api/v1/events?" + query);
            assertThat(response.status()).as(query).isEqualTo(400);
            assertThat(response.contentType()).as(query).startsWith("application/problem+json");
        }
        assertThat(http.get("/api/v1/events?limit=100&types=ping,contact.*&after=" + good).status()).isEqualTo(200);
    }

    @Test
    void retentionDeletesOldEventsAndACursorBeforeThemIs410() {
        List<Event> old = events("contact", 4);
        accept(old);
        String midOld = http.get("/api/v1/events?limit=2").json().get("nextCursor").asString();
        String endOfOld = http.get("/api/v1/events").json().get("nextCursor").asString();
        clock.advance(Duration.ofDays(20));
        List<Event> recent = events("deal", 3);
        accept(recent);
        assertThat(cleanUp()).isZero(); // nothing is 30 days old yet

        clock.advance(Duration.ofDays(11));
        assertThat(cleanUp()).isEqualTo(4);
        assertThat(cleanUp()).isZero(); // a second run (another replica) finds nothing more

        assertThat(walk(http, "", 2).ids()).containsExactlyElementsOf(ids(recent));
        // a client that saw every deleted event continues where it was
        assertThat(walk(http, "&after=" + endOfOld, 2).ids()).containsExactlyElementsOf(ids(recent));
        // one that missed some must start over
        Http.Response expired = http.get("/api/v1/events?after=" + midOld);
        assertThat(expired.status()).isEqualTo(410);
        assertThat(expired.contentType()).startsWith("application/problem+json");
        assertThat(expired.json().get("detail").asString()).contains("cursor expired");
        assertThat(http.get("/api/v1/events?types=deal.*&after=" + midOld).status()).isEqualTo(410);

        // everything expires: the feed is empty, and a fresh client gets a cursor that follows on
        clock.advance(Duration.ofDays(31));
        assertThat(cleanUp()).isEqualTo(3);
        JsonNode empty = http.get("/api/v1/events").json();
        assertThat(empty.get("items")).isEmpty();
        String fresh = empty.get("nextCursor").asString();
        assertThat(http.get("/api/v1/events?after=" + endOfOld).status()).isEqualTo(410);
        List<Event> newer = events("activity", 2);
        accept(newer);
        assertThat(walk(http, "&after=" + fresh, 1).ids()).containsExactlyElementsOf(ids(newer));
    }

    @Test
    void retentionKeepsTheFeedContiguousWhenAnOldEventArrivesLate() {
        List<Event> young = events("contact", 2);
        accept(young);
        // delivered late (the relay was down): occurred 40 days ago, but after the young ones in the feed
        Event late = new Event(new ObjectId(), "deal.created", clock.instant().minus(Duration.ofDays(40)), ANN,
                "deal", new ObjectId().toHexString(), List.of(), 1);
        accept(List.of(late));
        assertThat(cleanUp()).isZero();
        assertThat(walk(http, "", 10).ids()).containsExactlyElementsOf(ids(List.of(young.get(0), young.get(1),
                late)));
        clock.advance(Duration.ofDays(31));
        assertThat(cleanUp()).isEqualTo(3);
    }

    @Test
    void erasureBlanksTheObjectsEarlierValuesKeepingFieldNames() {
        String erased = new ObjectId().toHexString();
        String other = new ObjectId().toHexString();
        Event created = new Event(new ObjectId(), "contact.created", clock.instant(), ANN, "contact", erased,
                List.of(new Change("name", null, "Eve Example"), new Change("email", null, "eve@example.test")), 1);
        Event otherCreated = new Event(new ObjectId(), "contact.created", clock.instant(), ANN, "contact", other,
                List.of(new Change("name", null, "Olga")), 1);
        accept(List.of(created, otherCreated));
        Event updated = new Event(new ObjectId(), "contact.updated", clock.instant(), ANN, "contact", erased,
                List.of(new Change("phone", "+1 555 0100", "+1 555 0199")), 2);
        Event erasure = new Event(new ObjectId(), "contact.erased", clock.instant(), ANN, "contact", erased,
                List.of(), 3);
        // the update and the erasure in one batch: the update is stored, then blanked
        accept(List.of(updated, erasure));

        Map<String, JsonNode> items = byId(walk(http, "", 100).items());
        assertThat(items).hasSize(4);
        assertThat(items.get(created.id().toHexString()).get("changes").toString())
                .isEqualTo("[{\"field\":\"name\",\"old\":null,\"new\":null},"
                        + "{\"field\":\"email\",\"old\":null,\"new\":null}]");
        assertThat(items.get(updated.id().toHexString()).get("changes").toString())
                .isEqualTo("[{\"field\":\"phone\",\"old\":null,\"new\":null}]");
        assertThat(items.get(erasure.id().toHexString()).get("type").asString()).isEqualTo("contact.erased");
        assertThat(items.get(otherCreated.id().toHexString()).get("changes").toString())
                .contains("Olga");
        // nothing of it is left in the stored documents either
        for (Document stored : mongo.getCollection("events").find(new Document("objectId", erased))) {
            assertThat(stored.toJson()).doesNotContain("Eve").doesNotContain("eve@")
                    // the phone values, whole: "555" alone also occurs in ObjectIds made around 2026-12-05T00:05Z
                    .doesNotContain("+1 555 0100").doesNotContain("+1 555 0199");
        }

        // new data entered after the erasure is not touched when the erasure is delivered again
        Event after = new Event(new ObjectId(), "contact.updated", clock.instant(), ANN, "contact", erased,
                List.of(new Change("name", null, "Anonymous")), 4);
        accept(List.of(after));
        accept(List.of(updated, erasure, after));
        assertThat(byId(walk(http, "", 100).items()).get(after.id().toHexString()).get("changes").toString())
                .contains("Anonymous");
        assertThat(mongo.getCollection("events").countDocuments()).isEqualTo(5);
    }

    // --- helpers

    /** Calls the consumer on a thread of its own, as the relay will (and so its queries are index-checked). */
    private void accept(List<Event> events) {
        onServiceThread(() -> feed.accept(events));
    }

    private long cleanUp() {
        long[] deleted = new long[1];
        onServiceThread(() -> deleted[0] = retention.cleanUp());
        return deleted[0];
    }

    private static void onServiceThread(Runnable work) {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread thread = new Thread(() -> {
            try {
                work.run();
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        thread.start();
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        if (failure.get() != null) {
            throw new AssertionError("on the service thread", failure.get());
        }
    }

    private Event event(String type, String objectId) {
        return new Event(new ObjectId(), type, clock.instant(), ANN, type.substring(0, type.indexOf('.')), objectId,
                List.of(new Change("name", "before", "after")), 1);
    }

    /** {@code count} events of one object type, created then updated, each a second after the one before. */
    private List<Event> events(String objectType, int count) {
        List<Event> events = new ArrayList<>();
        String objectId = new ObjectId().toHexString();
        for (int i = 0; i < count; i++) {
            events.add(new Event(new ObjectId(), objectType + (i == 0 ? ".created" : ".updated"),
                    clock.instant().plusSeconds(i), ANN, objectType, objectId,
                    List.of(new Change("name", i == 0 ? null : "v" + (i - 1), "v" + i)), i + 1));
        }
        return events;
    }

    private static List<String> ids(List<Event> events) {
        return events.stream().map(e -> e.id().toHexString()).toList();
    }

    private static Map<String, JsonNode> byId(List<JsonNode> items) {
        Map<String, JsonNode> byId = new HashMap<>();
        items.forEach(i -> byId.put(i.get("id").asString(), i));
        return byId;
    }

    record Walk(List<JsonNode> items, String cursor, int pages) {
        List<String> ids() {
            return items.stream().map(i -> i.get("id").asString()).toList();
        }
    }

    /** Follows the cursor from {@code query}'s start until a page comes back empty. */
    private static Walk walk(Http client, String query, int limit) {
        List<JsonNode> items = new ArrayList<>();
        String cursor = null;
        String start = Arrays.stream(query.split("&")).filter(p -> p.startsWith("after="))
                .map(p -> p.substring(6)).findFirst().orElse(null);
        String rest = String.join("&", Arrays.stream(query.split("&"))
                .filter(p -> !p.isEmpty() && !p.startsWith("after=")).toList());
        cursor = start;
        for (int pages = 1; pages < 1000; pages++) {
            Http.Response response = client.get("/api/v1/events?limit=" + limit + (rest.isEmpty() ? "" : "&" + rest)
                    + (cursor == null ? "" : "&after=" + cursor));
            assertThat(response.status()).as(response.toString()).isEqualTo(200);
            JsonNode page = response.json();
            assertThat(page.get("items").size()).isLessThanOrEqualTo(limit);
            String next = page.get("nextCursor").asString();
            if (page.get("items").isEmpty()) {
                if (cursor != null) {
                    assertThat(next).isEqualTo(cursor);
                }
                return new Walk(items, next, pages);
            }
            page.get("items").forEach(items::add);
            cursor = next;
        }
        throw new AssertionError("the feed did not end");
    }
}
