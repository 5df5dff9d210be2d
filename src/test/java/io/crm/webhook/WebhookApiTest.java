package io.crm.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.crm.events.Actor;
import io.crm.events.Event;
import io.crm.security.Role;
import io.crm.support.ApiTest;
import io.crm.support.Http;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;

/**
 * The subscriptions API with the production defaults (https only, public addresses only): who may use it, what it
 * accepts, that the secret is shown once, and the SSRF refusals at save time and at delivery time.
 */
class WebhookApiTest extends ApiTest {

    private static final String PUBLIC_URL = "https://93.184.216.34/hooks/crm";

    @Autowired
    WebhookConsumer consumer;

    @Test
    void createShowsTheSecretOnceAndTheRestOfTheLifecycleWorks() {
        Http.Response created = http.post("/api/v1/webhooks", Map.of("url", PUBLIC_URL,
                "events", List.of("contact.*", "deal.stage_changed", "contact.*"), "description", "ERP sync"));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        JsonNode json = created.json();
        String id = json.get("id").asString();
        assertThat(created.header("Location")).contains("/api/v1/webhooks/" + id);
        assertThat(json.get("secret").asString()).matches("whsec_[A-Za-z0-9+/]{43}=");
        assertThat(json.get("events")).extracting(JsonNode::asString).containsExactly("contact.*",
                "deal.stage_changed");
        assertThat(json.get("paused").asBoolean()).isFalse();
        assertThat(json.get("disabled").asBoolean()).isFalse();

        String secret = json.get("secret").asString();
        assertThat(http.get("/api/v1/webhooks").body()).contains(id).doesNotContain(secret).doesNotContain("whsec_");
        assertThat(http.get("/api/v1/webhooks/" + id).body()).doesNotContain("whsec_");

        Http.Response patched = http.patch("/api/v1/webhooks/" + id, Map.of("paused", true, "events",
                List.of("*"), "description", "all of it"));
        assertThat(patched.status()).as(patched.toString()).isEqualTo(200);
        assertThat(patched.json().get("paused").asBoolean()).isTrue();
        assertThat(patched.json().get("events")).extracting(JsonNode::asString).containsExactly("*");
        assertThat(http.get("/api/v1/webhooks/" + id).json().get("description").asString()).isEqualTo("all of it");

        assertThat(http.get("/api/v1/webhooks/" + id + "/deliveries").json().get("items")).isEmpty();
        assertThat(http.post("/api/v1/webhooks/" + id + "/rotate-secret", Map.of()).json().get("secret")
                .asString()).startsWith("whsec_").isNotEqualTo(secret);

        assertThat(http.delete("/api/v1/webhooks/" + id).status()).isEqualTo(204);
        Http.Response gone = http.get("/api/v1/webhooks/" + id);
        assertThat(gone.status()).isEqualTo(404);
        assertThat(gone.contentType()).startsWith("application/problem+json");
    }

    @Test
    void onlyAdminsMayManageWebhooks() {
        assertThat(as(Role.MEMBER).get("/api/v1/webhooks").status()).isEqualTo(403);
        assertThat(as(Role.MEMBER).post("/api/v1/webhooks", Map.of("url", PUBLIC_URL, "events", List.of("*")))
                .status()).isEqualTo(403);
        assertThat(as(Role.VIEWER).get("/api/v1/webhooks").status()).isEqualTo(403);
        assertThat(http.anonymous().get("/api/v1/webhooks").status()).isEqualTo(401);
    }

    @Test
    void nonsenseIsRefusedWithTheFieldAndTheReason() {
        assertInvalid(Map.of("url", PUBLIC_URL, "events", List.of("contact.exploded")), "events");
        assertInvalid(Map.of("url", PUBLIC_URL, "events", List.of("spaceship.*")), "events");
        assertInvalid(Map.of("url", PUBLIC_URL, "events", List.of()), "events");
        assertInvalid(Map.of("url", PUBLIC_URL, "events", "contact.*"), "events");
        assertInvalid(Map.of("url", PUBLIC_URL, "events", List.of("contact")), "events");
        assertInvalid(Map.of("events", List.of("*")), "url");
        assertInvalid(Map.of("url", "not a url", "events", List.of("*")), "url");
        assertInvalid(Map.of("url", "ftp://example.com/x", "events", List.of("*")), "url");
        assertInvalid(Map.of("url", "https://user:pw@93.184.216.34/x", "events", List.of("*")), "url");
        assertInvalid(Map.of("url", PUBLIC_URL, "events", List.of("*"), "colour", "red"), "colour");
        assertThat(http.patch("/api/v1/webhooks/" + new ObjectId(), Map.of("paused", true)).status())
                .isEqualTo(404);
    }

