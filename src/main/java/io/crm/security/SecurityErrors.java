package io.crm.security;

import java.io.IOException;

import io.crm.platform.web.DatabaseUnavailableFilter;
import io.crm.platform.web.ErrorBodies;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpHeaders;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authorization.AuthorizationDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;

/**
 * 401 and 403 in the API's own shapes (problem+json, or {@code {"error"}} on the legacy paths). A 401 names the
 * Bearer scheme, and says {@code invalid_token} when a token was sent but is unknown, expired or revoked.
 */
final class SecurityErrors implements AuthenticationEntryPoint, AccessDeniedHandler {

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException e)
            throws IOException {
        if (DatabaseUnavailableFilter.isDatabaseUnavailable(e)) {
            // the credentials could not be checked at all: not the client's fault
            DatabaseUnavailableFilter.write(request, response);
            return;
        }
        String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
        boolean tokenSent = authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7);
        response.setHeader(HttpHeaders.WWW_AUTHENTICATE, tokenSent
                ? "Bearer error=\"invalid_token\", error_description=\"The token is unknown, expired or revoked\""
                : "Bearer");
        ErrorBodies.write(request, response, 401, "Unauthorized", tokenSent
                ? "The access token is unknown, expired or revoked"
                : "Authentication required: send Authorization: Bearer <token>");
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException e)
            throws IOException {
        if (e instanceof AuthorizationDeniedException denied
                && denied.getAuthorizationResult() instanceof ScopeRules.MissingScope missing) {
            String scope = missing.scope().value();
            ErrorBodies.write(request, response, 403, "Forbidden", "This token lacks the scope " + scope,
                    java.util.Map.of("missingScope", scope));
            return;
        }
        ErrorBodies.write(request, response, 403, "Forbidden", "Your role does not allow this request");
    }
}
