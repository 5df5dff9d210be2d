package io.crm.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;

import io.crm.platform.web.ErrorBodies;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.http.HttpHeaders;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Slows password guessing (see {@link LoginThrottle}): a sign-in attempt (form login, or HTTP Basic on token
 * creation) is let through or answered 429 with Retry-After before the password is even checked, and its outcome
 * (signed in or not) is recorded once the chain returns. The client address is the connection's, or the one a
 * trusted proxy forwarded ({@code CRM_TRUSTED_PROXIES}); counters are shared by every replica and both chains.
 */
final class LoginRateLimitFilter extends OncePerRequestFilter {

    private static final Logger log = LoggerFactory.getLogger(LoginRateLimitFilter.class);

    private final LoginThrottle throttle;

    LoginRateLimitFilter(LoginThrottle throttle) {
        this.throttle = throttle;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String account = attemptedAccount(request);
        if (account == null) {
            chain.doFilter(request, response);
            return;
        }
        LoginThrottle.Attempt attempt = throttle.begin(account, request.getRemoteAddr());
        if (attempt.refused()) {
            long seconds = Math.max(1, (attempt.retryAfter().toMillis() + 999) / 1000);
            response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
            ErrorBodies.write(request, response, 429, "Too many requests",
                    "Too many sign-in attempts; retry in " + seconds + " s");
            return;
        }
        boolean signedIn = false;
        try {
            chain.doFilter(request, response);
            // the authentication filters behind this one have put the result in the context by now
            Authentication result = SecurityContextHolder.getContext().getAuthentication();
            signedIn = result != null && result.isAuthenticated()
                    && !(result instanceof AnonymousAuthenticationToken);
        } finally {
            try {
                if (request.getAttribute(MfaSignIn.FIRST_FACTOR_ONLY) != null) {
                    throttle.passed(attempt);
                } else if (signedIn) {
                    throttle.succeeded(attempt);
                } else {
                    throttle.failed(attempt);
                }
            } catch (RuntimeException e) {
                // the answer is already written; a counter that could not be updated must not turn it into an error
                log.warn("Could not record a sign-in outcome: {}", e.toString());
            }
        }
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
        if ("POST".equals(request.getMethod()) && MfaSignIn.PAGES.matches(request)) {
            // the second step: a wrong code is a failed sign-in of the account whose password was given
            jakarta.servlet.http.HttpSession session = request.getSession(false);
            Object pending = session == null ? null : session.getAttribute(MfaSignIn.PENDING);
            return pending instanceof MfaSignIn.Pending p ? p.email().strip().toLowerCase(Locale.ROOT) : "";
        }
        if ("POST".equals(request.getMethod()) && "/login".equals(request.getServletPath())) {
            String username = request.getParameter("username");
            return username == null ? "" : username.strip().toLowerCase(Locale.ROOT);
        }
        return null;
    }
}
