package io.crm.mail;

import java.util.Date;

import io.crm.security.Role;
import io.crm.support.ApiTest;
import io.crm.support.Http;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The outbox API (ADMIN only) with mail off, as the test service runs: what it lists, retry, bad input. */
class MailApiTest extends ApiTest {

    private String failed(String key) {
        ObjectId id = new ObjectId();
        Date at = new Date(clock.millis());
        mongo.getCollection(MailOutbox.COLLECTION).insertOne(new Document("_id", id).append("key", key)
                .append("to", "bob@example.com").append("subject", "Invitation").append("template", "invitation")
                .append("model", new Document("link", "https://crm.example.com/signup?token=secret-link"))
                .append("status", "failed").append("attempts", 6).append("lastError", "550 mailbox unavailable")
                .append("dueAt", at).append("createdAt", at).append("failedAt", at));
        return id.toHexString();
    }

    @Test
    void adminsSeeFailedMessagesWithTheirErrorAndSendThemAgain() {
        String id = failed("invite:1");
        failed("invite:2");

        Http.Response list = http.get("/api/v1/mail/outbox?status=failed&limit=1");
        assertThat(list.status()).as(list.toString()).isEqualTo(200);
        assertThat(list.json().get("enabled").asBoolean()).isFalse();
        assertThat(list.json().get("items")).hasSize(1);
        assertThat(list.json().get("items").get(0).get("lastError").asString()).isEqualTo("550 mailbox unavailable");
        assertThat(list.body()).as("never the link a message carries").doesNotContain("secret-link");
        String next = list.json().get("nextCursor").asString();
        Http.Response rest = http.get("/api/v1/mail/outbox?status=failed&cursor=" + next);
        assertThat(rest.json().get("items").get(0).get("id").asString()).isEqualTo(id);
        assertThat(rest.json().get("nextCursor").isNull()).isTrue();

        Http.Response retried = http.post("/api/v1/mail/outbox/" + id + "/retry", java.util.Map.of());
        assertThat(retried.status()).as(retried.toString()).isEqualTo(200);
        assertThat(retried.json().get("status").asString()).isEqualTo("retrying");
        mongo.getCollection(MailOutbox.COLLECTION).updateOne(new Document("_id", new ObjectId(id)),
                new Document("$set", new Document("status", "sent")));
        Http.Response again = http.post("/api/v1/mail/outbox/" + id + "/retry", java.util.Map.of());
        assertThat(again.status()).as("a sent message is not sent again").isEqualTo(409);
        assertThat(again.contentType()).startsWith("application/problem+json");
    }

    @Test
    void badInputIsAClearProblem() {
        Http.Response status = http.get("/api/v1/mail/outbox?status=bounced-or-so");
        assertThat(status.status()).isEqualTo(400);
        assertThat(status.contentType()).startsWith("application/problem+json");
        assertThat(http.get("/api/v1/mail/outbox?cursor=nope").status()).isEqualTo(400);
        Http.Response missing = http.post("/api/v1/mail/outbox/" + new ObjectId() + "/retry", java.util.Map.of());
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.contentType()).startsWith("application/problem+json");
        assertThat(http.post("/api/v1/mail/outbox/not-an-id/retry", java.util.Map.of()).status()).isEqualTo(404);
    }

    @Test
    void onlyAdminsSeeTheOutbox() {
        assertThat(as(Role.MEMBER).get("/api/v1/mail/outbox").status()).isEqualTo(403);
        assertThat(http.anonymous().get("/api/v1/mail/outbox").status()).isEqualTo(401);
    }

    @Test
    void withMailOffAnInvitationByLinkIsAConflict() {
        Http.Response invited = http.post("/api/v1/users/invitations", java.util.Map.of("email", "x@example.com",
                "displayName", "X"));
        assertThat(invited.status()).isEqualTo(409);
        assertThat(invited.contentType()).startsWith("application/problem+json");
        assertThat(invited.body()).contains("mail is off");
    }

    @Test
    void withMailOffTheForgotPasswordPageSaysSoAndSendsNothing() {
        assertThat(http.anonymous().get("/forgot-password", "Accept", "text/html").body())
                .contains("id=\"reset-mail-off\"").doesNotContain("id=\"forgot-password\"");
    }
}