    @Test
    void internalAddressesAndPlainHttpAreRefusedAtSaveTime() {
        assertRefused("https://127.0.0.1/hook", "loopback");
        assertRefused("https://localhost:8443/hook", "loopback");
        assertRefused("https://[::1]/hook", "loopback");
        assertRefused("https://10.1.2.3/hook", "private");
        assertRefused("https://192.168.0.10/hook", "private");
        assertRefused("https://172.20.0.1/hook", "private");
        assertRefused("https://100.64.1.1/hook", "carrier-grade NAT");
        assertRefused("https://169.254.169.254/latest/meta-data/", "link-local");
        assertRefused("https://[fd00:ec2::254]/", "unique local");
        assertRefused("https://0.0.0.0/", "any-local");
        assertRefused("https://224.0.0.1/", "multicast");
        assertRefused("http://93.184.216.34/hook", "must be https");
        // a PATCH is checked the same way
        String id = create("/api/v1/webhooks", Map.of("url", PUBLIC_URL, "events", List.of("*")));
        Http.Response patched = http.patch("/api/v1/webhooks/" + id, Map.of("url", "https://10.0.0.1/"));
        assertThat(patched.status()).isEqualTo(400);
        assertThat(http.get("/api/v1/webhooks/" + id).json().get("url").asString()).isEqualTo(PUBLIC_URL);
    }

    @Test
    void anAddressThatTurnedInternalIsRefusedAtDeliveryTime() {
        // as if the name had resolved to a public address when the subscription was saved (DNS rebinding):
        // the stored URL now leads to loopback, and the delivery is refused on the address it would connect to
        ObjectId id = new ObjectId();
        mongo.getCollection(WebhookSubscriptions.COLLECTION).insertOne(new Document("_id", id)
                .append("url", "https://127.0.0.1:" + port + "/api/v1/contacts").append("events", List.of("*"))
                .append("paused", false).append("disabled", false)
                .append("secrets", List.of(new Document("secret", WebhookSignature.newSecret()).append("until", null)))
                .append("createdAt", new Date()).append("updatedAt", new Date()));
        Event event = new Event(new ObjectId(), "contact.created", clock.instant(), new Actor("u1", "Ann"),
                "contact", "c1", List.of(), 1);
        consumer.accept(List.of(event));

        await().atMost(10, TimeUnit.SECONDS).until(() -> "retrying".equals(
                firstDelivery(id).get("status").asString()));
        JsonNode delivery = firstDelivery(id);
        assertThat(delivery.get("lastError").asString()).contains("refused").contains("127.0.0.1")
                .contains("loopback");
        assertThat(delivery.get("lastResponseCode").isNull()).isTrue();
        JsonNode subscription = http.get("/api/v1/webhooks/" + id.toHexString()).json();
        assertThat(subscription.get("recentFailures").get(0).get("error").asString()).contains("loopback");
    }

    private JsonNode firstDelivery(ObjectId subscription) {
        return http.get("/api/v1/webhooks/" + subscription.toHexString() + "/deliveries").json().get("items").get(0);
    }

    private void assertRefused(String url, String reason) {
        Http.Response response = http.post("/api/v1/webhooks", Map.of("url", url, "events", List.of("*")));
        assertThat(response.status()).as(url).isEqualTo(400);
        assertThat(response.contentType()).startsWith("application/problem+json");
        JsonNode error = response.json().get("errors").get(0);
        assertThat(error.get("field").asString()).isEqualTo("url");
        assertThat(error.get("message").asString()).as(url).contains(reason);
    }

    private void assertInvalid(Map<String, Object> body, String field) {
        Http.Response response = http.post("/api/v1/webhooks", body);
        assertThat(response.status()).as(body.toString()).isEqualTo(400);
        assertThat(response.json().get("errors")).extracting(e -> e.get("field").asString()).as(body.toString())
                .contains(field);
    }
}
