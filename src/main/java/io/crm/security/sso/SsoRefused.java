package io.crm.security.sso;

import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;

/**
 * A single sign-on the CRM refuses although the provider signed the person in. The code goes to the sign-in page
 * ({@code /login?sso=<code>}), which explains it; the description goes to the log, never to the page.
 */
public final class SsoRefused extends OAuth2AuthenticationException {

    private static final long serialVersionUID = 1L;

    /** What the sign-in page can tell the person. */
    public enum Reason { DISABLED, UNVERIFIED_EMAIL, DOMAIN, NO_ROLE, NOT_REGISTERED, NO_SIGN_IN }

    private final Reason reason;

    public SsoRefused(Reason reason, String description) {
        super(new OAuth2Error("access_denied", description, null), description);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
