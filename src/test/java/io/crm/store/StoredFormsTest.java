package io.crm.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import com.mongodb.MongoException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.WriteBuffer;
import org.h2.mvstore.type.ObjectDataType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.bson.BinData;
import de.bwaldvogel.mongo.bson.BsonJavaScript;
import de.bwaldvogel.mongo.bson.BsonRegularExpression;
import de.bwaldvogel.mongo.bson.BsonTimestamp;
import de.bwaldvogel.mongo.bson.Decimal128;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.bson.LegacyUUID;
import de.bwaldvogel.mongo.bson.MaxKey;
import de.bwaldvogel.mongo.bson.MinKey;
import de.bwaldvogel.mongo.bson.ObjectId;

/**
 * The embedded store's stored forms: documents as BSON and unique keys in compact form keep every value and its
 * type, files of the older form (H2Backend's) still open and upgrade as they are written, and the rebuilt unique
 * indexes are trusted on the next open.
 */
class StoredFormsTest {

    private final BackendServers backends = new BackendServers();

    @AfterEach
    void stop() {
        backends.close();
    }

    private MongoCollection<org.bson.Document> people(H2Backend backend) {
        return backends.collection(backend, "people");
    }

    private static Document everyType() {
        return new Document("_id", new ObjectId()).append("string", "Zoë ☃ 𝄞").append("int", 7)
                .append("long", Long.MAX_VALUE).append("double", -0.5).append("decimal",
                        new Decimal128(new BigDecimal("12345.67")))
                .append("true", true).append("false", false).append("null", null)
                .append("date", Instant.parse("2026-12-05T03:30:00.123Z"))
                .append("nested", new Document("city", "Berlin").append("tags", List.of("a", "b")))
                .append("array", new ArrayList<>(List.of(1, "two", List.of(3.0), new Document("four", 4L))))
                .append("empty", new ArrayList<>()).append("binary", new BinData(new byte[] {1, 2, 3}))
                .append("uuid", UUID.fromString("0f8fad5b-d9cb-469f-a165-70867728950e"))
                .append("legacyUuid", new LegacyUUID(1L, 2L)).append("timestamp", new BsonTimestamp(42L))
                .append("regex", new BsonRegularExpression("^a", "i")).append("js", new BsonJavaScript("1"))
                .append("min", MinKey.getInstance()).append("max", MaxKey.getInstance());
    }

    private static Object roundTrip(ObjectDataType type, Object value) {
        WriteBuffer buffer = new WriteBuffer();
        type.write(buffer, value);
        return type.read(buffer.getBuffer().flip());
    }

    @Test
    void aDocumentKeepsEveryValueAndItsTypeAsBson() {
        Document document = everyType();
        Document read = (Document) roundTrip(new StoredForms.Documents(), document);
        // as text: a few BSON value classes (regular expression, JavaScript) have no equals of their own
        assertThat(read.toString()).isEqualTo(document.toString());
        assertThat(new ArrayList<>(read.keySet())).isEqualTo(new ArrayList<>(document.keySet()));
        document.forEach((key, value) -> assertThat(read.get(key) == null ? null : read.get(key).getClass())
                .as(key).isEqualTo(value == null ? null : value.getClass()));

        WriteBuffer bson = new WriteBuffer();
        new StoredForms.Documents().write(bson, document);
        WriteBuffer older = new WriteBuffer();
        new ObjectDataType().write(older, document);
        assertThat(bson.position()).as("BSON against Java serialization").isLessThan(older.position() / 2);
    }

    @Test
    void aDocumentInTheOlderFormIsReadAsItWas() {
        Document document = everyType();
        // Java serialization makes new MinKey and MaxKey instances (their toString has the identity): not ours
        document.remove("min");
        document.remove("max");
        WriteBuffer older = new WriteBuffer();
        new ObjectDataType().write(older, document);
        assertThat(new StoredForms.Documents().read(older.getBuffer().flip()).toString())
                .isEqualTo(document.toString());
    }

    @Test
    void uniqueKeysKeepTheirValuesAndCompareAsTheStoreComparesValues() {
        StoredForms.UniqueKeys type = new StoredForms.UniqueKeys();
        KeyValue key = new KeyValue("ada@example.com", 1.0, new ObjectId(), null, Instant.parse("2026-01-01T00:00:00Z"),
                new Document("a", 1.0), List.of("x"));
        assertThat(roundTrip(type, key)).isEqualTo(key);

        assertThat(type.compare(new KeyValue("a"), new KeyValue("b"))).isNegative();
        assertThat(type.compare(new KeyValue(2.0), new KeyValue(10.0))).isNegative();
        assertThat(type.compare(new KeyValue("a", 1.0), new KeyValue("a", 1.0))).isZero();
        assertThat(type.compare(new KeyValue((Object) null), new KeyValue(1.0))).isNegative();
        assertThat(type.compare(new KeyValue("a"), new KeyValue("a", 1.0))).isNegative();
    }

