package io.crm.web;

import java.util.Map;

import io.crm.mail.MailOnTest;
import io.crm.support.Http;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The pages emailed links open, over real HTTP with the session and CSRF token of a browser, against GreenMail:
 * sign-up after an invitation, "Forgot password?" and the reset link.
 */
class MailLinkPagesTest extends MailOnTest {

    private static final String NEW_PASSWORD = "a-new-long-password-1";

    private String base() {
        return "http://127.0.0.1:" + port;
    }

    @Test
    void anInvitedPersonChoosesTheirPasswordOnceAndSignsInWithIt() {
        http.post("/api/v1/users/invitations", Map.of("email", "invitee@example.com", "displayName", "Invitee"));
        String token = token(received(1)[0], "/signup");
        WebSession browser = WebSession.anonymous(base());
        assertThat(browser.get("/signup?token=" + token).body()).contains("invitee@example.com");

        Http.Response differ = browser.post("/signup", Map.of("token", token, "password", NEW_PASSWORD,
                "confirm", NEW_PASSWORD + "x"), true);
        assertThat(differ.body()).contains("The two passwords differ.");
        Http.Response tooShort = browser.post("/signup", Map.of("token", token, "password", "short",
                "confirm", "short"), true);
        assertThat(tooShort.body()).contains("id=\"link-error\"").contains("id=\"set-password\"");

        Http.Response set = browser.post("/signup", Map.of("token", token, "password", NEW_PASSWORD,
                "confirm", NEW_PASSWORD), true);
        assertThat(set.status()).isEqualTo(302);
        assertThat(set.header("Location").orElse("")).endsWith("/login?passwordSet");
        WebSession.signIn(base(), "invitee@example.com", NEW_PASSWORD);

        Http.Response again = browser.post("/signup", Map.of("token", token, "password", "another-long-password",
                "confirm", "another-long-password"), true);
        assertThat(again.body()).contains("id=\"link-invalid\"");
    }

    @Test
    void forgotPasswordAnswersTheSameForUnknownAddressesAndMailsAResetLinkToKnownOnes() throws Exception {
        String email = admin.getString("email");
        WebSession browser = WebSession.anonymous(base());
        assertThat(browser.get("/login").body()).contains("id=\"forgot-password-link\"");
        browser.get("/forgot-password");
        Http.Response unknown = browser.post("/forgot-password", Map.of("email", "nobody@example.com"), true);
        browser.get("/forgot-password");
        Http.Response known = browser.post("/forgot-password", Map.of("email", email), true);
        assertThat(known.status()).isEqualTo(unknown.status()).isEqualTo(200);
        assertThat(known.body()).isEqualTo(unknown.body()).contains("id=\"reset-sent\"");

        MimeMessage mail = received(1)[0];
        assertThat(mail.getAllRecipients()[0].toString()).contains(email);
        assertThat(mongo.getCollection("mail_outbox").countDocuments()).as("nothing for the unknown address")
                .isEqualTo(1);
        String token = token(mail, "/reset-password");
        assertThat(browser.get("/reset-password?token=" + token).body()).contains("id=\"set-password\"");
        assertThat(browser.get("/signup?token=" + token).body()).as("a reset link is no sign-up link")
                .contains("id=\"link-invalid\"");
        Http.Response reset = browser.post("/reset-password", Map.of("token", token, "password", NEW_PASSWORD,
                "confirm", NEW_PASSWORD), true);
        assertThat(reset.header("Location").orElse("")).endsWith("/login?passwordSet");
        WebSession.signIn(base(), email, NEW_PASSWORD);
        assertThatThrownBy(() -> WebSession.signIn(base(), email, PASSWORD)).isInstanceOf(AssertionError.class);
    }

    @Test
    void resetRequestsCountTowardTheSignInThrottle() {
        WebSession browser = WebSession.anonymous(base());
        browser.get("/forgot-password");
        for (int i = 0; i < 5; i++) {
            assertThat(browser.post("/forgot-password", Map.of("email", "flood@example.com"), true).status())
                    .isEqualTo(200);
        }
        Http.Response refused = browser.post("/forgot-password", Map.of("email", "flood@example.com"), true);
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.header("Retry-After")).isPresent();
        assertThat(refused.body()).contains("id=\"reset-throttled\"");
    }

    @Test
    void theAccountPageSetsTheReminderLeadAndTheActivityFormChoosesTheAssignee() {
        WebSession session = WebSession.signIn(base(), admin.getString("email"), PASSWORD);
        assertThat(session.get("/account/mail").body()).contains("id=\"reminderLead\"", "id=\"digest\"");
        Http.Response saved = session.post("/account/mail", Map.of("reminderLead", "15m"), true);
        assertThat(saved.status()).isEqualTo(302);
        assertThat(http.get("/api/v1/mail-preferences").json().get("reminderLead").asString()).isEqualTo("15m");
        assertThat(http.get("/api/v1/mail-preferences").json().get("digest").asBoolean()).as("unticked").isFalse();
        assertThat(session.post("/account/mail", Map.of("reminderLead", "1w"), true).status()).isEqualTo(400);

        org.bson.Document member = user(io.crm.security.Role.MEMBER);
        String memberId = member.getObjectId("_id").toHexString();
        String contact = http.post("/api/v1/contacts", Map.of("name", "Form Contact")).json().get("id").asString();
        String page = session.get("/contacts/" + contact).body();
        assertThat(page).contains("id=\"activity-assignee\"", "value=\"" + memberId + "\"")
                .containsPattern("value=\"" + admin.getObjectId("_id").toHexString() + "\"\\s+selected");
        Http.Response added = session.post("/activities", Map.of("contactId", contact, "on", "contact",
                "type", "task", "subject", "Follow up", "assigneeId", memberId), true);
        assertThat(added.status()).isEqualTo(302);
        assertThat(http.get("/api/v1/activities?contactId=" + contact).json().get("items").get(0)
                .get("assigneeId").asString()).isEqualTo(memberId);
    }
}
