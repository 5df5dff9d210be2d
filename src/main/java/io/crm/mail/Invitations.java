package io.crm.mail;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import io.crm.record.RecordException;
import io.crm.security.UserService;
import org.bson.Document;

/**
 * Invitations by link: the new user has no password; the mail carries a single-use sign-up link valid 24 hours, on
 * whose page the person chooses their password. Only with mail on; without, admins keep handing out one-time
 * passwords.
 */
public class Invitations {

    static final Duration VALID_FOR = Duration.ofHours(24);

    private final UserService users;
    private final EmailLinks links;
    private final MailOutbox outbox;

    public Invitations(UserService users, EmailLinks links, MailOutbox outbox) {
        this.users = users;
        this.links = links;
        this.outbox = outbox;
    }

    public boolean enabled() {
        return outbox.enabled();
    }

    /**
     * Creates the user {email, displayName, role} without a password and mails the sign-up link, naming the admin
     * who invited.
     */
    public Document invite(Map<String, Object> body, String inviterId) {
        String inviter = users.byId(inviterId).map(u -> u.getString("displayName")).orElse("An administrator");
        if (!enabled()) {
            throw new RecordException.Conflict("mail is off (no SPRING_MAIL_HOST): create the user with a password "
                    + "instead");
        }
        Document user = users.createInvited(text(body, "email"), text(body, "displayName"),
                body.get("role") == null ? "MEMBER" : text(body, "role"));
        String id = user.getObjectId("_id").toHexString();
        EmailLinks.Issued link = links.issue(id, EmailLinks.INVITATION, VALID_FOR);
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("name", user.getString("displayName"));
        model.put("inviter", inviter);
        model.put("link", outbox.properties().link("/signup?token=" + link.token()));
        model.put("hours", VALID_FOR.toHours());
        outbox.enqueue(new Mail("invitation:" + id + ":" + link.tokenHash(), user.getString("email"),
                user.getString("displayName"), "Your invitation to the CRM", "invitation", model));
        return user;
    }

    private static String text(Map<String, Object> body, String field) {
        Object value = body.get(field);
        return value instanceof String s ? s.strip() : null;
    }
}
