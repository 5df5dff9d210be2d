package io.crm.security.sso;

import io.crm.security.SignInProperties;
import io.crm.security.UserService;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Single sign-on's beans: active when {@code CRM_OIDC_ISSUER_URI} is set (docs/security.md "Single sign-on"). */
@Configuration(proxyBeanMethods = false)
public class SingleSignOnConfiguration {

    @Bean
    SingleSignOn singleSignOn(SignInProperties properties, UserService users) {
        SignInProperties.Oidc oidc = properties.oidc();
        if (!oidc.configured()) {
            return new SingleSignOn(null, null, null);
        }
        if (oidc.clientId().isBlank()) {
            throw new IllegalStateException("CRM_OIDC_ISSUER_URI is set but CRM_OIDC_CLIENT_ID is empty");
        }
        RoleMapping roles = RoleMapping.parse(oidc.roleMapping());
        if (roles.isEmpty()) {
            throw new IllegalStateException("CRM_OIDC_ROLE_MAPPING is empty: nobody could sign in through "
                    + oidc.issuerUri() + " (e.g. crm-admins=ADMIN,sales=MEMBER,*=VIEWER)");
        }
        String secret = io.crm.security.Secrets.valueOrFile(oidc.clientSecret(), oidc.clientSecretFile());
        return new SingleSignOn(new LazyClientRegistrations(oidc, secret),
                new CrmOidcUserService(new SsoSignIn(users, roles, oidc), oidc.roleClaim()), oidc.issuerUri());
    }
}
