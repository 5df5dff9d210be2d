package io.crm.security;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code crm.security.*}: see README "Configuration" and docs/security.md.
 *
 * @param enabled       false turns authentication off (local experiments only; loudly warned)
 * @param publicMetrics when the management port is the public one, whether metrics are open without a login
 */
@ConfigurationProperties("crm.security")
public record SecurityProperties(@DefaultValue("true") boolean enabled,
                                 @DefaultValue Admin admin,
                                 @DefaultValue Tokens tokens,
                                 @DefaultValue RateLimit rateLimit,
                                 @DefaultValue("") List<String> corsAllowedOrigins,
                                 @DefaultValue("false") boolean publicMetrics) {

    /** The first admin, created when there are no users. An empty password means: generate one and log it once. */
    public record Admin(@DefaultValue("admin@crm.local") String email,
                        @DefaultValue("") String password,
                        @DefaultValue("") String passwordFile) {
    }

    /** API token lifetimes: the default when a request names none, and the longest allowed. */
    public record Tokens(@DefaultValue("90") int defaultExpiresInDays,
                         @DefaultValue("365") int maxExpiresInDays,
                         @DefaultValue("20") int maxPerUser) {
    }

    /** Login and token-creation attempts allowed per account and per client address, per period. */
    public record RateLimit(@DefaultValue("10") int perAccount,
                            @DefaultValue("5m") Duration accountPeriod,
                            @DefaultValue("30") int perAddress,
                            @DefaultValue("1m") Duration addressPeriod) {
    }

    public List<String> allowedOrigins() {
        return corsAllowedOrigins.stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
    }
}
