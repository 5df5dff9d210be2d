package io.crm.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import io.crm.support.CountingMongo;
import org.bson.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.json.JsonMapper;

/**
 * The delivery queue's own rules, without HTTP: a chain left without a head (a replica killed between finishing a
 * delivery and promoting the next) is mended by {@link WebhookDeliveries#repairHeads} and nothing else is touched;
 * a receiver's {@code Retry-After} delays a retry but never brings it forward, so the attempts still span the
 * schedule.
 */
class WebhookDeliveryQueueTest {

    private static final String DATABASE = "webhook_queue_test";
    private static final List<Duration> DELAYS = List.of(Duration.ofSeconds(5), Duration.ofMinutes(5),
            Duration.ofHours(10));
    private static final WebhookProperties PROPERTIES = new WebhookProperties(true, true, Duration.ofSeconds(2),
            Duration.ofDays(3), 4, 2, DELAYS, Duration.ofSeconds(1), Duration.ofHours(24), Duration.ofDays(30));
    @RegisterExtension
    static final CountingMongo mongo = new CountingMongo(DATABASE);

    private final Instant now = Instant.parse("2026-12-06T10:00:00Z");
    private WebhookDeliveries deliveries;

    @BeforeEach
    void fresh() {
        MongoDatabase db = mongo.database();
        db.drop();
        deliveries = new WebhookDeliveries(db.getCollection(WebhookDeliveries.COLLECTION),
                db.getCollection(WebhookDeliveries.COUNTERS), JsonMapper.builder().build(), PROPERTIES);
    }

    private static WebhookDeliveries.New delivery(String objectId, int n) {
        return new WebhookDeliveries.New("sub1", objectId + "-e" + n, "contact.updated", "contact", objectId,
                "{\"n\":" + n + "}");
    }

    private List<String> dueEvents() {
        List<String> events = new ArrayList<>();
        for (Document d : deliveries.due(List.of("sub1"), now, 100)) {
            events.add(deliveries.collection().find(Filters.eq("_id", d.get("_id"))).first().getString("eventId"));
        }
        events.sort(null);
        return events;
    }

    /** Claims and finishes the due delivery of this event as a replica does, then dies before promoting. */
    private Boolean finishAndDie(String eventId, WebhookSender.Outcome outcome) {
        Document doc = deliveries.collection().find(Filters.eq("eventId", eventId)).first();
        List<Document> got = deliveries.claim(List.of(doc.get("_id")), now, now.plusSeconds(60), "token-" + eventId);
        assertThat(got).hasSize(1);
        return deliveries.finish(got.get(0), "token-" + eventId, outcome, now);
    }

    private static WebhookSender.Outcome ok() {
        return new WebhookSender.Outcome(true, false, 200, 3, null, null);
    }

    @Test
    void aChainLeftWithoutAHeadIsMendedAndNoOtherIsTouched() {
        deliveries.enqueue(List.of(delivery("a", 1), delivery("a", 2), delivery("a", 3), delivery("b", 1),
                delivery("b", 2), delivery("c", 1), delivery("d", 1), delivery("d", 2)), now);
        assertThat(dueEvents()).containsExactly("a-e1", "b-e1", "c-e1", "d-e1");

        // a and c finish and their replica dies before promoting: a's next delivery waits for nothing
        assertThat(finishAndDie("a-e1", ok())).as("a has followers: its chain must be promoted").isTrue();
        assertThat(finishAndDie("c-e1", ok())).as("c has none").isFalse();
        assertThat(dueEvents()).containsExactly("b-e1", "d-e1");

        assertThat(deliveries.repairHeads()).isEqualTo(1);
        assertThat(dueEvents()).as("a's next delivery is its head again; b and d keep theirs")
                .containsExactly("a-e2", "b-e1", "d-e1");
        assertThat(deliveries.collection().countDocuments(Filters.eq("head", true))).isEqualTo(3);
        assertThat(deliveries.repairHeads()).as("nothing left to mend").isZero();
    }

    @Test
    void moreHeadlessChainsThanOneBatchAreAllMended() {
        List<WebhookDeliveries.New> queued = new ArrayList<>();
        for (int i = 0; i < 1_100; i++) {
            queued.add(delivery("o" + i, 1));
            queued.add(delivery("o" + i, 2));
        }
        deliveries.enqueue(queued, now);
        // every chain's first delivery finished, none promoted
        deliveries.collection().updateMany(Filters.eq("head", true), new Document("$set",
                new Document("head", false).append("status", WebhookDeliveries.SUCCEEDED)));
        assertThat(deliveries.due(List.of("sub1"), now, 10)).isEmpty();

        assertThat(deliveries.repairHeads()).isEqualTo(1_100);
        assertThat(deliveries.collection().countDocuments(Filters.and(Filters.eq("head", true),
                Filters.eq("eventId", "o1099-e2")))).isEqualTo(1);
        assertThat(deliveries.collection().countDocuments(Filters.eq("head", true))).isEqualTo(1_100);
    }

    @Test
    void retryAfterDelaysARetryButNeverBringsItForward() {
        deliveries.enqueue(List.of(delivery("a", 1), delivery("b", 1)), now);
        WebhookSender.Outcome soon = new WebhookSender.Outcome(false, true, 429, 3, "HTTP 429", Duration.ofSeconds(1));
        WebhookSender.Outcome late = new WebhookSender.Outcome(false, true, 429, 3, "HTTP 429", Duration.ofMinutes(2));
        finishAndDie("a-e1", soon);
        finishAndDie("b-e1", late);

        Instant a = deliveries.collection().find(Filters.eq("eventId", "a-e1")).first().getDate("nextAttemptAt")
                .toInstant();
        assertThat(a).as("asked for 1 s, the schedule's 5 s (+-10 %) stands")
                .isBetween(now.plusMillis(4_500), now.plusMillis(5_500));
        Instant b = deliveries.collection().find(Filters.eq("eventId", "b-e1")).first().getDate("nextAttemptAt")
                .toInstant();
        assertThat(b).as("asked for 2 min, more than the schedule's 5 s").isEqualTo(now.plusSeconds(120));
    }
}
