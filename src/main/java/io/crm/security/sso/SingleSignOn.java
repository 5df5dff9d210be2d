package io.crm.security.sso;

import java.io.IOException;
import java.util.Locale;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.oidc.web.logout.OidcClientInitiatedLogoutSuccessHandler;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizedClientRepository;
import org.springframework.security.web.authentication.logout.LogoutSuccessHandler;
import org.springframework.security.web.authentication.logout.SimpleUrlLogoutSuccessHandler;

/**
 * OpenID Connect sign-in on the web chain, when a provider is configured: the authorization code flow with PKCE, the
 * CRM user found or created by {@link SsoSignIn}, a refusal explained on the sign-in page, and signing out at the
 * provider too (RP-initiated logout). Everything it keeps between requests lives in the browser session, which every
 * replica shares: the authorization request (state, nonce, PKCE verifier) and the signed-in user.
 */
public class SingleSignOn {

    private static final Logger log = LoggerFactory.getLogger(SingleSignOn.class);
    private static final String SIGNED_OUT = "/login?logout";

    private final ClientRegistrationRepository registrations;
    private final CrmOidcUserService users;
    private final String providerOrigin;

    /** Null arguments: single sign-on is off. */
    public SingleSignOn(ClientRegistrationRepository registrations, CrmOidcUserService users, String issuerUri) {
        this.registrations = registrations;
        this.users = users;
        this.providerOrigin = issuerUri == null ? null : origin(issuerUri);
    }

    /** The provider's origin ({@code https://id.example.com}), or null when single sign-on is off. */
    public String providerOrigin() {
        return providerOrigin;
    }

    private static String origin(String uri) {
        java.net.URI parsed = java.net.URI.create(uri.strip());
        if (parsed.getScheme() == null || parsed.getHost() == null) {
            throw new IllegalStateException("CRM_OIDC_ISSUER_URI is not an absolute URL: " + uri);
        }
        return parsed.getScheme() + "://" + parsed.getHost() + (parsed.getPort() < 0 ? "" : ":" + parsed.getPort());
    }

    public boolean enabled() {
        return registrations != null;
    }

    /** Adds the OpenID Connect sign-in to the web chain, if a provider is configured. */
    public HttpSecurity configure(HttpSecurity http) throws Exception {
        if (!enabled()) {
            return http;
        }
        return http.oauth2Login(login -> login.loginPage("/login")
                .clientRegistrationRepository(registrations)
                .authorizedClientRepository(NO_AUTHORIZED_CLIENTS)
                .userInfoEndpoint(info -> info.oidcUserService(users))
                .failureHandler(SingleSignOn::refused));
    }

    /** After signing out here: at the provider too when the user signed in there, else the sign-in page. */
    public LogoutSuccessHandler logoutSuccess() {
        if (!enabled()) {
            SimpleUrlLogoutSuccessHandler local = new SimpleUrlLogoutSuccessHandler();
            local.setDefaultTargetUrl(SIGNED_OUT);
            return local;
        }
        OidcClientInitiatedLogoutSuccessHandler provider = new OidcClientInitiatedLogoutSuccessHandler(registrations);
        provider.setPostLogoutRedirectUri("{baseUrl}" + SIGNED_OUT);
        provider.setDefaultTargetUrl(SIGNED_OUT);
        return provider;
    }

    /** A refused or failed sign-in goes back to the sign-in page with a reason it can explain (never the details). */
    private static void refused(HttpServletRequest request, HttpServletResponse response,
                                AuthenticationException e) throws IOException {
        String reason = e instanceof SsoRefused refusal ? refusal.reason().name().toLowerCase(Locale.ROOT) : "error";
        log.warn("single sign-on refused ({}): {}", reason, e.getMessage());
        response.sendRedirect(request.getContextPath() + "/login?sso=" + reason);
    }

    /**
     * The provider's access token is not kept: the CRM calls no API of the provider, so there is nothing to store
     * (and nothing held in one process's memory).
     */
    private static final OAuth2AuthorizedClientRepository NO_AUTHORIZED_CLIENTS = new NoAuthorizedClients();

    private static final class NoAuthorizedClients implements OAuth2AuthorizedClientRepository {
        @Override
        public <T extends OAuth2AuthorizedClient> T loadAuthorizedClient(String registrationId,
                Authentication principal, HttpServletRequest request) {
            return null;
        }

        @Override
        public void saveAuthorizedClient(OAuth2AuthorizedClient client, Authentication principal,
                                         HttpServletRequest request, HttpServletResponse response) {
            // not kept, see above
        }

        @Override
        public void removeAuthorizedClient(String registrationId, Authentication principal,
                                           HttpServletRequest request, HttpServletResponse response) {
            // nothing kept
        }
    }
}
