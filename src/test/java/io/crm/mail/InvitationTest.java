package io.crm.mail;

import java.time.Duration;
import java.util.Map;

import io.crm.security.ApiTokenService;
import io.crm.security.Role;
import io.crm.support.Http;
import jakarta.mail.internet.MimeMessage;
import org.bson.Document;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/** Invitations by link with mail on: the mail, the stored (hashed) link, the sign-up page, single use, 24 h. */
class InvitationTest extends MailOnTest {

    @Autowired
    EmailLinks links;

    @Test
    void anInvitationMailsASingleUseSignUpLinkStoredHashed() throws Exception {
        Http.Response invited = http.post("/api/v1/users/invitations", Map.of("email", "new.person@example.com",
                "displayName", "New Person", "role", "MEMBER"));
        assertThat(invited.status()).as(invited.toString()).isEqualTo(201);
        String userId = invited.json().get("id").asString();
        Document user = mongo.getCollection("users").find(new Document("email", "new.person@example.com")).first();
        assertThat(user.getString("passwordHash")).as("no password until the person chooses one").isNull();

        MimeMessage mail = received(1)[0];
        assertThat(mail.getAllRecipients()[0].toString()).contains("new.person@example.com");
        assertThat(mail.getSubject()).isEqualTo("Your invitation to the CRM");
        String token = token(mail, "/signup");
        Document link = mongo.getCollection(EmailLinks.COLLECTION).find().first();
        assertThat(link.getString("tokenHash")).isEqualTo(ApiTokenService.hash(token));
        assertThat(link.toJson()).doesNotContain(token);

        Http.Response page = http.anonymous().get("/signup?token=" + token);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("new.person@example.com", "id=\"set-password\"");

        assertThat(links.use(token, EmailLinks.RESET)).as("not a reset link").isEmpty();
        assertThat(links.use(token, EmailLinks.INVITATION)).contains(userId);
        assertThat(links.use(token, EmailLinks.INVITATION)).as("single use").isEmpty();
        assertThat(http.anonymous().get("/signup?token=" + token).body()).contains("id=\"link-invalid\"");
    }

    @Test
    void theLinkExpiresAfter24Hours() {
        http.post("/api/v1/users/invitations", Map.of("email", "late@example.com", "displayName", "Late"));
        String token = token(received(1)[0], "/signup");
        clock.advance(Duration.ofHours(24).minusSeconds(1));
        assertThat(links.valid(token, EmailLinks.INVITATION)).isPresent();
        clock.advance(Duration.ofSeconds(1));
        assertThat(links.valid(token, EmailLinks.INVITATION)).isEmpty();
        assertThat(links.use(token, EmailLinks.INVITATION)).isEmpty();
    }

    @Test
    void badInvitationsAreClearProblemsAndOnlyAdminsInvite() {
        Http.Response bad = http.post("/api/v1/users/invitations", Map.of("email", "not-an-email",
                "displayName", "X"));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.contentType()).startsWith("application/problem+json");
        http.post("/api/v1/users/invitations", Map.of("email", "twice@example.com", "displayName", "Twice"));
        assertThat(http.post("/api/v1/users/invitations", Map.of("email", "twice@example.com",
                "displayName", "Twice")).status()).isEqualTo(409);
        assertThat(as(Role.MEMBER).post("/api/v1/users/invitations", Map.of("email", "m@example.com",
                "displayName", "M")).status()).isEqualTo(403);
        assertThat(http.anonymous().get("/signup?token=nonsense").body()).contains("id=\"link-invalid\"");
    }
}
