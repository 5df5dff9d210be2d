package io.crm.contact;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.mongodb.client.model.Filters;
import io.crm.security.Role;
import io.crm.support.ApiTest;
import io.crm.support.Http;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Right to erasure: a contact's personal data leaves the record, its audit trail, the event feed and pending webhook
 * deliveries; a {@code contact.erased} event without personal data says it happened.
 */
class ErasureApiTest extends ApiTest {

    private static final List<String> PERSONAL = List.of("Ann Example", "ann@example.test", "+1 555 0100", "secret");

    @Test
    void erasureRemovesPersonalDataEverywhereAndSaysSoWithoutIt() {
        // a paused subscription keeps its deliveries pending, as a receiver that is down would
        String hook = http.post("/api/v1/webhooks", Map.of("url", "https://93.184.216.34/hooks", "events",
                List.of("contact.*"))).json().get("id").asString();
        assertThat(http.patch("/api/v1/webhooks/" + hook, Map.of("paused", true)).status()).isEqualTo(200);
        String company = create("/api/v1/companies", Map.of("name", "Acme"));
        String ann = create("/api/v1/contacts", Map.of("name", "Ann Example", "email", "ann@example.test",
                "phone", "+1 555 0100", "companyId", company, "attributes", Map.of("note", "secret")));
        String bob = create("/api/v1/contacts", Map.of("name", "Bob", "email", "bob@example.test"));
        http.patch("/api/v1/contacts/" + ann, Map.of("title", "CFO"));
        relayed();

        Http.Response erased = http.post("/api/v1/contacts/" + ann + "/erase", Map.of());

        assertThat(erased.status()).isEqualTo(200);
        JsonNode json = erased.json();
        assertThat(json.get("name").asString()).isEqualTo(ContactService.ERASED_NAME);
        assertThat(json.get("archived").asBoolean()).isTrue();
        assertThat(json.get("companyId").asString()).isEqualTo(company);
        relayed();
        Document stored = mongo.getCollection(ContactSchema.COLLECTION)
                .find(Filters.eq("_id", new org.bson.types.ObjectId(ann))).first();
        assertThat(stored.toJson()).doesNotContain(PERSONAL);

        // the audit trail keeps what happened, field by field, without the values
        List<JsonNode> trail = items(http.get("/api/v1/audit?entityType=contact&entityId=" + ann).json());
        assertThat(trail).extracting(e -> e.get("action").asString()).containsExactly("erase", "update", "create");
        assertThat(trail.get(2).get("changes").toString()).contains("\"field\":\"email\"");
        assertThat(trail.toString()).doesNotContain(PERSONAL);

        // the feed: the same events, blanked; contact.erased names the fields only
        List<JsonNode> feed = new ArrayList<>();
        http.get("/api/v1/events?types=contact.*&limit=100").json().get("items").forEach(feed::add);
        List<JsonNode> annEvents = feed.stream().filter(e -> e.get("object").get("id").asString().equals(ann))
                .toList();
        assertThat(annEvents).extracting(e -> e.get("type").asString())
                .containsExactly("contact.created", "contact.updated", "contact.erased");
        assertThat(annEvents.toString()).doesNotContain(PERSONAL);
        assertThat(annEvents.get(2).get("changes")).allSatisfy(c -> {
            assertThat(c.get("old").isNull()).isTrue();
            assertThat(c.get("new").isNull()).isTrue();
        });
        // other contacts keep their history
        assertThat(feed.toString()).contains("bob@example.test");

        // pending deliveries of the paused subscription: blanked too
        List<Document> deliveries = mongo.getCollection("webhook_deliveries").find().into(new ArrayList<>());
        assertThat(deliveries).isNotEmpty();
        assertThat(deliveries.toString()).doesNotContain(PERSONAL).contains("bob@example.test");

        // the email is free again, and the erased record is gone from normal reads
        assertThat(http.post("/api/v1/contacts", Map.of("name", "Ann", "email", "ann@example.test")).status())
                .isEqualTo(201);
        assertThat(http.get("/api/v1/contacts/" + ann).status()).isEqualTo(404);
        assertThat(bob).isNotBlank();
    }

    @Test
    void onlyAdminsEraseAndAnUnknownContactIs404() {
        String ann = create("/api/v1/contacts", Map.of("name", "Ann", "email", "ann@example.test"));
        assertThat(as(Role.MEMBER).post("/api/v1/contacts/" + ann + "/erase", Map.of()).status()).isEqualTo(403);
        assertThat(as(Role.VIEWER).post("/api/v1/contacts/" + ann + "/erase", Map.of()).status()).isEqualTo(403);
        assertThat(http.post("/api/v1/contacts/" + new org.bson.types.ObjectId() + "/erase", Map.of()).status())
                .isEqualTo(404);
        assertThat(http.post("/api/v1/contacts/nope/erase", Map.of()).status()).isEqualTo(404);
        assertThat(http.get("/api/v1/contacts/" + ann).json().get("email").asString()).isEqualTo("ann@example.test");
    }

    private static List<JsonNode> items(JsonNode page) {
        List<JsonNode> items = new ArrayList<>();
        page.get("items").forEach(items::add);
        return items;
    }
}
