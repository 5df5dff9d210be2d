package io.crm.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.crm.security.Role;
import io.crm.support.ApiTest;
import io.crm.support.Http;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

/** {@code POST /api/v1/inbound/email}: a provider (or anyone with a write token) posts a raw message. */
class InboundMailApiTest extends ApiTest {

    private Http.Response post(Http client, String file) {
        return client.sendBytes("POST", "/api/v1/inbound/email", "message/rfc822", Corpus.read(file));
    }

    private List<JsonNode> emailsOnTimeline(String contactId) {
        Http.Response timeline = http.get("/api/v1/contacts/" + contactId + "/timeline");
        assertThat(timeline.status()).as(timeline.toString()).isEqualTo(200);
        List<JsonNode> emails = new ArrayList<>();
        timeline.json().get("items").forEach(item -> {
            if ("email".equals(item.path("type").asString(""))) {
                emails.add(item);
            }
        });
        return emails;
    }

    @Test
    void aMessageIsLoggedOnEveryContactItNamesOnce() {
        String ann = create("/api/v1/contacts", Map.of("name", "Ann", "email", "Ann@Customer.example"));
        String bob = create("/api/v1/contacts", Map.of("name", "Bob", "email", "bob@customer.example"));
        String carl = create("/api/v1/contacts", Map.of("name", "Carl", "email", "carl@customer.example"));

        Http.Response stored = post(http, "bcc-two-contacts.eml");

        assertThat(stored.status()).as(stored.toString()).isEqualTo(201);
        JsonNode email = stored.json();
        assertThat(email.get("messageId").asString()).isEqualTo("<proposal-1@sales.example>");
        assertThat(email.get("contactIds").valueStream().map(JsonNode::asString)).containsExactlyInAnyOrder(ann, bob);
        assertThat(email.get("attachments").get(0).get("stored").asBoolean()).isTrue();
        for (String contact : List.of(ann, bob)) {
            assertThat(emailsOnTimeline(contact)).singleElement().satisfies(item -> {
                assertThat(item.get("subject").asString()).isEqualTo("Proposal for Q3 – pricing");
            });
        }
        assertThat(emailsOnTimeline(carl)).isEmpty();
        // the activity carries the text; the stored message keeps the sanitised HTML, never the script
        Document saved = mongo.getCollection(InboundMail.COLLECTION).find().first();
        assertThat(saved.getString("html")).contains("<b>attached</b>").doesNotContain("script");
        assertThat(mongo.getCollection(InboundMail.BUCKET + ".files").countDocuments()).isOne();

        // the same Message-ID again (a retry, or BCC and a forward): 200, logged once
        Http.Response again = post(http, "bcc-two-contacts.eml");
        assertThat(again.status()).as(again.toString()).isEqualTo(200);
        assertThat(again.json().get("id").asString()).isEqualTo(email.get("id").asString());
        assertThat(emailsOnTimeline(ann)).hasSize(1);
        assertThat(emailsOnTimeline(bob)).hasSize(1);
        assertThat(mongo.getCollection(InboundMail.COLLECTION).countDocuments()).isOne();
        // like any activity: audited through the events
        relayed();
        assertThat(http.get("/api/v1/audit?limit=100").body()).contains("\"entityType\":\"activity\"",
                "\"action\":\"create\"", "Proposal for Q3");
    }

    @Test
    void aMessageWhoseLoggingWasInterruptedIsFinishedByItsNextDelivery() {
        String ann = create("/api/v1/contacts", Map.of("name", "Ann", "email", "ann@customer.example"));
        String bob = create("/api/v1/contacts", Map.of("name", "Bob", "email", "bob@customer.example"));
        assertThat(post(http, "bcc-two-contacts.eml").status()).isEqualTo(201);
        // as a process that died after logging Ann and before Bob would have left it
        org.bson.types.ObjectId bobId = new org.bson.types.ObjectId(bob);
        mongo.getCollection("activities").deleteOne(com.mongodb.client.model.Filters.eq("contactId", bobId));
        mongo.getCollection(InboundMail.COLLECTION).updateOne(new Document(), com.mongodb.client.model.Updates.combine(
                com.mongodb.client.model.Updates.set("state", "received"),
                com.mongodb.client.model.Updates.pull("contactIds", bobId)));
        assertThat(emailsOnTimeline(bob)).isEmpty();

        // soon after: another replica may still be at it, so the sender is asked to come back
        Http.Response busy = post(http, "bcc-two-contacts.eml");
        assertThat(busy.status()).as(busy.toString()).isEqualTo(503);
        assertThat(busy.contentType()).startsWith("application/problem+json");
        assertThat(emailsOnTimeline(bob)).isEmpty();
        // later: the next delivery finishes it, logging only the contact still missing
        clock.advance(InboundMail.RESUME_AFTER.plusMinutes(1));
        Http.Response finished = post(http, "bcc-two-contacts.eml");

        assertThat(finished.status()).as(finished.toString()).isEqualTo(201);
        assertThat(finished.json().get("state").asString()).isEqualTo("logged");
        assertThat(emailsOnTimeline(bob)).hasSize(1);
        assertThat(emailsOnTimeline(ann)).hasSize(1);
        assertThat(mongo.getCollection(InboundMail.BUCKET + ".files").countDocuments()).isOne();
        assertThat(post(http, "bcc-two-contacts.eml").status()).isEqualTo(200);
    }

