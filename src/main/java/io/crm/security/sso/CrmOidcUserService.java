package io.crm.security.sso;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;

import io.crm.security.CrmUser;

import org.springframework.security.oauth2.client.oidc.userinfo.OidcUserRequest;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcUserService;
import org.springframework.security.oauth2.client.userinfo.OAuth2UserService;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;

/**
 * The user of a single sign-on: Spring Security validates the ID token (and reads the user-info endpoint when the
 * provider has one); {@link SsoSignIn} decides which CRM user that is. The principal is the {@link CrmUser}, like
 * after a password sign-in, carrying the ID token for signing out at the provider.
 */
public class CrmOidcUserService implements OAuth2UserService<OidcUserRequest, OidcUser> {

    private final OidcUserService provider = new OidcUserService();
    private final SsoSignIn signIn;
    private final String roleClaim;

    public CrmOidcUserService(SsoSignIn signIn, String roleClaim) {
        this.signIn = signIn;
        this.roleClaim = roleClaim;
    }

    @Override
    public OidcUser loadUser(OidcUserRequest request) throws OAuth2AuthenticationException {
        OidcUser user = provider.loadUser(request);
        SsoIdentity identity = new SsoIdentity(
                user.getIdToken().getIssuer() == null ? "" : user.getIdToken().getIssuer().toString(),
                user.getSubject(), user.getEmail(), isTrue(user.getClaims().get("email_verified")),
                user.getFullName(), values(user.getClaims().get(roleClaim)));
        return signIn.signIn(identity).withIdToken(user.getIdToken());
    }

    /** Providers send {@code email_verified} as a boolean, some as the string "true". */
    private static boolean isTrue(Object claim) {
        return Boolean.TRUE.equals(claim) || "true".equals(claim);
    }

    /** A claim as a list of strings: a JSON array, or one string of space or comma separated values. */
    static List<String> values(Object claim) {
        if (claim instanceof Collection<?> many) {
            return many.stream().filter(v -> v != null).map(Object::toString).toList();
        }
        if (claim instanceof String one) {
            return Arrays.stream(one.split("[,\\s]+")).filter(s -> !s.isEmpty()).toList();
        }
        return List.of();
    }
}
