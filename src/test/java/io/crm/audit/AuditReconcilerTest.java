package io.crm.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import io.crm.events.Actor;
import io.crm.events.Actors;
import io.crm.events.Change;
import com.mongodb.client.model.Filters;
import io.crm.support.TestMongo;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Events whose outcome nobody saw are settled by comparing them with the entity. */
class AuditReconcilerTest {

    private static MongoClient client;
    private MongoDatabase db;
    private AuditLog audit;
    private final Instant now = Instant.parse("2026-11-26T12:00:00Z");

    @BeforeAll
    static void connect() {
        client = MongoClients.create(TestMongo.uri("reconcile_test"));
    }

    @AfterAll
    static void disconnect() {
        client.close();
    }

    @BeforeEach
    void fresh() {
        db = client.getDatabase("reconcile_test");
        db.drop();
        audit = new AuditLog(db.getCollection(AuditLog.COLLECTION), Actors.fixed(Actor.SYSTEM),
                Clock.fixed(now, ZoneOffset.UTC));
    }

    private ObjectId pending(String action, ObjectId entity, long version, Instant at) {
        ObjectId id = new ObjectId();
        audit.collection().insertOne(new Document("_id", id).append("at", Date.from(at)).append("action", action)
                .append("entityType", "note").append("entityId", entity.toHexString()).append("version", version)
                .append("state", AuditLog.PENDING));
        return id;
    }

    private String state(ObjectId event) {
        return audit.collection().find(Filters.eq("_id", event)).first().getString("state");
    }

    private AuditReconciler reconciler() {
        return new AuditReconciler(audit, db, List.of(new AuditedCollection("note", "notes", "_crm.version")),
                Clock.fixed(now, ZoneOffset.UTC), Duration.ofMinutes(2));
    }

    @Test
    void settlesOldPendingEventsByTheEntitysVersion() {
        ObjectId kept = new ObjectId();
        ObjectId gone = new ObjectId();
        db.getCollection("notes").insertOne(new Document("_id", kept).append("_crm", new Document("version", 3L)));
        Instant old = now.minus(Duration.ofMinutes(10));
        ObjectId reached = pending("update", kept, 3, old);
        ObjectId neverReached = pending("update", kept, 4, old);
        ObjectId deleted = pending("delete", gone, 0, old);
        ObjectId notDeleted = pending("delete", kept, 0, old);
        ObjectId recent = pending("update", kept, 3, now.minusSeconds(10));

        assertThat(reconciler().reconcile()).isEqualTo(4);

        assertThat(state(reached)).isEqualTo(AuditLog.APPLIED);
        assertThat(state(neverReached)).isEqualTo(AuditLog.NOT_APPLIED);
        assertThat(state(deleted)).isEqualTo(AuditLog.APPLIED);
        assertThat(state(notDeleted)).isEqualTo(AuditLog.NOT_APPLIED);
        assertThat(state(recent)).isEqualTo(AuditLog.PENDING);
    }

    @Test
    void aVersionAnotherAppliedEventClaimsWasNotThisOnesDoing() {
        ObjectId note = new ObjectId();
        db.getCollection("notes").insertOne(new Document("_id", note).append("_crm", new Document("version", 2L)));
        ObjectId lost = pending("update", note, 2, now.minus(Duration.ofMinutes(10)));
        audit.collection().insertOne(new Document("_id", new ObjectId()).append("entityType", "note")
                .append("entityId", note.toHexString()).append("version", 2L).append("state", AuditLog.APPLIED)
                .append("at", Date.from(now.minus(Duration.ofMinutes(9)))));

        reconciler().reconcile();

        assertThat(state(lost)).isEqualTo(AuditLog.NOT_APPLIED);
    }

    @Test
    void aWriteThatFailsForAnUnknownReasonLeavesItsEventPendingAndOneThatIsRefusedLeavesNone() {
        ObjectId entity = new ObjectId();
        try {
            audit.record("update", "note", entity, List.of(), 2, () -> {
                throw new IllegalStateException("connection reset");
            });
        } catch (IllegalStateException expected) {
            // the outcome of such a failure is unknown: the event stays for the reconciler
        }
        assertThat(audit.collection().find(Filters.eq("entityId", entity.toHexString())).first()
                .getString("state")).isEqualTo(AuditLog.PENDING);

        class Refused extends RuntimeException implements Refusal {
        }
        ObjectId other = new ObjectId();
        try {
            audit.record("update", "note", other, List.of(), 2, () -> {
                throw new Refused();
            });
        } catch (Refused expected) {
            // refused before writing: no event
        }
        assertThat(audit.collection().countDocuments(Filters.eq("entityId", other.toHexString()))).isZero();
    }
}
