package io.crm.security;

import java.io.IOException;

import io.crm.platform.web.ErrorBodies;
import io.crm.platform.web.PathSet;
import io.crm.platform.web.Paths;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * A user signed in with a one-time password (an admin's invitation or reset, the first admin's generated one) may do
 * one thing: choose a new password. Browsers are sent to that page, API calls get 403 saying how.
 */
final class PasswordChangeGate extends OncePerRequestFilter {

    static final String PAGE = "/account/password";
    private static final PathSet ALLOWED = PathSet.of(PAGE, "/api/v1/auth/password", "/api/v1/auth/me", "/logout")
            .and(Paths.PUBLIC);

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        if (auth != null && auth.getPrincipal() instanceof CrmUser user && user.passwordChangeRequired()
                && !ALLOWED.matches(request)) {
            if (WebSecurity.wantsHtml(request)) {
                response.sendRedirect(request.getContextPath() + PAGE);
            } else {
                ErrorBodies.write(request, response, 403, "Password change required", "Your password is a one-time "
                        + "one: choose a new one first (POST /api/v1/auth/password {currentPassword, newPassword})");
            }
            return;
        }
        chain.doFilter(request, response);
    }
}
