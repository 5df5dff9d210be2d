package io.crm.security.sso;

import java.util.List;
import java.util.Locale;

/**
 * Who the provider says signed in, from the ID token (and the user-info endpoint when the provider has one).
 *
 * @param issuer        the provider ({@code iss})
 * @param subject       the user at the provider ({@code sub}): with the issuer, the identity a CRM user is linked to
 * @param email         may be null
 * @param emailVerified whether the provider vouches for the email ({@code email_verified}); an unverified email is
 *                      never used to find an existing user
 * @param name          a display name, may be null
 * @param groups        the values of the role claim
 */
public record SsoIdentity(String issuer, String subject, String email, boolean emailVerified, String name,
                          List<String> groups) {

    /** The email's domain in lower case, or "" without an email. */
    public String emailDomain() {
        int at = email == null ? -1 : email.lastIndexOf('@');
        return at < 0 ? "" : email.substring(at + 1).toLowerCase(Locale.ROOT);
    }
}
