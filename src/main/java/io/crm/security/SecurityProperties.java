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

    /**
     * Sign-in throttling (LoginThrottle): failures per account and client address before delays start, the first
     * delay (doubling per further failure) and the longest, how long a pair's failures are remembered; failures per
     * client address across accounts, and per account from all addresses, per period.
     */
    public record RateLimit(@DefaultValue("5") int failuresBeforeDelay,
                            @DefaultValue("15s") Duration firstDelay,
                            @DefaultValue("15m") Duration maxDelay,
                            @DefaultValue("24h") Duration forgetAfter,
                            @DefaultValue("30") int perAddress,
                            @DefaultValue("10m") Duration addressPeriod,
                            @DefaultValue("100") int perAccount,
                            @DefaultValue("1h") Duration accountPeriod) {

        public RateLimit {
            if (failuresBeforeDelay < 1 || perAddress < 1 || perAccount < 1) {
                throw new IllegalArgumentException("CRM_LOGIN_LIMIT_FAILURES, CRM_LOGIN_LIMIT_PER_ADDRESS and "
                        + "CRM_LOGIN_LIMIT_PER_ACCOUNT must be at least 1");
            }
            for (Duration d : new Duration[] {firstDelay, maxDelay, forgetAfter, addressPeriod, accountPeriod}) {
                if (d.isNegative() || d.toMillis() < 1) {
                    throw new IllegalArgumentException("CRM_LOGIN_LIMIT_* durations must be positive");
                }
            }
        }
    }

    public List<String> allowedOrigins() {
        return corsAllowedOrigins.stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
    }
}
