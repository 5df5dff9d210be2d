package io.crm.mail;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import io.crm.security.Role;
import io.crm.security.SignInProperties;
import io.crm.security.UserService;
import org.bson.Document;

/**
 * "Forgot password?": mails a single-use reset link valid 30 minutes to an enabled person with that email who may
 * sign in with a password ({@code CRM_LOCAL_LOGIN}), and does nothing otherwise. The caller answers the same either way and runs this off the request (see
 * {@link LinkPages#forgot}), so neither the answer nor its timing tells whether the address exists.
 */
public class PasswordResets {

    static final Duration VALID_FOR = Duration.ofMinutes(30);

    private final UserService users;
    private final EmailLinks links;
    private final MailOutbox outbox;
    private final SignInProperties.LocalLogin localLogin;

    public PasswordResets(UserService users, EmailLinks links, MailOutbox outbox,
                          SignInProperties.LocalLogin localLogin) {
        this.users = users;
        this.links = links;
        this.outbox = outbox;
        this.localLogin = localLogin;
    }

    public boolean enabled() {
        return outbox.enabled();
    }

    /** With single sign-on only (CRM_LOCAL_LOGIN), a password nobody may sign in with is not worth a link. */
    static boolean mayUsePassword(SignInProperties.LocalLogin localLogin, Document user) {
        return switch (localLogin) {
            case ENABLED -> true;
            case ADMINS_ONLY -> Role.ADMIN.name().equals(user.getString("role"));
            case DISABLED -> false;
        };
    }

    /** Queues a reset mail if the address is an enabled person's; returns whether it did. */
    public boolean request(String email) {
        if (!enabled() || email == null || email.isBlank() || email.length() > 320) {
            return false;
        }
        Document user = users.byEmail(email.strip()).orElse(null);
        if (user == null || !Boolean.TRUE.equals(user.getBoolean("enabled")) || UserService.isService(user)
                || !mayUsePassword(localLogin, user)) {
            return false;
        }
        String id = user.getObjectId("_id").toHexString();
        EmailLinks.Issued link = links.issue(id, EmailLinks.RESET, VALID_FOR);
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("name", user.getString("displayName"));
        model.put("link", outbox.properties().link("/reset-password?token=" + link.token()));
        model.put("minutes", VALID_FOR.toMinutes());
        return outbox.enqueue(new Mail("reset:" + id + ":" + link.tokenHash(), user.getString("email"),
                user.getString("displayName"), "Reset your CRM password", "password-reset", model));
    }
}
