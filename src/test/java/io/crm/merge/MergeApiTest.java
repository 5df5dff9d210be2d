package io.crm.merge;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import io.crm.contact.ContactSchema;
import io.crm.record.RecordMeta;
import io.crm.security.Role;
import io.crm.support.ApiTest;
import io.crm.support.Bodies;
import io.crm.support.Http;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Likely duplicates and merging them, over HTTP. */
class MergeApiTest extends ApiTest {

    @Test
    void sameNameAndPhoneIsALikelyDuplicate() {
        String ann = create("/api/v1/contacts", Bodies.of("name", "Ann  Lee", "phone", "+1 (555) 010-0200"));
        String twin = create("/api/v1/contacts", Bodies.of("name", "ann lee", "phone", "15550100200"));
        create("/api/v1/contacts", Bodies.of("name", "Ann Lee", "phone", "+1 555 999 0000"));
        create("/api/v1/contacts", Bodies.of("name", "Bob", "phone", "+1 (555) 010-0200"));

        JsonNode items = http.get("/api/v1/contacts/" + ann + "/duplicates").json().get("items");
        assertThat(items).hasSize(1);
        assertThat(items.get(0).get("id").asString()).isEqualTo(twin);
        assertThat(items.get(0).get("reason").asString()).isEqualTo("name and phone");
        assertThat(as(Role.VIEWER).get("/api/v1/contacts/" + ann + "/duplicates").status()).isEqualTo(200);
    }

    @Test
    void theSameEmailInLegacyDataIsALikelyDuplicate() {
        // the original service allowed duplicate emails; such documents were adopted without the unique key
        ObjectId first = legacyPerson("Carl", "Carl@Example.com");
        ObjectId second = legacyPerson("Carl Jr", "carl@example.com");
        JsonNode items = http.get("/api/v1/contacts/" + first.toHexString() + "/duplicates").json().get("items");
        assertThat(items).extracting(i -> i.get("id").asString()).containsExactly(second.toHexString());
        assertThat(items.get(0).get("reason").asString()).isEqualTo("email");
    }

    @Test
    void mergeFillsGapsMovesActivitiesAndDealsArchivesTheDuplicateAndIsAudited() {
        String kept = create("/api/v1/contacts", Bodies.of("name", "Dana", "phone", "+44 20 7946 0000",
                "tags", List.of("vip"), "attributes", Map.of("source", "fair")));
        String dup = create("/api/v1/contacts", Bodies.of("name", "dana", "phone", "442079460000",
                "email", "dana@example.com", "title", "CTO", "tags", List.of("lead", "vip"),
                "attributes", Map.of("source", "web", "shoe", 42)));
        String other = create("/api/v1/contacts", Bodies.of("name", "Other"));
        String note = create("/api/v1/activities", Bodies.of("type", "note", "subject", "Met", "contactId", dup));
        String deal = create("/api/v1/deals", Bodies.of("title", "Deal", "contactIds", List.of(other, dup)));

        Http.Response merged = http.post("/api/v1/contacts/" + kept + "/merge", Map.of("duplicateId", dup));
        assertThat(merged.status()).isEqualTo(200);
        JsonNode json = merged.json();
        assertThat(json.get("id").asString()).isEqualTo(kept);
        assertThat(json.get("email").asString()).isEqualTo("dana@example.com");
        assertThat(json.get("title").asString()).isEqualTo("CTO");
        assertThat(json.get("phone").asString()).isEqualTo("+44 20 7946 0000");
        assertThat(json.get("tags")).extracting(JsonNode::asString).containsExactly("vip", "lead");
        assertThat(json.get("attributes").get("source").asString()).isEqualTo("fair");
        assertThat(json.get("attributes").get("shoe").asInt()).isEqualTo(42);

        assertThat(http.get("/api/v1/activities/" + note).json().get("contactId").asString()).isEqualTo(kept);
        assertThat(http.get("/api/v1/deals/" + deal).json().get("contactIds")).extracting(JsonNode::asString)
                .containsExactly(other, kept);
        assertThat(http.get("/api/v1/contacts/" + dup).status()).isEqualTo(404);
        assertThat(http.get("/api/v1/contacts/" + kept + "/duplicates").json().get("items")).isEmpty();

        relayed();
        JsonNode events = http.get("/api/v1/audit?entityType=contact&entityId=" + kept).json().get("items");
        assertThat(events.get(0).get("action").asString()).isEqualTo("merge");
        assertThat(events.get(0).get("changes").toString()).contains("mergedFrom").contains(dup);
        assertThat(http.get("/api/v1/audit?entityType=contact&entityId=" + dup).json().get("items").get(0)
                .get("action").asString()).isEqualTo("archive");
    }

    @Test
    void badMergesAreRefusedAndViewersCannotMerge() {
        String a = create("/api/v1/contacts", Bodies.of("name", "A"));
        String b = create("/api/v1/contacts", Bodies.of("name", "B"));
        assertThat(http.post("/api/v1/contacts/" + a + "/merge", Map.of("duplicateId", a)).status()).isEqualTo(400);
        assertThat(http.post("/api/v1/contacts/" + a + "/merge", Map.of("duplicateId", new ObjectId().toHexString()))
                .status()).isEqualTo(400);
        assertThat(http.post("/api/v1/contacts/" + a + "/merge", Map.of()).status()).isEqualTo(400);
        assertThat(http.post("/api/v1/contacts/" + new ObjectId() + "/merge", Map.of("duplicateId", b)).status())
                .isEqualTo(404);
        assertThat(as(Role.VIEWER).post("/api/v1/contacts/" + a + "/merge", Map.of("duplicateId", b)).status())
                .isEqualTo(403);
        assertThat(http.get("/api/v1/contacts/" + b).status()).isEqualTo(200);
    }

    private ObjectId legacyPerson(String name, String email) {
        ObjectId id = new ObjectId();
        Document doc = new Document("_id", id).append("name", name).append("email", email)
                .append("person_id", "legacy-" + id);
        Document meta = RecordMeta.forNew(clock.instant(), null);
        meta.putAll(ContactSchema.derived(doc));
        meta.remove("emailKey");
        mongo.getCollection(ContactSchema.COLLECTION).insertOne(doc.append(RecordMeta.META, meta));
        return id;
    }
}
