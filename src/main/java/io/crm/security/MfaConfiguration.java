package io.crm.security;

import java.time.Clock;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.security.web.savedrequest.RequestCache;
import org.springframework.validation.annotation.Validated;

/** Two-factor sign-in's beans (docs/security.md "Two-factor sign-in (TOTP)"). */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(MfaConfiguration.MfaProperties.class)
public class MfaConfiguration {

    /**
     * {@code crm.security.mfa.*}.
     *
     * @param requiredRoles roles that must have a second factor: enrolment is forced at their next sign-in
     */
    @Validated
    @ConfigurationProperties("crm.security.mfa")
    public record MfaProperties(@NotNull List<String> requiredRoles) {

        /** The roles, parsed; an unknown one stops startup naming the property. */
        Set<Role> roles() {
            Set<Role> roles = EnumSet.noneOf(Role.class);
            for (String name : requiredRoles) {
                if (name.isBlank()) {
                    continue;
                }
                Role role = Role.parse(name.strip());
                if (role == null) {
                    throw new IllegalArgumentException("crm.security.mfa.required-roles (CRM_MFA_REQUIRED_ROLES): "
                            + "unknown role '" + name.strip() + "'; one of ADMIN, MEMBER, VIEWER");
                }
                roles.add(role);
            }
            return roles;
        }
    }

    @Bean
    MfaService mfaService(MongoTemplate mongo, UserService users, Clock clock, MfaProperties properties) {
        return new MfaService(mongo.getCollection(UserService.COLLECTION), users, clock, properties.roles());
    }

    @Bean
    MfaSignIn mfaSignIn(MfaService mfa, UserService users, Clock clock, RequestCache requestCache) {
        return new MfaSignIn(mfa, users, clock, requestCache);
    }
}
