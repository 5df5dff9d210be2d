package io.crm.security;

import java.time.Duration;
import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;
import org.hibernate.validator.constraints.time.DurationMin;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * {@code crm.security.*}: see README "Configuration" and docs/security.md. Defaults live in application.yaml only; a
 * missing or out-of-range value stops startup naming the property.
 *
 * @param enabled       false turns authentication off (local experiments only; loudly warned)
 * @param publicMetrics when the management port is the public one, whether metrics are open without a login
 * @param cleanupEvery  how often expired sessions and sign-in throttling counters are removed
 */
@Validated
@ConfigurationProperties("crm.security")
public record SecurityProperties(@NotNull Boolean enabled,
                                 @NotNull @Valid Admin admin,
                                 @NotNull @Valid Tokens tokens,
                                 @NotNull @Valid RateLimit rateLimit,
                                 @NotNull List<String> corsAllowedOrigins,
                                 @NotNull Boolean publicMetrics,
                                 @NotNull @DurationMin(millis = 1) Duration cleanupEvery) {

    /** The first admin, created when there are no users. An empty password means: generate one and log it once. */
    public record Admin(@NotNull String email,
                        @NotNull String password,
                        @NotNull String passwordFile) {
    }

    /**
     * API token lifetimes: the default when a request names none, and the longest allowed; tokens per user; how long
     * a checked token is remembered (zero: not at all), and how often each replica checks the store for changes of
     * users and tokens made elsewhere (how late another replica may see a revocation; zero: only the lifetime bounds
     * it).
     */
    public record Tokens(@NotNull @Positive Integer defaultExpiresInDays,
                         @NotNull @Positive Integer maxExpiresInDays,
                         @NotNull @PositiveOrZero Integer maxPerUser,
                         @NotNull @DurationMin(millis = 0) Duration cacheTtl,
                         @NotNull @DurationMin(millis = 0) Duration cacheCheck) {
    }

    /**
     * Sign-in throttling (LoginThrottle): failures per account and client address before delays start, the first
     * delay (doubling per further failure) and the longest, how long a pair's failures are remembered; failures per
     * client address across accounts, and per account from all addresses, per period.
     */
    public record RateLimit(@NotNull @Min(1) Integer failuresBeforeDelay,
                            @NotNull @DurationMin(millis = 1) Duration firstDelay,
                            @NotNull @DurationMin(millis = 1) Duration maxDelay,
                            @NotNull @DurationMin(millis = 1) Duration forgetAfter,
                            @NotNull @Min(1) Integer perAddress,
                            @NotNull @DurationMin(millis = 1) Duration addressPeriod,
                            @NotNull @Min(1) Integer perAccount,
                            @NotNull @DurationMin(millis = 1) Duration accountPeriod) {
    }

    public List<String> allowedOrigins() {
        return corsAllowedOrigins.stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
    }
}
