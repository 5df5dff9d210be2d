package io.crm.person;

import static io.crm.person.PersonApiTest.ordered;
import static io.crm.person.PersonApiTest.tree;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.mongodb.client.MongoCollection;
import io.crm.contact.ContactSchema;
import io.crm.json.JsonValues;
import io.crm.record.RecordMeta;
import io.crm.support.ApiTest;
import io.crm.support.Http;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;

/**
 * A database written by the original Flask service is served as it is. Documents are inserted raw, the way the
 * original wrote them (pymongo {@code insert_one(data)} after {@code data['person_id'] = person_id}: _id first, the
 * request's fields in order, person_id last; {@code insert_many} for bulk), then the startup backfill runs, then both
 * APIs are read and compared field by field.
 */
class LegacyDataCompatibilityTest extends ApiTest {

    @Autowired
    private LegacyBackfill backfill;

    private MongoCollection<Document> persons() {
        return mongo.getCollection("persons");
    }

    /** What the original's POST /person/{person_id} stored for a given JSON body. */
    private Document writtenByOriginal(String personId, Document requestJson) {
        Document doc = new Document("_id", new ObjectId());
        doc.putAll(requestJson);
        doc.put("person_id", personId);
        persons().insertOne(doc);
        return doc;
    }

    @Test
    void everyOriginalDocumentShowsUpUnderBothApisWithEveryField() {
        List<Document> originals = new ArrayList<>();
        originals.add(writtenByOriginal("123", new Document("name", "John Doe").append("email", "john@example.com")
                .append("phone", "555-1234")));
        originals.add(writtenByOriginal("124", new Document("name", "Jane Roe").append("email", "Jane@Example.COM")
                .append("phone", "555-0000").append("company", "Acme").append("age", 37).append("score", 4.5)
                .append("vip", true).append("notes", null).append("skills", List.of("java", "sql"))
                .append("address", new Document("city", "Haifa").append("zip", "31000"))
                .append("visits", 12_345_678_901L)));
        originals.add(writtenByOriginal("125", new Document("name", "No Email").append("phone", "1")));
        originals.add(writtenByOriginal("126", new Document("name", 12345).append("email", List.of("odd"))));
        // the original's POST /person/bulk: insert_many of the given objects
        List<Document> bulk = List.of(
                new Document("_id", new ObjectId()).append("person_id", "b1").append("name", "Bulk One"),
                new Document("_id", new ObjectId()).append("person_id", 77).append("name", "Numeric Id"));
        persons().insertMany(bulk);
        originals.addAll(bulk);
        Map<Object, Document> rawBefore = snapshot();

        LegacyBackfill.Result result = backfill.run();
        assertThat(result.migrated()).isEqualTo(originals.size());
        assertThat(result.withoutEmailKey()).isZero();

        // the stored documents: every original field untouched (values, types, order), _crm added
        for (Document original : originals) {
            Document now = persons().find(new Document("_id", original.get("_id"))).first();
            Document withoutMeta = new Document(now);
            withoutMeta.remove(RecordMeta.META);
            assertThat(withoutMeta).isEqualTo(rawBefore.get(original.get("_id")));
            assertThat(new ArrayList<>(withoutMeta.keySet())).isEqualTo(new ArrayList<>(original.keySet()));
            Document meta = RecordMeta.of(now);
            Date created = original.getObjectId("_id").getDate();
            assertThat(meta.get("createdAt")).isEqualTo(created);
            assertThat(meta.get("updatedAt")).isEqualTo(created);
            assertThat(meta.get("version")).isEqualTo(1L);
            assertThat(meta.get("archived")).isEqualTo(false);
        }

        // legacy API: the full list and each person, exactly the original fields with _id as hex
        JsonNode list = http.get("/person").json();
        assertThat(list).hasSize(originals.size());
        for (Document original : originals) {
            JsonNode expected = legacyJson(original);
            assertThat(list).contains(expected);
            Object personId = original.get("person_id");
            Http.Response one = http.get("/person/" + personId);
            assertThat(one.status()).as("GET /person/" + personId).isEqualTo(200);
            assertThat(one.json()).isEqualTo(expected);
            assertThat(http.get("/person?id=" + original.getObjectId("_id").toHexString()).json()).isEqualTo(expected);
        }
        assertThat(http.get("/stats").json().get("total_persons").asInt()).isEqualTo(originals.size());

        // v1 API: every one is a contact; person_id is externalId, unknown fields are attributes
        JsonNode contacts = http.get("/api/v1/contacts?limit=100").json().get("items");
        assertThat(contacts).hasSize(originals.size());
        for (Document original : originals) {
            String id = original.getObjectId("_id").toHexString();
            JsonNode contact = http.get("/api/v1/contacts/" + id).json();
            assertThat(contact.get("id").asString()).isEqualTo(id);
            assertThat(contact.get("version").asLong()).isEqualTo(1);
            assertThat(Instant.parse(contact.get("createdAt").asString()))
                    .isEqualTo(original.getObjectId("_id").getDate().toInstant());
            assertThat(reassembled(contact)).as(id).isEqualTo(legacyJson(original));
        }
        JsonNode jane = http.get("/api/v1/contacts/" + originals.get(1).getObjectId("_id").toHexString()).json();
        assertThat(jane.get("externalId").asString()).isEqualTo("124");
        assertThat(jane.get("email").asString()).isEqualTo("Jane@Example.COM");
        assertThat(jane.get("attributes")).isEqualTo(tree(ordered("company", "Acme", "age", 37, "score", 4.5,
                "vip", true, "notes", null, "skills", List.of("java", "sql"),
                "address", ordered("city", "Haifa", "zip", "31000"), "visits", 12_345_678_901L)));
        assertThat(http.get("/api/v1/contacts?email=jane@example.com").json().get("items")).hasSize(1);
        assertThat(http.get("/api/v1/contacts?q=roe").json().get("items")).hasSize(1);
        // the legacy email now takes part in the one uniqueness rule
        assertThat(http.post("/person/900", Map.of("name", "Copy", "email", "jane@example.com")).status())
                .isEqualTo(409);
        assertThat(http.post("/api/v1/contacts", Map.of("name", "Copy", "email", "JOHN@example.com")).status())
                .isEqualTo(409);
        assertThat(http.post("/person/123", Map.of("name", "Copy")).status()).isEqualTo(409);

        // idempotent: a second start changes nothing
        Map<Object, Document> afterFirst = snapshot();
        assertThat(backfill.run().migrated()).isZero();
        assertThat(snapshot()).isEqualTo(afterFirst);
    }

