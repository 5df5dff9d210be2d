package io.crm.security;

import java.util.List;

import io.crm.platform.web.PathSet;
import io.crm.platform.web.Paths;
import io.crm.security.sso.SingleSignOn;
import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.actuate.autoconfigure.web.server.ManagementPortType;
import org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.authorization.AuthenticatedAuthorizationManager;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.authorization.AuthorizationManagers;
import org.springframework.security.config.annotation.method.configuration.EnableMethodSecurity;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AuthorizeHttpRequestsConfigurer;
import org.springframework.security.config.annotation.web.configurers.HeadersConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.core.session.SessionRegistry;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthentication;
import org.springframework.security.oauth2.server.resource.authentication.OpaqueTokenAuthenticationProvider;
import org.springframework.security.oauth2.server.resource.introspection.OpaqueTokenIntrospector;
import org.springframework.security.oauth2.server.resource.web.authentication.BearerTokenAuthenticationConverter;
import org.springframework.security.oauth2.server.resource.web.authentication.BearerTokenAuthenticationFilter;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.authentication.UsernamePasswordAuthenticationFilter;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;
import org.springframework.security.web.context.DelegatingSecurityContextRepository;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter;
import org.springframework.security.web.session.ConcurrentSessionFilter;
import org.springframework.security.web.session.SessionInformationExpiredEvent;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.web.context.WebApplicationContext;
import org.springframework.web.context.support.WebApplicationContextUtils;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.UrlBasedCorsConfigurationSource;
import org.springframework.web.servlet.mvc.condition.ProducesRequestCondition;

/**
 * Who may reach what (docs/security.md), as three filter chains:
 * <ol>
 * <li>{@code /api/v1/auth/**}, where API tokens are made: HTTP Basic (email:password), a browser session or a Bearer
 * token, with sign-in attempts rate limited;</li>
 * <li>the APIs ({@code /api/**}, the legacy {@code /person} paths, the OpenAPI docs): Bearer tokens or a browser
 * session, roles checked per method;</li>
 * <li>everything else: the web UI with form login, sessions and CSRF; health, readiness, login and static assets are
 * public, and so is the separate management server (metrics), which is not exposed publicly.</li>
 * </ol>
 * With {@code crm.security.enabled=false} one chain lets everything through as an anonymous admin.
 */
@Configuration(proxyBeanMethods = false)
@EnableMethodSecurity
public class WebSecurity {

    private static final Logger log = LoggerFactory.getLogger(WebSecurity.class);

    /** Who requests act as while authentication is off. */
    static final CrmUser AUTH_DISABLED_USER = new CrmUser("anonymous", "anonymous@localhost",
            "anonymous (authentication disabled)", Role.ADMIN, true, null);
    /** Only our own scripts, styles and images; no inline script, no framing. */
    public static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
            + "form-action 'self'; frame-ancestors 'none'";

    /**
     * The policy, with the single sign-on provider's origin (if any) allowed as a form target: signing out is a form
     * post that redirects to the provider's logout endpoint, and form-action also governs where a form's redirects go.
     */
    static String contentSecurityPolicy(String providerOrigin) {
        return providerOrigin == null ? CONTENT_SECURITY_POLICY
                : CONTENT_SECURITY_POLICY.replace("form-action 'self'", "form-action 'self' " + providerOrigin);
    }

    /**
     * The record searches ({@code POST /api/v1/<type>/search}) and the exports of a search
     * ({@code POST /api/v1/<type>/export}): reads, allowed with the read scope.
     */
    private static final PathSet SEARCHES = PathSet.of("/api/v1/contacts/search", "/api/v1/companies/search",
            "/api/v1/deals/search", "/api/v1/activities/search", "/api/v1/contacts/export",
            "/api/v1/companies/export", "/api/v1/deals/export", "/api/v1/activities/export");
    /** What only a password or a browser session may change: API tokens and the password itself. */
    private static final PathSet CREDENTIALS = PathSet.of("/api/v1/auth/tokens", "/api/v1/auth/password",
            "/account/password", "/account/mfa", "/account/mfa/**");
    /** Signed in, and not with an API token. */
    private static final AuthorizationManager<RequestAuthorizationContext> CREDENTIALS_ONLY = AuthorizationManagers
            .allOf(AuthenticatedAuthorizationManager.authenticated(), (authentication, context) ->
                    new AuthorizationDecision(!(authentication.get() instanceof BearerTokenAuthentication)));

