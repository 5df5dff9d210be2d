package io.crm.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.mongodb.MongoCommandException;
import com.mongodb.MongoSocketReadException;
import com.mongodb.ServerAddress;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import io.crm.support.TestMongo;
import org.bson.BsonDocument;
import org.bson.Document;
import org.bson.RawBsonDocument;
import org.bson.types.Decimal128;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A point read answers exactly what the driver's find answers, over the real driver and wire protocol. */
class PointReadsTest {

    private static MongoClient client;
    private MongoDatabase database;
    private MongoCollection<Document> people;
    private PointReads reads;

    @BeforeAll
    static void connect() {
        client = MongoClients.create(TestMongo.uri("point_reads_test"));
    }

    @AfterAll
    static void close() {
        client.close();
    }

    @BeforeEach
    void seed() {
        database = client.getDatabase("point_reads_test");
        people = database.getCollection("people");
        people.drop();
        for (int i = 0; i < 30; i++) {
            people.insertOne(new Document("_id", new ObjectId()).append("person_id", i % 3 == 0 ? "same" : "p" + i)
                    .append("name", "Person " + i).append("n", i).append("amount", new Decimal128(i))
                    .append("tags", List.of("a", "b" + i)).append("nested", new Document("at", new java.util.Date(i)))
                    .append("key", UUID.nameUUIDFromBytes(new byte[]{(byte) i}).toString()));
        }
        reads = new PointReads(database, people);
    }

    @Test
    void aReadByIdIsTheDocumentTheDriverFinds() {
        for (Document each : people.find()) {
            Document byId = reads.first(Filters.eq("_id", each.get("_id")));
            assertThat(byId).isEqualTo(people.find(Filters.eq("_id", each.get("_id"))).first()).isEqualTo(each);
        }
        assertThat(reads.first(Filters.eq("_id", new ObjectId()))).isNull();
    }

    @Test
    void aSortedLimitedReadIsTheDriversInTheSameOrder() {
        var filter = Filters.eq("person_id", "same");
        for (var sort : List.of(Sorts.ascending("_id"), Sorts.descending("_id"), Sorts.descending("n"))) {
            for (int limit : List.of(1, 3, 10, PointReads.MAX)) {
                assertThat(reads.find(filter, sort, limit))
                        .isEqualTo(people.find(filter).sort(sort).limit(limit).into(new ArrayList<>()));
            }
        }
        assertThat(reads.find(Filters.in("person_id", List.of("p1", "p2", "nobody")), Sorts.ascending("_id"), 10))
                .extracting(d -> d.getString("person_id")).containsExactly("p1", "p2");
    }

    @Test
    void aLimitOutsideOneToTheMaximumIsRefused() {
        assertThatThrownBy(() -> reads.find(Filters.empty(), null, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> reads.find(Filters.empty(), null, PointReads.MAX + 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aReadCutShortByAnErrorTheDriverWouldRetryIsRepeatedThroughTheDriversFind() {
        MongoDatabase failing = mock(MongoDatabase.class);
        when(failing.runCommand(any(BsonDocument.class), any(), eq(RawBsonDocument.class)))
                .thenThrow(new MongoSocketReadException("connection reset", new ServerAddress()));
        Document any = people.find().first();

        assertThat(new PointReads(failing, people).first(Filters.eq("_id", any.get("_id")))).isEqualTo(any);
    }

    @Test
    void anyOtherErrorIsTheCallers() {
        MongoDatabase failing = mock(MongoDatabase.class);
        MongoCommandException unauthorized = new MongoCommandException(
                BsonDocument.parse("{ok: 0, code: 13, errmsg: 'not authorized'}"), new ServerAddress());
        when(failing.runCommand(any(BsonDocument.class), any(), eq(RawBsonDocument.class))).thenThrow(unauthorized);

        assertThatThrownBy(() -> new PointReads(failing, people).first(Filters.empty())).isSameAs(unauthorized);
    }
}
