package io.crm.security;

import java.io.IOException;

import io.crm.platform.web.ErrorBodies;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpHeaders;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * HTTP Basic (the token chain) for a user with two-factor sign-in: the password alone is not enough, the request
 * must carry a current code (or a recovery code) in {@value #HEADER}, else 401. A user of a role that must have a
 * second factor but has none yet is refused until they enrol in the web UI. Runs after BasicAuthenticationFilter and
 * inside LoginRateLimitFilter, so a wrong or missing code counts as a failed sign-in.
 */
final class MfaBasicGate extends OncePerRequestFilter {

    static final String HEADER = "X-CRM-OTP";

    private final MfaService mfa;

    MfaBasicGate(MfaService mfa) {
        this.mfa = mfa;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
        boolean basic = authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6);
        if (!basic || auth == null || !(auth.getPrincipal() instanceof CrmUser user)) {
            chain.doFilter(request, response);
            return;
        }
        String refusal = null;
        if (mfa.enabled(user.id())) {
            String code = request.getHeader(HEADER);
            if (code == null || code.isBlank()) {
                refusal = "Two-factor code required: send it in the " + HEADER + " header";
            } else if (!mfa.verify(user.id(), code)) {
                refusal = "Two-factor code is wrong, expired or already used";
            }
        } else if (mfa.requiredFor(user.role())) {
            refusal = "Two-factor sign-in is required for your role: set it up in the web UI first";
        }
        if (refusal != null) {
            SecurityContextHolder.clearContext();
            ErrorBodies.write(request, response, 401, "Unauthorized", refusal);
            return;
        }
        chain.doFilter(request, response);
    }
}