    private final SecurityProperties properties;
    private final SecurityErrors errors = new SecurityErrors();

    private final SessionRegistry sessions;
    private final LoginThrottle loginThrottle;
    private final SingleSignOn sso;

    public WebSecurity(SecurityProperties properties, SessionRegistry sessions, LoginThrottle loginThrottle,
                       SingleSignOn sso) {
        this.properties = properties;
        this.sessions = sessions;
        this.loginThrottle = loginThrottle;
        this.sso = sso;
    }

    @Bean
    @Order(1)
    SecurityFilterChain tokenChain(HttpSecurity http, OpaqueTokenIntrospector tokens, MfaService mfa)
            throws Exception {
        if (!properties.enabled()) {
            return openChain(http.securityMatcher(Paths.TOKENS::matches));
        }
        stateless(common(http.securityMatcher(Paths.TOKENS::matches)))
                .httpBasic(basic -> basic.authenticationEntryPoint(errors))
                .oauth2ResourceServer(rs -> rs.opaqueToken(o -> o.introspector(tokens)).bearerTokenResolver(BEARER)
                        .authenticationEntryPoint(errors).accessDeniedHandler(errors))
                .addFilterBefore(new LoginRateLimitFilter(loginThrottle), BasicAuthenticationFilter.class)
                // a user with two-factor sign-in also sends a code (X-CRM-OTP)
                .addFilterAfter(new MfaBasicGate(mfa), BasicAuthenticationFilter.class)
                .addFilterAfter(new PasswordChangeGate(), AuthorizationFilter.class)
                // credentials are made with credentials: a token may not mint another or change the password
                .authorizeHttpRequests(auth -> auth
                        .requestMatchers(WebSecurity::changesCredentials).access(CREDENTIALS_ONLY)
                        // everyone's tokens are the admin surface (TokenController checks again)
                        .requestMatchers(WebSecurity::listsEveryonesTokens)
                        .access(ScopeRules.require(Role.ADMIN, Scope.ADMIN))
                        // a token's scopes: reading needs read, anything else (revoking, signing out) write
                        .requestMatchers(WebSecurity::isSafe).access(ScopeRules.require(Scope.READ))
                        .anyRequest().access(ScopeRules.require(Scope.WRITE)));
        return http.build();
    }