    @Test
    void aFileOfTheOlderFormOpensUpgradesAsItIsWrittenAndKeepsItsUniqueIndexes(@TempDir Path dir) {
        String file = dir.resolve("crm.mv").toString();
        MongoCollection<org.bson.Document> older = people(new H2Backend(file));
        older.createIndex(Indexes.ascending("email"), new IndexOptions().unique(true));
        for (int i = 0; i < 50; i++) {
            older.insertOne(new org.bson.Document("_id", i).append("email", "p" + i + "@example.com")
                    .append("at", java.util.Date.from(Instant.parse("2026-01-01T00:00:00Z").plusSeconds(i))));
        }
        backends.server(0).shutdown();

        PlannedH2Backend upgraded = new PlannedH2Backend(file);
        MongoCollection<org.bson.Document> people = people(upgraded);
        assertThat(people.countDocuments()).isEqualTo(50);
        assertThat(people.find(Filters.eq("email", "p7@example.com")).first()).containsEntry("_id", 7);
        assertThat(people.find(Filters.eq("_id", 9)).first()).containsEntry("email", "p9@example.com");
        assertThatThrownBy(() -> people.insertOne(new org.bson.Document("_id", 100).append("email", "p3@example.com")))
                .isInstanceOf(MongoException.class).hasMessageContaining("duplicate key");
        // half the documents written again (the new form), half as H2Backend left them
        people.updateMany(Filters.lt("_id", 25), Updates.set("touched", true));
        people.insertOne(new org.bson.Document("_id", 50).append("email", "p50@example.com"));
        List<org.bson.Document> expected = people.find().sort(Sorts.ascending("_id")).into(new ArrayList<>());
        Map<String, Integer> uniqueMaps = uniqueMapIds(upgraded.getMvStore());
        assertThat(uniqueMaps).containsKeys("crm_db.people._index__id_", "crm_db.people._index_email_1");
        backends.server(1).shutdown();

        PlannedH2Backend again = new PlannedH2Backend(file);
        assertThat(uniqueMapIds(again.getMvStore())).as("marked as built: not rebuilt again").isEqualTo(uniqueMaps);
        MongoCollection<org.bson.Document> reopened = people(again);
        assertThat(reopened.find().sort(Sorts.ascending("_id")).into(new ArrayList<>())).isEqualTo(expected);
        assertThat(reopened.find(Filters.eq("email", "p50@example.com")).first()).containsEntry("_id", 50);
        assertThat(reopened.find(Filters.eq("email", "p30@example.com")).first()).containsEntry("_id", 30);
    }

    @Test
    void objectIdKeysOfBothFormsShareAMapInTheirOrder(@TempDir Path dir) {
        String file = dir.resolve("crm.mv").toString();
        List<org.bson.types.ObjectId> ids = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            ids.add(new org.bson.types.ObjectId());
        }
        MongoCollection<org.bson.Document> older = people(new H2Backend(file));
        for (org.bson.types.ObjectId id : ids.subList(0, 150)) {
            older.insertOne(new org.bson.Document("_id", id).append("n", ids.indexOf(id)));
        }
        backends.server(0).shutdown();

        MongoCollection<org.bson.Document> upgraded = people(new PlannedH2Backend(file));
        // new ids among the older ones, in the same map: pages hold both forms
        for (org.bson.types.ObjectId id : ids.subList(150, 300)) {
            upgraded.insertOne(new org.bson.Document("_id", id).append("n", ids.indexOf(id)));
        }
        upgraded.updateMany(Filters.lt("n", 20), Updates.set("touched", true));
        backends.server(1).shutdown();

        MongoCollection<org.bson.Document> reopened = people(new PlannedH2Backend(file));
        List<org.bson.types.ObjectId> sorted = new ArrayList<>(ids);
        java.util.Collections.sort(sorted);
        assertThat(reopened.find().sort(Sorts.ascending("_id")).map(d -> d.getObjectId("_id"))
                .into(new ArrayList<>())).isEqualTo(sorted);
        for (int i = 0; i < ids.size(); i += 7) {
            assertThat(reopened.find(Filters.eq("_id", ids.get(i))).first()).containsEntry("n", i);
        }
        assertThat(reopened.countDocuments(Filters.eq("touched", true))).isEqualTo(20);

        WriteBuffer compact = new WriteBuffer();
        new StoredForms.Ids().write(compact, new ObjectId());
        assertThat(compact.position()).isEqualTo(13);
    }

    @Test
    void aFileWhoseUniqueIndexesWereNotMarkedBuiltHasThemRebuilt(@TempDir Path dir) {
        String file = dir.resolve("crm.mv").toString();
        MongoCollection<org.bson.Document> first = people(new PlannedH2Backend(file));
        first.createIndex(Indexes.ascending("email"), new IndexOptions().unique(true));
        first.insertMany(Arrays.asList(new org.bson.Document("_id", 1).append("email", "a@example.com"),
                new org.bson.Document("_id", 2).append("email", "b@example.com")));
        backends.server(0).shutdown();
        // as a crash during the first rebuild leaves it: the maps there, the mark not yet committed
        MVStore store = MVStore.open(file);
        Map<String, Integer> built = uniqueMapIds(store);
        store.openMap(StoredForms.FORMAT_MAP).clear();
        store.close();

        PlannedH2Backend reopened = new PlannedH2Backend(file);
        Map<String, Integer> rebuilt = uniqueMapIds(reopened.getMvStore());
        assertThat(rebuilt.keySet()).isEqualTo(built.keySet());
        assertThat(rebuilt.values()).doesNotContainAnyElementsOf(built.values());
        MongoCollection<org.bson.Document> people = people(reopened);
        assertThat(people.find(Filters.eq("email", "b@example.com")).first()).containsEntry("_id", 2);
        assertThatThrownBy(() -> people.insertOne(new org.bson.Document("_id", 3).append("email", "a@example.com")))
                .isInstanceOf(MongoException.class).hasMessageContaining("duplicate key");
    }

    private static Map<String, Integer> uniqueMapIds(MVStore store) {
        Map<String, Integer> ids = new TreeMap<>();
        for (String name : store.getMapNames()) {
            if (StoredForms.uniqueIndexMap(name)) {
                ids.put(name, StoredForms.uniqueIndex(store, name).getId());
            }
        }
        return ids;
    }
}
