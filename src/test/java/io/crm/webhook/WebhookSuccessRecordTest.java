package io.crm.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import io.crm.support.CountingMongo;
import io.crm.support.MutableClock;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A subscription's delivery health under many successes a second: one write a second while all goes well, none in
 * between (counted as store commands), and a failure, this replica's or another's, cleared by the next success at once.
 */
class WebhookSuccessRecordTest {

    private static final String DATABASE = "webhook_success_test";
    private static final WebhookProperties PROPERTIES = new WebhookProperties(true, true, Duration.ofSeconds(2),
            Duration.ofDays(3), 4, 2, List.of(Duration.ofSeconds(5)), Duration.ofSeconds(1), Duration.ofHours(24),
            Duration.ofDays(30));
    @RegisterExtension
    static final CountingMongo mongo = new CountingMongo(DATABASE);

    private final Instant t0 = Instant.parse("2026-12-05T10:00:00Z");
    private MongoCollection<Document> collection;
    /** Two replicas over one store, each with its own memory of what it wrote. */
    private WebhookSubscriptions a;
    private WebhookSubscriptions b;
    private ObjectId id;

    @BeforeEach
    void fresh() {
        MongoDatabase db = mongo.database();
        db.drop();
        collection = db.getCollection(WebhookSubscriptions.COLLECTION);
        a = replica(db);
        b = replica(db);
        id = new ObjectId();
        collection.insertOne(new Document("_id", id).append("url", "https://hooks.example.test/crm")
                .append("events", List.of("contact.*")).append("failingSince", null).append("lastSuccessAt", null));
    }

    private WebhookSubscriptions replica(MongoDatabase db) {
        return new WebhookSubscriptions(db.getCollection(WebhookSubscriptions.COLLECTION),
                db.getCollection(WebhookDeliveries.COLLECTION),
                new AddressPolicy(WebhookResolver.SYSTEM, true, true),
                io.crm.events.Actors.fixed(io.crm.events.Actor.SYSTEM), new MutableClock(t0), PROPERTIES);
    }

    /** The subscription as a dispatch round reads it (what the attempt carries). */
    private Document read() {
        return collection.find(Filters.eq("_id", id)).first();
    }

    private int writesDuring(Runnable action) {
        return (int) mongo.commandsOf(action).stream().filter("update"::equals).count();
    }

    private Instant stored(String field) {
        Date at = read().getDate(field);
        return at == null ? null : at.toInstant();
    }

    @Test
    void aBusySubscriptionsSuccessesWriteOnceASecond() {
        Document round = read();
        assertThat(writesDuring(() -> a.recordSuccess(round, t0))).isEqualTo(1);
        assertThat(stored("lastSuccessAt")).isEqualTo(t0);
        for (int ms = 50; ms < 1000; ms += 50) {
            Instant at = t0.plusMillis(ms);
            assertThat(writesDuring(() -> a.recordSuccess(round, at))).as("success at +%d ms", ms).isZero();
        }
        assertThat(writesDuring(() -> a.recordSuccess(round, t0.plusMillis(1200)))).isEqualTo(1);
        assertThat(stored("lastSuccessAt")).isEqualTo(t0.plusMillis(1200));
    }

    @Test
    void aFailureOnThisReplicaIsClearedByTheNextSuccessAtOnce() {
        Document round = read();
        a.recordSuccess(round, t0);
        a.recordFailure(id, t0.plusMillis(100), new Document("error", "HTTP 500"));
        assertThat(stored("failingSince")).isEqualTo(t0.plusMillis(100));
        // the attempt's round read the subscription before the failure; this replica knows of the failure
        a.recordSuccess(round, t0.plusMillis(200));
        assertThat(stored("failingSince")).isNull();
        assertThat(stored("lastSuccessAt")).isEqualTo(t0.plusMillis(200));
    }

    @Test
    void aFailureOnAnotherReplicaIsClearedByTheNextSuccessItsRoundSaw() {
        a.recordSuccess(read(), t0);
        b.recordFailure(id, t0.plusMillis(100), new Document("error", "timeout"));
        // a's next round reads the failure: its next success writes, within the second
        Document round = read();
        assertThat(round.get("failingSince")).isNotNull();
        assertThat(writesDuring(() -> a.recordSuccess(round, t0.plusMillis(300)))).isEqualTo(1);
        assertThat(stored("failingSince")).isNull();
        assertThat(stored("lastSuccessAt")).isEqualTo(t0.plusMillis(300));
    }
}
