package io.crm.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Date;
import java.util.List;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import io.crm.support.TestMongo;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A token per object type that every replica reads alike, replaced by every relayed change of that type. */
class ChangeTokensTest {

    private static final EventSource DEALS = new EventSource("deal", "deals");
    private static MongoClient client;
    private MongoDatabase database;

    @BeforeAll
    static void connect() {
        client = MongoClients.create(TestMongo.uri("change_tokens"));
    }

    @AfterAll
    static void disconnect() {
        client.close();
    }

    @BeforeEach
    void fresh() {
        database = client.getDatabase("change_tokens");
        database.drop();
    }

    private static Event event(String objectType) {
        return new Event(new ObjectId(), objectType + ".updated", Instant.now(), new Actor("u1", "Ann"), objectType,
                new ObjectId().toHexString(), List.of(), 2);
    }

    @Test
    void theTokenStaysUntilAChangeOfItsTypeIsRelayedAndEveryReplicaReadsTheSame() {
        ChangeTokens one = new ChangeTokens(database);
        ChangeTokens other = new ChangeTokens(database);
        Object first = one.current(DEALS).orElseThrow();
        assertThat(one.current(DEALS)).contains(first);
        assertThat(other.current(DEALS)).as("another replica").contains(first);

        one.accept(List.of(event("contact"), event("company")));
        assertThat(other.current(DEALS)).as("changes of other types").contains(first);

        other.accept(List.of(event("contact"), event("deal")));
        Object second = one.current(DEALS).orElseThrow();
        assertThat(second).isNotEqualTo(first);
        assertThat(other.current(DEALS)).contains(second);

        // a batch relayed again (the relay is at-least-once) replaces it again: never back to an old one
        other.accept(List.of(event("deal")));
        assertThat(one.current(DEALS).orElseThrow()).isNotIn(first, second);
    }

    @Test
    void noTokenWhileAChangeWaitsInAnOutboxOrADeleteIntent() {
        ChangeTokens tokens = new ChangeTokens(database);
        database.getCollection("deals").insertOne(new Document("_id", new ObjectId()).append("title", "settled"));
        assertThat(tokens.current(DEALS)).isPresent();

        ObjectId pending = new ObjectId();
        database.getCollection("deals").insertOne(new Document("_id", pending).append("title", "changed")
                .append(Outbox.META, new Document(Outbox.FIELD, List.of(event("deal").toDocument()))));
        assertThat(tokens.current(DEALS)).as("a change not yet relayed").isEmpty();
        database.getCollection("deals").updateOne(new Document("_id", pending),
                new Document("$unset", new Document(Outbox.PATH, "")));
        assertThat(tokens.current(DEALS)).isPresent();

        database.getCollection(HardDeletes.COLLECTION).insertOne(new Document("_id", "deals:x:3")
                .append("collection", "deals").append("objectId", "x").append("version", 3L)
                .append("at", new Date()));
        assertThat(tokens.current(DEALS)).as("a permanent delete not yet relayed").isEmpty();
        assertThat(tokens.current(new EventSource("contact", "contacts"))).as("of another collection").isPresent();
    }

    @Test
    void anEmptiedDatabaseGetsANewToken() {
        ChangeTokens tokens = new ChangeTokens(database);
        Object before = tokens.current(DEALS).orElseThrow();
        database.drop();
        assertThat(tokens.current(DEALS).orElseThrow()).isNotEqualTo(before);
    }
}
