package io.crm.security;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import org.bson.Document;

import org.springframework.security.core.CredentialsContainer;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.oauth2.core.oidc.OidcIdToken;
import org.springframework.security.oauth2.core.oidc.OidcUserInfo;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;

/**
 * The signed-in user, for a browser session (form login, HTTP Basic, single sign-on) and for a Bearer token alike.
 * Equal by id, so the session registry finds all of a user's sessions when the user is disabled. After a single
 * sign-on it carries the provider's ID token (as an {@link OidcUser}), which signing out sends back to the provider.
 */
public final class CrmUser implements UserDetails, OidcUser, CredentialsContainer {

    /** Stored in browser sessions (MongoSessionRepository): change it when the fields change incompatibly. */
    private static final long serialVersionUID = 1L;

    private final String id;
    private final String email;
    private final String displayName;
    private final Role role;
    private final boolean enabled;
    private final boolean passwordChangeRequired;
    private String passwordHash;
    /** Only what signing out at the provider needs (the token and its subject), never the provider's other claims. */
    private final OidcIdToken idToken;
    /** A token's scopes, normalised; null when signed in otherwise. Never in a session: tokens are stateless. */
    private final transient Set<Scope> tokenScopes;
    /**
     * Built on first use from the role and scopes, which never change: a token's user is kept in the token cache and
     * asked on every request. Not in a session: rebuilt after one is read back.
     */
    private transient volatile List<GrantedAuthority> authorities;

    public CrmUser(String id, String email, String displayName, Role role, boolean enabled, String passwordHash) {
        this(id, email, displayName, role, enabled, passwordHash, false);
    }

    private CrmUser(String id, String email, String displayName, Role role, boolean enabled, String passwordHash,
                    boolean passwordChangeRequired) {
        this(id, email, displayName, role, enabled, passwordHash, passwordChangeRequired, null);
    }

    private CrmUser(String id, String email, String displayName, Role role, boolean enabled, String passwordHash,
                    boolean passwordChangeRequired, OidcIdToken idToken) {
        this.idToken = idToken;
        this.id = id;
        this.email = email;
        this.displayName = displayName;
        this.role = role;
        this.enabled = enabled;
        this.passwordHash = passwordHash;
        this.passwordChangeRequired = passwordChangeRequired;
        this.tokenScopes = null;
    }

    private CrmUser(CrmUser user, Set<Scope> tokenScopes) {
        this.id = user.id;
        this.email = user.email;
        this.displayName = user.displayName;
        this.role = user.role;
        this.enabled = user.enabled;
        this.passwordHash = user.passwordHash;
        this.passwordChangeRequired = user.passwordChangeRequired;
        this.idToken = user.idToken;
        this.tokenScopes = Set.copyOf(tokenScopes);
    }

    /** This user acting through a token with these scopes: its authentication carries them ({@code SCOPE_read}). */
    CrmUser withTokenScopes(Set<Scope> scopes) {
        return new CrmUser(this, scopes);
    }

    /** The scopes of the token this user signed in with; null when signed in otherwise. */
    public Set<Scope> tokenScopes() {
        return tokenScopes;
    }

    /** This user signed in through the provider that issued {@code token}. */
    public CrmUser withIdToken(OidcIdToken token) {
        Map<String, Object> kept = new java.util.LinkedHashMap<>();
        kept.put("sub", token.getSubject());
        if (token.getIssuer() != null) {
            kept.put("iss", token.getIssuer().toString());
        }
        if (token.getClaimAsString("sid") != null) {
            kept.put("sid", token.getClaimAsString("sid"));
        }
        return new CrmUser(id, email, displayName, role, enabled, null, false,
                new OidcIdToken(token.getTokenValue(), token.getIssuedAt(), token.getExpiresAt(), kept));
    }

    public static CrmUser of(Document user) {
        return new CrmUser(user.getObjectId("_id").toHexString(), user.getString("email"),
                user.getString("displayName"), Role.parse(user.getString("role")),
                Boolean.TRUE.equals(user.getBoolean("enabled")), user.getString("passwordHash"),
                Boolean.TRUE.equals(user.getBoolean(UserService.PASSWORD_CHANGE_REQUIRED)));
    }

    /** Signed in with a one-time password (set by an admin, or generated for the first admin): must choose one. */
    public boolean passwordChangeRequired() {
        return passwordChangeRequired;
    }

    public String id() {
        return id;
    }

    public String email() {
        return email;
    }

    public String displayName() {
        return displayName;
    }

    public Role role() {
        return role;
    }

    @Override
    public Collection<? extends GrantedAuthority> getAuthorities() {
        List<GrantedAuthority> built = authorities;
        if (built == null) {
            List<GrantedAuthority> list = new java.util.ArrayList<>();
            if (role != null) {
                list.add(new SimpleGrantedAuthority(role.authority()));
            }
            if (tokenScopes != null) {
                tokenScopes.stream().sorted().forEach(scope -> list.add(new SimpleGrantedAuthority(
                        scope.authority())));
            }
            built = List.copyOf(list);
            authorities = built; // a race builds the same list twice, no harm
        }
        return built;
    }

    @Override
    public String getPassword() {
        return passwordHash;
    }

    @Override
    public String getUsername() {
        return email;
    }

    @Override
    public boolean isEnabled() {
        return enabled;
    }

    @Override
    public void eraseCredentials() {
        passwordHash = null;
    }

    @Override
    public Map<String, Object> getAttributes() {
        return Map.of("id", id, "email", email, "role", String.valueOf(role));
    }

    @Override
    public Map<String, Object> getClaims() {
        return idToken == null ? Map.of() : idToken.getClaims();
    }

    @Override
    public OidcUserInfo getUserInfo() {
        return null;
    }

    /** The provider's ID token after a single sign-on; null otherwise. */
    @Override
    public OidcIdToken getIdToken() {
        return idToken;
    }

    /** The name a Bearer authentication carries: the user id. */
    @Override
    public String getName() {
        return id;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CrmUser other && other.id.equals(id);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id);
    }

    @Override
    public String toString() {
        return "CrmUser[" + id + ", " + role + "]";
    }
}
