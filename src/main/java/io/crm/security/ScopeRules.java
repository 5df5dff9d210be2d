package io.crm.security;

import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import org.springframework.security.access.hierarchicalroles.RoleHierarchy;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationDeniedException;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.authorization.AuthorizationResult;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthentication;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;

/**
 * The request rules of roles and token scopes together: a request is allowed when its user's role allows it and, for
 * a token, when the token holds the scope too; so a token never does more than its owner's current role (the role is
 * read from the user on every request) nor more than its scopes. A browser session or HTTP Basic carries no scopes:
 * only the role counts. A refusal for a missing scope is a {@link MissingScope}, which the 403 body names.
 */
public final class ScopeRules {

    private ScopeRules() {
    }

    /** A refusal because the token lacks {@link #scope()} (its owner's role would allow the request). */
    public static final class MissingScope extends AuthorizationDecision {
        private final Scope scope;

        MissingScope(Scope scope) {
            super(false);
            this.scope = scope;
        }

        public Scope scope() {
            return scope;
        }
    }

    /** Signed in with at least {@code role} and, with a token, holding {@code scope}. */
    public static AuthorizationManager<RequestAuthorizationContext> require(Role role, Scope scope) {
        return (authentication, context) -> decide(authentication, role, scope);
    }

    /** Signed in (any role) and, with a token, holding {@code scope}. */
    public static AuthorizationManager<RequestAuthorizationContext> require(Scope scope) {
        return require(Role.VIEWER, scope);
    }

    private static AuthorizationResult decide(Supplier<? extends Authentication> supplier, Role role, Scope scope) {
        Authentication authentication = supplier.get();
        if (authentication == null || !authentication.isAuthenticated() || !hasRole(authentication, role)) {
            return new AuthorizationDecision(false);
        }
        return holds(authentication, scope) ? new AuthorizationDecision(true) : new MissingScope(scope);
    }

    /**
     * For a decision that depends on data (whose token is revoked, whose import is shown): whether the current
     * request may act with {@code role}, its token's scopes included.
     */
    public static boolean allows(Role role, Scope scope) {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        return authentication != null && hasRole(authentication, role) && holds(authentication, scope);
    }

    /** Refuses the request (403 naming the scope, or the role's 403) unless {@link #allows} it. */
    public static void demand(Role role, Scope scope) {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        AuthorizationResult result = decide(() -> authentication, role, scope);
        if (!result.isGranted()) {
            throw new AuthorizationDeniedException("Access Denied", result);
        }
    }

    private static boolean hasRole(Authentication authentication, Role role) {
        for (GrantedAuthority authority : authentication.getAuthorities()) {
            String name = authority.getAuthority();
            if (name != null && reachable(name).contains(role.authority())) {
                return true;
            }
        }
        return false;
    }

    /**
     * What one authority reaches through the hierarchy, asked of the hierarchy once per authority: its own lookup
     * builds a debug message on every call, logged or not (commons-logging 1.3's SLF4J bridge formats the message
     * before it checks the level), which cost about 2 % of a token-authenticated read.
     */
    private static Set<String> reachable(String authority) {
        return REACHABLE.get(authority, name -> HIERARCHY.getReachableGrantedAuthorities(
                        List.of(new SimpleGrantedAuthority(name))).stream().map(GrantedAuthority::getAuthority)
                .filter(java.util.Objects::nonNull).collect(Collectors.toUnmodifiableSet()));
    }

    /** A token holds the scope; anything else (a session, HTTP Basic, auth disabled) has no scopes to lack. */
    private static boolean holds(Authentication authentication, Scope scope) {
        if (!(authentication instanceof BearerTokenAuthentication)) {
            return true;
        }
        return authentication.getAuthorities().stream().map(GrantedAuthority::getAuthority)
                .anyMatch(scope.authority()::equals);
    }

    /** The same hierarchy as {@code SecurityConfiguration.roleHierarchy} (method security's). */
    private static final RoleHierarchy HIERARCHY = SecurityConfiguration.roleHierarchy();
    /** Roles, scopes and factors: a handful of names; the bound only guards against authorities made per user. */
    private static final Cache<String, Set<String>> REACHABLE = Caffeine.newBuilder().maximumSize(256).build();
}