    @Bean
    @Order(2)
    SecurityFilterChain apiChain(HttpSecurity http, OpaqueTokenIntrospector tokens) throws Exception {
        RequestMatcher api = Paths.API::matches;
        if (!properties.enabled()) {
            return openChain(http.securityMatcher(api));
        }
        lean(common(http.securityMatcher(api)))
                .addFilter(bearerTokens(tokens))
                .addFilterAfter(new PasswordChangeGate(), AuthorizationFilter.class)
                .authorizeHttpRequests(auth -> auth
                        .requestMatchers(WebSecurity::isServiceDescription).permitAll()
                        // each role with the token scope of its level (ScopeRules: both must allow)
                        .requestMatchers(Paths.ADMIN_API::matches).access(ScopeRules.require(Role.ADMIN, Scope.ADMIN))
                        .requestMatchers(request -> !isSafe(request) && Paths.ADMIN_WRITES.matches(request))
                        .access(ScopeRules.require(Role.ADMIN, Scope.ADMIN))
                        // the legacy API's deletes are permanent
                        .requestMatchers(request -> HttpMethod.DELETE.matches(request.getMethod())
                                && Paths.LEGACY.matches(request)).access(ScopeRules.require(Role.ADMIN, Scope.ADMIN))
                        // a viewer marks their own notifications read (a token: with the write scope)
                        .requestMatchers(request -> !isSafe(request) && Paths.NOTIFICATIONS.matches(request))
                        .access(ScopeRules.require(Role.VIEWER, Scope.WRITE))
                        // a viewer keeps private saved views (a token: with the write scope)
                        .requestMatchers(request -> !isSafe(request) && Paths.VIEWS.matches(request))
                        .access(ScopeRules.require(Role.VIEWER, Scope.WRITE))
                        // a search is a read sent as a POST (its body is the query): like a list
                        .requestMatchers(request -> HttpMethod.POST.matches(request.getMethod())
                                && SEARCHES.matches(request)).access(ScopeRules.require(Role.VIEWER, Scope.READ))
                        .requestMatchers(HttpMethod.GET).access(ScopeRules.require(Role.VIEWER, Scope.READ))
                        .requestMatchers(HttpMethod.HEAD).access(ScopeRules.require(Role.VIEWER, Scope.READ))
                        .anyRequest().access(ScopeRules.require(Role.MEMBER, Scope.WRITE)));
        return http.build();
    }

    @Bean
    @Order(3)
    SecurityFilterChain webChain(HttpSecurity http, Environment environment, OpaqueTokenIntrospector tokens,
                                 MfaSignIn mfaSignIn) throws Exception {
        if (!properties.enabled()) {
            log.warn("""

                    ************************************************************************
                    *  AUTHENTICATION IS DISABLED (CRM_AUTH_ENABLED=false).                *
                    *  Anyone who can reach this service can read and change all data.     *
                    *  Use this for local experiments only, never with real data.          *
                    ************************************************************************""");
            return openChain(http);
        }
        RequestMatcher managementServer = WebSecurity::onManagementServer;
        boolean separateManagementPort = ManagementPortType.get(environment) == ManagementPortType.DIFFERENT;
        sso.configure(common(http))
                // sessions start here (form login, single sign-on) and are registered, so disabling a user can end all
                // of theirs
                .sessionManagement(session -> session.sessionFixation(f -> f.changeSessionId())
                        .maximumSessions(-1).sessionRegistry(sessions).expiredSessionStrategy(this::sessionEnded))
                .oauth2ResourceServer(rs -> rs.opaqueToken(o -> o.introspector(tokens))
                        .bearerTokenResolver(WebSecurity::bearerTokenOutsidePublicPaths)
                        .authenticationEntryPoint(errors).accessDeniedHandler(errors))
                // a user with two-factor sign-in is signed in only after the second step (MfaSignIn)
                .formLogin(form -> form.loginPage("/login").successHandler(mfaSignIn).permitAll())
                // signing out of a single sign-on signs out at the provider too (RP-initiated logout)
                .logout(logout -> logout.logoutUrl("/logout").logoutSuccessHandler(sso.logoutSuccess()).permitAll())
                .addFilterBefore(new LoginRateLimitFilter(loginThrottle),
                        UsernamePasswordAuthenticationFilter.class)
                .addFilterAfter(new PasswordChangeGate(), AuthorizationFilter.class)
                // an explicit entry point (common() already set one, which would win over "default" ones): the
                // sign-in page for browsers, a 401 for everything else
                .exceptionHandling(ex -> ex
                        .authenticationEntryPoint(browserOrErrors(new LoginUrlAuthenticationEntryPoint("/login")))
                        .accessDeniedHandler(errors))
                .authorizeHttpRequests(auth -> {
                    auth.requestMatchers(Paths.PUBLIC::matches).permitAll();
                    // the sign-in's second step: it acts only on the session's pending state (MfaSignIn)
                    auth.requestMatchers(MfaSignIn.PAGES::matches).permitAll();
                    // the original service's root: a JSON description of the service, no data; a browser asking
                    // for HTML there gets the web UI's dashboard, which needs sign-in
                    auth.requestMatchers(WebSecurity::isServiceDescription).permitAll();
                    auth.requestMatchers(EndpointRequest.to("health")).permitAll();
                    if (separateManagementPort) {
                        // metrics and the actuator on their own port, which Services and Ingress do not expose
                        auth.requestMatchers(managementServer).permitAll();
                    } else if (properties.publicMetrics()) {
                        auth.requestMatchers(EndpointRequest.toAnyEndpoint()).permitAll();
                    } else {
                        auth.requestMatchers(EndpointRequest.toAnyEndpoint())
                                .access(ScopeRules.require(Role.ADMIN, Scope.ADMIN));
                    }
                    // web UI: admin pages for admins; every UI write (form post, htmx, drag and drop) needs MEMBER,
                    // so a viewer's forged request is refused whatever the page showed
                    auth.requestMatchers(Paths.UI_ADMIN::matches).access(ScopeRules.require(Role.ADMIN, Scope.ADMIN));
                    // except one's own account (the password): every role has one
                    auth.requestMatchers(WebSecurity::changesCredentials).access(CREDENTIALS_ONLY);
                    auth.requestMatchers(request -> isWrite(request) && Paths.ACCOUNT.matches(request))
                            .access(ScopeRules.require(Scope.WRITE));
                    auth.requestMatchers(Paths.ACCOUNT::matches).access(ScopeRules.require(Scope.READ));
                    // saved views are a user's own settings: a viewer keeps private ones (SavedViews decides sharing)
                    auth.requestMatchers(request -> isWrite(request) && Paths.UI_VIEWS.matches(request))
                            .access(ScopeRules.require(Role.VIEWER, Scope.WRITE));
                    auth.requestMatchers(WebSecurity::isWrite).access(ScopeRules.require(Role.MEMBER, Scope.WRITE));
                    // a token (they work on the web UI's paths too) reads with read
                    auth.anyRequest().access(ScopeRules.require(Scope.READ));
                });
        return http.build();
    }