    @Test
    void attachmentsFailingTheChecksAreListedNotStored() {
        create("/api/v1/contacts", Map.of("name", "Ann", "email", "ann@customer.example"));

        Http.Response stored = post(http, "attachments-checked.eml");

        assertThat(stored.status()).as(stored.toString()).isEqualTo(201);
        List<String> outcomes = new ArrayList<>();
        stored.json().get("attachments").forEach(a -> outcomes.add(a.get("filename").asString() + ":"
                + (a.get("stored").asBoolean() ? "stored" : a.get("refused").asString())));
        assertThat(outcomes).containsExactly("contract.pdf:stored",
                "invoice.pdf:content is an executable program",
                "setup.exe:file type .exe is not accepted",
                "movie.swf:content type application/x-shockwave-flash is not accepted");
        assertThat(mongo.getCollection(InboundMail.BUCKET + ".files").countDocuments()).isOne();
    }

    @ParameterizedTest
    @ValueSource(strings = {"bad-no-from.eml", "bad-from-not-an-address.eml", "bad-missing-end-boundary.eml",
            "bad-no-boundary.eml", "bad-unknown-transfer-encoding.eml", "bad-too-deep.eml",
            "bad-unknown-charset.eml", "bad-wrong-charset.eml"})
    void theBadInputCorpusGetsAProblemAndNothingIsStored(String file) {
        create("/api/v1/contacts", Map.of("name", "Ann", "email", "ann@customer.example"));

        Http.Response refused = post(http, file);

        assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(refused.json().get("detail").asString()).isNotBlank();
        assertThat(mongo.getCollection(InboundMail.COLLECTION).countDocuments()).isZero();
        assertThat(mongo.getCollection("activities").countDocuments()).isZero();
        assertThat(mongo.getCollection(InboundMail.BUCKET + ".files").countDocuments()).isZero();
    }

    @Test
    void needsATokenThatMayWriteAndARawMessage() {
        assertThat(post(as(Role.VIEWER), "bcc-two-contacts.eml").status()).isEqualTo(403);
        assertThat(post(http.anonymous(), "bcc-two-contacts.eml").status()).isEqualTo(401);
        assertThat(post(as(Role.MEMBER), "no-message-id.eml").status()).isEqualTo(201);
        Http.Response json = http.post("/api/v1/inbound/email", Map.of("raw", "x"));
        assertThat(json.status()).as(json.toString()).isEqualTo(415);
    }

    @Test
    void aLongBodyIsCutOnTheActivityAndOnTheStoredMessage() {
        create("/api/v1/contacts", Map.of("name", "Ann", "email", "ann@customer.example"));
        String text = "All work and no play. ".repeat(60_000);
        byte[] raw = ("From: sam@sales.example\r\nTo: ann@customer.example\r\nSubject: long\r\n"
                + "Message-ID: <long-1@sales.example>\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n" + text
                + "\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII);

        Http.Response stored = http.sendBytes("POST", "/api/v1/inbound/email", "message/rfc822", raw);

        assertThat(stored.status()).as(stored.toString()).isEqualTo(201);
        Document saved = mongo.getCollection(InboundMail.COLLECTION).find().first();
        assertThat(saved.getBoolean("truncated")).isTrue();
        assertThat(saved.getString("text")).hasSize(InboundMail.STORED_TEXT);
        Document activity = mongo.getCollection("activities").find().first();
        assertThat(activity.getString("body")).hasSize(InboundMail.BODY_LENGTH).endsWith("…");
    }

    @Test
    void unknownAddressesCreateNoContactsByDefault() {
        Http.Response stored = post(http, "bcc-two-contacts.eml");

        assertThat(stored.status()).isEqualTo(201);
        assertThat(stored.json().get("contactIds").size()).isZero();
        assertThat(mongo.getCollection("contacts").countDocuments()).isZero();
    }
}