    @Test
    void duplicateLegacyEmailsDoNotStopTheBackfill() {
        Document first = writtenByOriginal("1", new Document("name", "A").append("email", "same@example.com"));
        Document second = writtenByOriginal("2", new Document("name", "B").append("email", "SAME@example.com"));
        Document third = writtenByOriginal("3", new Document("name", "C").append("email", "same@example.com"));
        http.post("/api/v1/contacts", Map.of("name", "Live", "email", "taken@example.com"));
        Document fourth = writtenByOriginal("4", new Document("name", "D").append("email", "taken@example.com"));

        LegacyBackfill.Result result = backfill.run();
        assertThat(result.migrated()).isEqualTo(4);
        assertThat(result.withoutEmailKey()).isEqualTo(3);

        List<Document> migrated = List.of(first, second, third, fourth);
        long reserving = migrated.stream().map(d -> persons().find(new Document("_id", d.get("_id"))).first())
                .filter(d -> RecordMeta.of(d).containsKey("emailKey")).count();
        assertThat(reserving).isEqualTo(1);
        for (Document doc : migrated) {
            String id = doc.getObjectId("_id").toHexString();
            assertThat(http.get("/api/v1/contacts/" + id).status()).isEqualTo(200);
            assertThat(http.get("/person/" + doc.get("person_id")).json()).isEqualTo(legacyJson(doc));
        }
        // a duplicate stays editable on the legacy API as long as it keeps its (shared) email
        assertThat(http.put("/person/3", Map.of("phone", "555")).status()).isEqualTo(200);
        assertThat(http.get("/person/3").json().get("phone").asString()).isEqualTo("555");
        assertThat(http.put("/person/3", Map.of("email", "unique@example.com")).status()).isEqualTo(200);
        assertThat(http.get("/api/v1/contacts?email=unique@example.com").json().get("items")).hasSize(1);
    }

