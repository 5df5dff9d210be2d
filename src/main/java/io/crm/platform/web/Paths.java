package io.crm.platform.web;

import jakarta.servlet.http.HttpServletRequest;

/**
 * The service's path vocabulary, declared once: the security chains, the error bodies (and Tomcat's error valve) and
 * the legacy controller all ask these sets, which match the decoded path MVC routes (see {@link PathSet}). Any other
 * spelling of a path either gets the same decision or is refused by the firewall with 400.
 */
public final class Paths {

    /** The original Flask service's API: {@code {"error"}} bodies, its own status codes. */
    public static final PathSet LEGACY = PathSet.of("/person", "/person/**", "/stats");
    /** Where API tokens are made and listed: HTTP Basic is accepted here, and only here. */
    public static final PathSet TOKENS = PathSet.of("/api/v1/auth", "/api/v1/auth/**");
    /** Admin-only API resources. */
    public static final PathSet ADMIN_API = PathSet.of("/api/v1/users", "/api/v1/users/**", "/api/v1/audit",
            "/api/v1/audit/**", "/api/v1/webhooks", "/api/v1/webhooks/**", "/api/v1/contacts/*/erase",
            "/api/v1/mail", "/api/v1/mail/**",
            "/api/v1/admin", "/api/v1/admin/**", "/api/v1/inbound/status");
    /**
     * API resources every role may read and only an admin may change: the shape of the data (pipelines, custom
     * property definitions; forms and boards read them).
     */
    public static final PathSet ADMIN_WRITES = PathSet.of("/api/v1/pipelines", "/api/v1/pipelines/**",
            "/api/v1/properties", "/api/v1/properties/**");
    /** Every API path (stateless, token or session, problem+json or legacy errors), the OpenAPI docs included. */
    public static final PathSet API = PathSet.of("/api", "/api/**", "/v3/api-docs", "/v3/api-docs/**",
            "/swagger-ui.html", "/swagger-ui/**").and(LEGACY);
    /** The health probes: liveness and readiness, each in the original's and Kubernetes' spelling. */
    public static final PathSet PROBES = PathSet.of("/health", "/ready", "/livez", "/readyz");
    /** Open to anyone: probes, the sign-in page, static assets, the error page. */
    public static final PathSet PUBLIC = PROBES.and(PathSet.of("/login", "/error",
            "/signup", "/forgot-password", "/reset-password", "/mail/unsubscribe",
            "/css/**", "/js/**", "/img/**", "/webjars/**", "/favicon.ico"));
    /** The sign-in form's page and its post. */
    public static final PathSet LOGIN = PathSet.of("/login");
    /** The web UI's administration pages (users, tokens). */
    public static final PathSet UI_ADMIN = PathSet.of("/admin", "/admin/**");
    /** The signed-in user's own account pages (the password). */
    public static final PathSet ACCOUNT = PathSet.of("/account", "/account/**");
    /** A user's saved views: any role may keep private ones (SavedViews decides who may share or change one). */
    public static final PathSet VIEWS = PathSet.of("/api/v1/views", "/api/v1/views/**");
    /** The web UI's saved views (SearchPages): any role keeps private ones, as through the API. */
    public static final PathSet UI_VIEWS = PathSet.of("/contacts/search/views", "/contacts/search/views/**",
            "/companies/search/views", "/companies/search/views/**", "/deals/search/views", "/deals/search/views/**",
            "/activities/search/views", "/activities/search/views/**");
    /** A user's own notifications: any role may mark theirs read. */
    public static final PathSet NOTIFICATIONS = PathSet.of("/api/v1/notifications", "/api/v1/notifications/**");
    /** The original service's root, a JSON description of the service (the web UI's dashboard for browsers). */
    public static final PathSet ROOT = PathSet.of("/");

    private Paths() {
    }

    public static boolean isLegacy(HttpServletRequest request) {
        return LEGACY.matches(request);
    }
}
