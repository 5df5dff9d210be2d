package io.crm.security.sso;

import java.util.Map;
import java.util.Optional;

import io.crm.events.Actor;
import io.crm.record.RecordException;
import io.crm.security.CrmUser;
import io.crm.security.Role;
import io.crm.security.SignInProperties;
import io.crm.security.SystemActor;
import io.crm.security.UserService;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns an identity the provider vouches for into a CRM user, or refuses it (docs/security.md "Single sign-on"):
 * <ol>
 * <li>the user linked to this issuer and subject; else, with a verified email only, the user with that email (now
 * linked); else, when allowed, a new user (just in time). A name or an unverified email never finds a user (an
 * unverified email that an account already has is refused rather than created again);</li>
 * <li>the email's domain must be allowed, the role claim must map to a role, and the CRM user must be enabled: a user
 * disabled here stays out whatever the provider says;</li>
 * <li>the role is the mapping's, re-evaluated at every sign-in (and audited when it changes).</li>
 * </ol>
 * Changes are made as the actor {@code sso}, so the audit log says who made them.
 */
public class SsoSignIn {

    static final Actor ACTOR = new Actor("sso", "single sign-on");
    private static final Logger log = LoggerFactory.getLogger(SsoSignIn.class);

    private final UserService users;
    private final RoleMapping roles;
    private final SignInProperties.Oidc settings;

    public SsoSignIn(UserService users, RoleMapping roles, SignInProperties.Oidc settings) {
        this.users = users;
        this.roles = roles;
        this.settings = settings;
    }

    public CrmUser signIn(SsoIdentity identity) {
        return SystemActor.run(ACTOR, () -> signInAsActor(identity));
    }

    private CrmUser signInAsActor(SsoIdentity identity) {
        Role role = roles.roleFor(identity.groups()).orElseThrow(() -> new SsoRefused(SsoRefused.Reason.NO_ROLE,
                "no role for the groups " + identity.groups() + " in CRM_OIDC_ROLE_MAPPING"));
        Document user = find(identity, role);
        if (!Boolean.TRUE.equals(user.getBoolean("enabled"))) {
            throw new SsoRefused(SsoRefused.Reason.DISABLED, "user " + user.get("_id") + " is disabled in the CRM");
        }
        if (!role.name().equals(user.getString("role"))) {
            user = changeRole(user, role);
        }
        CrmUser signedIn = CrmUser.of(user);
        signedIn.eraseCredentials();
        return signedIn;
    }

    private Document find(SsoIdentity identity, Role role) {
        Optional<Document> linked = users.bySsoIdentity(identity.issuer(), identity.subject());
        if (linked.isEmpty() && identity.email() == null) {
            throw new SsoRefused(SsoRefused.Reason.UNVERIFIED_EMAIL, "the provider sent no email for "
                    + identity.subject() + " (ask for the email scope)");
        }
        Optional<Document> byEmail = linked.isPresent() ? Optional.empty() : users.byEmail(identity.email());
        if (byEmail.isPresent() && !identity.emailVerified()) {
            throw new SsoRefused(SsoRefused.Reason.UNVERIFIED_EMAIL, "the provider did not verify the email of "
                    + identity.subject() + ": it is not linked to user " + byEmail.get().get("_id"));
        }
        String domain = identity.emailDomain();
        if (!settings.domains().isEmpty() && !(identity.emailVerified() && settings.domains().contains(domain))) {
            throw new SsoRefused(SsoRefused.Reason.DOMAIN, "email domain '" + domain + "' (verified: "
                    + identity.emailVerified() + ") is not in CRM_OIDC_ALLOWED_DOMAINS");
        }
        if (linked.isPresent()) {
            return linked.get();
        }
        if (byEmail.isPresent()) {
            Document existing = byEmail.get();
            if (UserService.isService(existing)) {
                // a service account acts only through its tokens, never in a browser
                throw new SsoRefused(SsoRefused.Reason.NO_SIGN_IN, "user " + existing.get("_id")
                        + " is a service account");
            }
            if (existing.get(UserService.SSO) != null) {
                // linked to another identity (another provider, or a subject that changed): never relinked silently
                throw new SsoRefused(SsoRefused.Reason.NOT_REGISTERED, "user " + existing.get("_id")
                        + " is linked to another single sign-on identity");
            }
            log.info("single sign-on: user {} linked to {} by its verified email", existing.get("_id"),
                    identity.issuer());
            return users.linkSso(existing, identity.issuer(), identity.subject());
        }
        if (!settings.autoCreateUsers()) {
            throw new SsoRefused(SsoRefused.Reason.NOT_REGISTERED, "no CRM user for " + identity.subject()
                    + " and CRM_OIDC_AUTO_CREATE_USERS is false");
        }
        String name = identity.name() == null || identity.name().isBlank() ? identity.email() : identity.name();
        try {
            return users.createFromSso(identity.email(), name, role, identity.issuer(), identity.subject());
        } catch (RecordException.Duplicate e) {
            // the same person's first sign-in on another replica won: use what it created
            return users.bySsoIdentity(identity.issuer(), identity.subject()).orElseThrow(() -> e);
        }
    }

    private Document changeRole(Document user, Role role) {
        String id = user.getObjectId("_id").toHexString();
        try {
            return users.update(id, Map.of("role", role.name()));
        } catch (RecordException.Conflict e) {
            // the provider demotes the last enabled admin: the CRM keeps one (the next sign-in tries again)
            log.warn("single sign-on: user {} keeps the role {}: {}", id, user.getString("role"), e.getMessage());
            return user;
        }
    }
}
