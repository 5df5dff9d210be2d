package io.crm.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.crm.platform.web.ErrorBodies;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpHeaders;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Slows password guessing: every sign-in attempt (form login, or HTTP Basic on token creation) takes one token from
 * the account's bucket and one from the client address's bucket (Bucket4j); an empty bucket answers 429 with
 * Retry-After before the password is even checked. Buckets live in a bounded cache, so a flood of made-up account
 * names cannot exhaust memory. Per instance: behind N replicas an attacker gets at most N times the rate.
 */
final class LoginRateLimitFilter extends OncePerRequestFilter {

    private final SecurityProperties.RateLimit limits;
    private final Cache<String, Bucket> accounts;
    private final Cache<String, Bucket> addresses;

    LoginRateLimitFilter(SecurityProperties.RateLimit limits) {
        this.limits = limits;
        this.accounts = cache(limits.accountPeriod());
        this.addresses = cache(limits.addressPeriod());
    }

    private static Cache<String, Bucket> cache(Duration period) {
        return Caffeine.newBuilder().maximumSize(100_000).expireAfterAccess(period.multipliedBy(2)).build();
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String account = attemptedAccount(request);
        if (account == null) {
            chain.doFilter(request, response);
            return;
        }
        ConsumptionProbe byAddress = addresses.get(request.getRemoteAddr(),
                k -> bucket(limits.perAddress(), limits.addressPeriod())).tryConsumeAndReturnRemaining(1);
        ConsumptionProbe byAccount = byAddress.isConsumed()
                ? accounts.get(account, k -> bucket(limits.perAccount(), limits.accountPeriod()))
                .tryConsumeAndReturnRemaining(1)
                : byAddress;
        if (!byAccount.isConsumed()) {
            long seconds = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(byAccount.getNanosToWaitForRefill()) + 1);
            response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
            ErrorBodies.write(request, response, 429, "Too many requests",
                    "Too many sign-in attempts; retry in " + seconds + " s");
            return;
        }
        chain.doFilter(request, response);
    }

    /** The account a sign-in attempt names (lower-cased), or null when the request is not a sign-in attempt. */
    static String attemptedAccount(HttpServletRequest request) {
        String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            try {
                String decoded = new String(Base64.getDecoder().decode(authorization.substring(6).strip()),
                        StandardCharsets.UTF_8);
                int colon = decoded.indexOf(':');
                return (colon < 0 ? decoded : decoded.substring(0, colon)).strip().toLowerCase(Locale.ROOT);
            } catch (IllegalArgumentException malformed) {
                return "";
            }
        }
        if ("POST".equals(request.getMethod()) && "/login".equals(request.getServletPath())) {
            String username = request.getParameter("username");
            return username == null ? "" : username.strip().toLowerCase(Locale.ROOT);
        }
        return null;
    }

    private static Bucket bucket(int capacity, Duration period) {
        return Bucket.builder().addLimit(Bandwidth.builder().capacity(capacity).refillGreedy(capacity, period)
                .build()).build();
    }
}
