package io.crm.security.sso;

import java.util.concurrent.atomic.AtomicReference;

import io.crm.security.SignInProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.registration.ClientRegistrations;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;

/**
 * The provider's client registration, read from its discovery document at the first sign-in rather than at start:
 * the CRM starts and serves (passwords, tokens) while the provider is unreachable, and a failed read is tried again
 * at the next sign-in instead of being remembered.
 */
public class LazyClientRegistrations implements ClientRegistrationRepository {

    public static final String REGISTRATION_ID = "oidc";
    private static final Logger log = LoggerFactory.getLogger(LazyClientRegistrations.class);

    private final SignInProperties.Oidc settings;
    private final String clientSecret;
    private final AtomicReference<ClientRegistration> registration = new AtomicReference<>();

    public LazyClientRegistrations(SignInProperties.Oidc settings, String clientSecret) {
        this.settings = settings;
        this.clientSecret = clientSecret;
    }

    @Override
    public ClientRegistration findByRegistrationId(String registrationId) {
        if (!REGISTRATION_ID.equals(registrationId)) {
            return null;
        }
        ClientRegistration known = registration.get();
        if (known != null) {
            return known;
        }
        try {
            ClientRegistration read = build();
            registration.compareAndSet(null, read);
            return registration.get();
        } catch (RuntimeException e) {
            // the provider is down or misconfigured: this sign-in fails, the next one tries again
            log.warn("single sign-on: cannot read the discovery document of {}: {}", settings.issuerUri(),
                    e.toString());
            throw e;
        }
    }

    private ClientRegistration build() {
        java.util.Set<String> scopes = new java.util.LinkedHashSet<>();
        scopes.add("openid");
        settings.scopes().stream().map(String::strip).filter(s -> !s.isEmpty()).forEach(scopes::add);
        return ClientRegistrations.fromIssuerLocation(settings.issuerUri())
                .registrationId(REGISTRATION_ID)
                .clientName(settings.providerName())
                .clientId(settings.clientId())
                .clientSecret(clientSecret)
                // a public client (no secret) authenticates with PKCE alone
                .clientAuthenticationMethod(clientSecret.isEmpty() ? ClientAuthenticationMethod.NONE
                        : ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                // {baseUrl}: from the request, so the forwarded scheme and host of a trusted proxy (and only theirs)
                .redirectUri("{baseUrl}/login/oauth2/code/{registrationId}")
                .scope(scopes)
                .userNameAttributeName("sub")
                // PKCE for every client, confidential ones too (RFC 9700 recommends it)
                .clientSettings(ClientRegistration.ClientSettings.builder().requireProofKey(true).build())
                .build();
    }
}