    @Test
    void documentsWrittenByAnOriginalInstanceAfterStartupAreServedAndAdoptedOnWrite() {
        // during a rolling upgrade an original instance may still write: no _crm yet, no backfill run
        Document late = writtenByOriginal("late", new Document("name", "Late Comer").append("email", "l@example.com"));
        assertThat(http.get("/person/late").json()).isEqualTo(legacyJson(late));
        assertThat(http.get("/person").json()).hasSize(1);
        assertThat(http.get("/stats").json().get("total_persons").asInt()).isEqualTo(1);
        assertThat(http.get("/person/search?q=comer").json()).hasSize(1);

        assertThat(http.put("/person/late", Map.of("phone", "42")).status()).isEqualTo(200);
        Document stored = persons().find(new Document("_id", late.get("_id"))).first();
        assertThat(RecordMeta.version(stored)).isEqualTo(2);
        assertThat(RecordMeta.of(stored).get("emailKey")).isEqualTo("l@example.com");
        assertThat(http.get("/api/v1/contacts/" + late.getObjectId("_id").toHexString()).json()
                .get("attributes")).isEqualTo(tree(Map.of()));
        assertThat(http.delete("/person/late").status()).isEqualTo(200);
    }

    @Test
    void documentsWithoutAnObjectIdAreLeftAsTheyAre() {
        persons().insertOne(new Document("_id", "custom-id").append("person_id", "c").append("name", "Custom"));
        LegacyBackfill.Result result = backfill.run();
        assertThat(result.migrated()).isZero();
        assertThat(result.skippedNonObjectIds()).isEqualTo(1);
        assertThat(http.get("/person/c").json()).isEqualTo(tree(ordered("_id", "custom-id", "person_id", "c",
                "name", "Custom")));
        assertThat(http.get("/api/v1/contacts").json().get("items")).isEmpty();
        assertThat(http.put("/person/c", Map.of("phone", "1")).status()).isEqualTo(200);
        assertThat(http.get("/person/c").json().get("phone").asString()).isEqualTo("1");
        assertThat(http.delete("/person/c").status()).isEqualTo(200);
    }

    @Test
    void aFewThousandPersonsStreamAsOneArray() throws Exception {
        int count = 3000;
        List<Document> docs = new ArrayList<>(count);
        Instant now = clock.instant();
        for (int i = 0; i < count; i++) {
            Document doc = new Document("_id", new ObjectId()).append("name", "Person " + i)
                    .append("email", "p" + i + "@example.com").append("notes", "n".repeat(100))
                    .append("person_id", "s" + i);
            // stored as the service stores contacts (what the backfill makes of legacy ones, tested above)
            Document meta = RecordMeta.forNew(now, null);
            meta.putAll(ContactSchema.derived(doc));
            docs.add(new Document(doc).append(RecordMeta.META, meta));
        }
        persons().insertMany(docs);

        // chunked transfer: the body is written while the cursor is read, never assembled in memory first
        HttpResponse<InputStream> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(http.base() + "/person"))
                        .header("Authorization", "Bearer " + token(admin)).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Transfer-Encoding")).contains("chunked");
        assertThat(response.headers().firstValue("Content-Length")).isEmpty();
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                t -> assertThat(t).startsWith("application/json"));
        JsonNode all;
        try (InputStream body = response.body()) {
            all = Http.JSON.readTree(body);
        }
        assertThat(all.isArray()).isTrue();
        assertThat(all).hasSize(count);
        for (int i = 0; i < count; i++) {
            JsonNode person = all.get(i);
            assertThat(person.get("_id").asString()).isEqualTo(docs.get(i).getObjectId("_id").toHexString());
            assertThat(person.get("person_id").asString()).isEqualTo("s" + i);
            assertThat(person.has("_crm")).isFalse();
        }
    }

    private Map<Object, Document> snapshot() {
        Map<Object, Document> all = new HashMap<>();
        persons().find().forEach(d -> all.put(d.get("_id"), d));
        return all;
    }

    /** The original's JSON for a stored document: every field, _id as its hex string. */
    private static JsonNode legacyJson(Document original) {
        return tree(JsonValues.toJson(original));
    }

    /** A v1 contact turned back into the legacy document: the API fields plus the attributes, person_id again. */
    private static JsonNode reassembled(JsonNode contact) {
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        out.put("_id", contact.get("id").asString());
        for (String key : List.of("name", "email", "phone", "title", "companyId")) {
            if (contact.hasNonNull(key)) {
                out.put(key, contact.get(key));
            }
        }
        if (contact.get("tags").size() > 0) {
            out.put("tags", contact.get("tags"));
        }
        if (contact.hasNonNull("externalId")) {
            out.put("person_id", contact.get("externalId"));
        }
        contact.get("attributes").properties().forEach(e -> out.put(e.getKey(), e.getValue()));
        // compare as unordered objects: field order is the stored order on /person, grouped on /api/v1
        return tree(out);
    }
}
