package io.crm.security;

import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * {@code crm.sign-in.*}: how people sign in to the web UI (docs/security.md "Single sign-on"). Defaults live in
 * application.yaml only.
 *
 * @param localLogin who may sign in with a password (form login and HTTP Basic): everyone, admins only (a break-glass
 *                   account while single sign-on is the rule), or nobody
 * @param oidc       the OpenID Connect provider; none when its issuer is empty
 */
@Validated
@ConfigurationProperties("crm.sign-in")
public record SignInProperties(@NotNull LocalLogin localLogin, @NotNull @Valid Oidc oidc) {

    public enum LocalLogin { ENABLED, ADMINS_ONLY, DISABLED }

    /**
     * One OpenID Connect provider (Keycloak, Entra ID, Okta, Google...).
     *
     * @param issuerUri        the provider's issuer; its discovery document is read at the first sign-in, not at start
     * @param clientId         this service's client at the provider
     * @param clientSecret     its secret (or {@code clientSecretFile}, a mounted secret, which wins)
     * @param scopes           asked for at sign-in ({@code openid} is always added)
     * @param roleClaim        the claim listing the user's groups or roles ({@code groups}, {@code roles})
     * @param roleMapping      {@code group=ROLE} pairs, comma separated; {@code *} for everyone else
     * @param allowedDomains   email domains allowed to sign in; empty: any
     * @param autoCreateUsers  whether a first sign-in creates the user (else an admin creates them first)
     * @param providerName     shown on the sign-in button: "Sign in with ..."
     */
    public record Oidc(@NotNull String issuerUri,
                       @NotNull String clientId,
                       @NotNull String clientSecret,
                       @NotNull String clientSecretFile,
                       @NotNull List<String> scopes,
                       @NotNull String roleClaim,
                       @NotNull String roleMapping,
                       @NotNull List<String> allowedDomains,
                       @NotNull Boolean autoCreateUsers,
                       @NotNull String providerName) {

        public boolean configured() {
            return !issuerUri.isBlank();
        }

        public List<String> domains() {
            return allowedDomains.stream().map(String::strip).filter(d -> !d.isEmpty())
                    .map(d -> d.toLowerCase(java.util.Locale.ROOT)).toList();
        }
    }

    /** The provider's name for the sign-in page, or null when single sign-on is off. */
    public String ssoProviderName() {
        return oidc.configured() ? oidc.providerName() : null;
    }
}