    /**
     * The token chain: a request with a token (or Basic credentials) gets no session, since a session per API call
     * costs memory and CPU for nothing; one that comes with a browser session is still served, and turned away once
     * that session was ended (a disabled user). The API chain does the same more cheaply ({@link #lean}).
     */
    private HttpSecurity stateless(HttpSecurity http) {
        return http.sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.NEVER))
                .addFilter(new ConcurrentSessionFilter(sessions, this::sessionEnded));
    }

    /**
     * The API chain carries only what an API request needs (ApiFilterChainTest pins the list): a Bearer token or the
     * browser's session, CSRF for a session's writes, CORS, headers, errors, authorization. Left out, since nothing on
     * an API path uses them: the request cache (a 401 is not replayed after a sign-in), the anonymous user (no
     * authentication is no authentication: still a 401), the servlet API wrapper (no controller asks the request for
     * its principal), logout (it lives on the web chain), and session management (sessions start on the web chain,
     * at sign-in). The session is still read, never created; and a session that was ended is still turned away
     * (ConcurrentSessionFilter).
     */
    private HttpSecurity lean(HttpSecurity http) throws Exception {
        HttpSessionSecurityContextRepository sessionContext = new HttpSessionSecurityContextRepository();
        sessionContext.setAllowSessionCreation(false);
        return http.sessionManagement(session -> session.disable())
                .securityContext(context -> context.securityContextRepository(
                        new DelegatingSecurityContextRepository(new RequestAttributeSecurityContextRepository(),
                                sessionContext)))
                .requestCache(cache -> cache.disable())
                .anonymous(anonymous -> anonymous.disable())
                .servletApi(servletApi -> servletApi.disable())
                .logout(logout -> logout.disable())
                .addFilter(new ConcurrentSessionFilter(sessions, this::sessionEnded));
    }

    /**
     * Bearer tokens, as {@code oauth2ResourceServer()} would check them but without what it adds besides (a DPoP
     * proof filter and the protected-resource metadata endpoint, neither of which the API offers). Authentication
     * events are not published: nothing listens for token sign-ins (SignInRecorder skips them).
     */
    private BearerTokenAuthenticationFilter bearerTokens(OpaqueTokenIntrospector tokens) {
        BearerTokenAuthenticationConverter converter = new BearerTokenAuthenticationConverter();
        converter.setBearerTokenResolver(BEARER);
        BearerTokenAuthenticationFilter filter = new BearerTokenAuthenticationFilter(
                new ProviderManager(new OpaqueTokenAuthenticationProvider(tokens)), converter);
        filter.setAuthenticationEntryPoint(errors);
        return filter;
    }

    /**
     * No observation of each security filter (a timer per filter per request): the filter chain stays undecorated.
     * http.server.requests still times every request as a whole.
     */
    @Bean
    static SecurityObservationSettings securityObservationSettings() {
        return SecurityObservationSettings.noObservations();
    }

    private void sessionEnded(SessionInformationExpiredEvent event) throws java.io.IOException {
        if (wantsHtml(event.getRequest())) {
            event.getResponse().sendRedirect(event.getRequest().getContextPath() + "/login?expired");
        } else {
            errors.commence(event.getRequest(), event.getResponse(),
                    new org.springframework.security.authentication.CredentialsExpiredException("session ended"));
        }
    }

    /** Headers, CORS, CSRF and errors every authenticated chain shares. */
    private HttpSecurity common(HttpSecurity http) throws Exception {
        return headers(http)
                .cors(cors -> cors.configurationSource(corsSource()))
                // Bearer and Basic requests carry their credentials explicitly, so they cannot be forged
                // cross-site; a request riding on a session cookie must carry the CSRF token.
                .csrf(csrf -> csrf.requireCsrfProtectionMatcher(WebSecurity::needsCsrf))
                .exceptionHandling(ex -> ex.authenticationEntryPoint(errors).accessDeniedHandler(errors));
    }

    private HttpSecurity headers(HttpSecurity http) throws Exception {
        return http.headers(headers -> headers
                .contentSecurityPolicy(csp -> csp.policyDirectives(contentSecurityPolicy(sso.providerOrigin())))
                .referrerPolicy(r -> r.policy(ReferrerPolicyHeaderWriter.ReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN))
                .frameOptions(HeadersConfigurer.FrameOptionsConfig::deny));
    }

    /** Everything allowed, as the anonymous admin: CRM_AUTH_ENABLED=false. */
    private SecurityFilterChain openChain(HttpSecurity http) throws Exception {
        headers(http)
                .csrf(csrf -> csrf.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .anonymous(a -> a.principal(AUTH_DISABLED_USER).authorities(Role.ADMIN.authority()))
                .authorizeHttpRequests(auth -> auth.anyRequest().permitAll());
        return http.build();
    }

    private UrlBasedCorsConfigurationSource corsSource() {
        UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();
        List<String> origins = properties.allowedOrigins();
        if (!origins.isEmpty()) {
            CorsConfiguration cors = new CorsConfiguration();
            cors.setAllowedOrigins(origins);
            cors.setAllowedMethods(List.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"));
            cors.setAllowedHeaders(List.of(HttpHeaders.AUTHORIZATION, HttpHeaders.CONTENT_TYPE, HttpHeaders.IF_MATCH,
                    "X-Correlation-ID"));
            cors.setExposedHeaders(List.of(HttpHeaders.ETAG, HttpHeaders.LOCATION, "X-Correlation-ID"));
            cors.setAllowCredentials(false);
            source.registerCorsConfiguration("/**", cors);
        }
        return source;
    }

    /** How every chain reads a Bearer token. */
    private static final HeaderBearerTokenResolver BEARER = new HeaderBearerTokenResolver();

    /** A stale token sent to a public path (a health check, a stylesheet) is ignored rather than refused. */
    private static String bearerTokenOutsidePublicPaths(HttpServletRequest request) {
        return Paths.PUBLIC.matches(request) || MfaSignIn.PAGES.matches(request) ? null : BEARER.resolve(request);
    }

    /**
     * The original service's root ({@code /}, and {@code /api}): a JSON description of the service, open to anyone.
     * {@code /} also serves the web UI's dashboard, to whoever signed in: which of the two a request reaches is decided
     * here by MVC's own content negotiation, so an anonymous request can never reach the dashboard.
     */
    static boolean isServiceDescription(HttpServletRequest request) {
        String method = request.getMethod();
        if (!(method.equals("GET") || method.equals("HEAD"))) {
            return false;
        }
        if (API_ROOT.matches(request)) {
            return true;
        }
        return Paths.ROOT.matches(request) && !servedAsHtml(request);
    }

    private static final PathSet API_ROOT = PathSet.of("/api");
    private static final ProducesRequestCondition HTML = new ProducesRequestCondition(MediaType.TEXT_HTML_VALUE);
    private static final ProducesRequestCondition JSON = new ProducesRequestCondition();

    /** Whether MVC would pick a {@code text/html} handler over one that produces anything, for this Accept header. */
    static boolean servedAsHtml(HttpServletRequest request) {
        try {
            ProducesRequestCondition html = HTML.getMatchingCondition(request);
            return html != null && html.compareTo(JSON.getMatchingCondition(request), request) < 0;
        } finally {
            ProducesRequestCondition.clearMediaTypesAttribute(request);
        }
    }

    private static final PathSet TOKEN_LIST = PathSet.of("/api/v1/auth/tokens");

    /** {@code GET /api/v1/auth/tokens?all=true}: any value the handler's boolean would not read as false. */
    static boolean listsEveryonesTokens(HttpServletRequest request) {
        String all = request.getParameter("all");
        return isSafe(request) && TOKEN_LIST.matches(request) && all != null
                && !List.of("false", "off", "no", "0", "").contains(all.strip().toLowerCase(java.util.Locale.ROOT));
    }

    /** Creates a token or sets a password: credentials are made with credentials, never with a token. */
    static boolean changesCredentials(HttpServletRequest request) {
        return isWrite(request) && CREDENTIALS.matches(request);
    }

    static boolean needsCsrf(HttpServletRequest request) {
        if (!isWrite(request) || request.getHeader(HttpHeaders.AUTHORIZATION) != null) {
            return false;
        }
        // no cookie, no ambient credentials: nothing a forged request could ride on (it gets 401 instead)
        return request.getHeader(HttpHeaders.COOKIE) != null || Paths.LOGIN.matches(request);
    }

    private AuthenticationEntryPoint browserOrErrors(AuthenticationEntryPoint login) {
        return (request, response, e) -> {
            if (wantsHtml(request)) {
                login.commence(request, response, e);
            } else {
                errors.commence(request, response, e);
            }
        };
    }

    static boolean isSafe(HttpServletRequest request) {
        return !isWrite(request);
    }

    static boolean isWrite(HttpServletRequest request) {
        String method = request.getMethod();
        return !(method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS") || method.equals("TRACE"));
    }

    static boolean wantsHtml(HttpServletRequest request) {
        String accept = request.getHeader(HttpHeaders.ACCEPT);
        return accept != null && accept.contains("text/html");
    }

    private static boolean onManagementServer(HttpServletRequest request) {
        WebApplicationContext context = WebApplicationContextUtils.getWebApplicationContext(
                request.getServletContext());
        return context instanceof org.springframework.boot.web.server.context.WebServerApplicationContext server
                && WebServerApplicationContext.hasServerNamespace(server, "management");
    }
}
