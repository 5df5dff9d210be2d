package io.crm.security;

import java.io.IOException;
import java.io.Serializable;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.crm.platform.web.PathSet;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import org.bson.Document;

import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.authentication.AuthenticationSuccessHandler;
import org.springframework.security.web.authentication.SavedRequestAwareAuthenticationSuccessHandler;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.security.web.savedrequest.RequestCache;

/**
 * The web sign-in's second step. After a correct password, a user with two-factor sign-in (or of a role that must
 * have it, {@code CRM_MFA_REQUIRED_ROLES}) is <em>not</em> signed in: the session keeps only a {@link Pending} state
 * (in the session, so every replica sees it) and the browser goes to {@code /login/otp} (or {@code /login/otp/setup}
 * to enrol). Only a correct code there stores the authentication in the session. Failing closed: the pending session
 * is anonymous to every rule and chain, so nothing can be reached with the password alone.
 *
 * <p>Spring Security 7.0's multi-factor support ({@code @EnableMultiFactorAuthentication}) requires the factors of
 * every user alike; requiring them only of users who enrolled ({@code when} conditions) arrives in 7.1, hence this
 * small explicit state.
 */
public class MfaSignIn implements AuthenticationSuccessHandler {

    public static final String VERIFY_PAGE = "/login/otp";
    public static final String SETUP_PAGE = "/login/otp/setup";
    /** The second step's pages: open without authentication, they act only on a pending state. */
    public static final PathSet PAGES = PathSet.of(VERIFY_PAGE, SETUP_PAGE);
    static final String PENDING = MfaSignIn.class.getName() + ".PENDING";
    /** Request attribute: the password was right, the second factor is still owed (the throttle counts neither way). */
    static final String FIRST_FACTOR_ONLY = MfaSignIn.class.getName() + ".FIRST_FACTOR_ONLY";
    /** How long after the password the code may be entered. */
    static final Duration PENDING_FOR = Duration.ofMinutes(10);

    /**
     * Password checked; a code (or enrolment with {@code secret}) still owed. Serializable: it lives in the session.
     */
    public record Pending(String userId, String email, boolean enrol, String secret, Instant since)
            implements Serializable {
    }

    private final MfaService mfa;
    private final UserService users;
    private final Clock clock;
    private final SecurityContextRepository contexts = new HttpSessionSecurityContextRepository();
    private final SavedRequestAwareAuthenticationSuccessHandler next =
            new SavedRequestAwareAuthenticationSuccessHandler();

    public MfaSignIn(MfaService mfa, UserService users, Clock clock, RequestCache requestCache) {
        this.mfa = mfa;
        this.users = users;
        this.clock = clock;
        next.setRequestCache(requestCache);
    }

    @Override
    public void onAuthenticationSuccess(HttpServletRequest request, HttpServletResponse response,
                                        Authentication authentication) throws IOException, ServletException {
        if (authentication.getPrincipal() instanceof CrmUser user) {
            Document stored = users.byId(user.id()).orElse(null);
            boolean enrolled = MfaService.enabled(stored);
            if (enrolled || mfa.requiredFor(user.role())) {
                // undo what form login stored: the session is not signed in until the second step
                SecurityContext empty = SecurityContextHolder.createEmptyContext();
                contexts.saveContext(empty, request, response);
                SecurityContextHolder.clearContext();
                request.setAttribute(FIRST_FACTOR_ONLY, Boolean.TRUE);
                request.getSession().setAttribute(PENDING, new Pending(user.id(), user.email(), !enrolled,
                        enrolled ? null : mfa.newSecret(), clock.instant()));
                response.sendRedirect(request.getContextPath() + (enrolled ? VERIFY_PAGE : SETUP_PAGE));
                return;
            }
        }
        next.onAuthenticationSuccess(request, response, authentication);
    }

    /** The pending second step of this browser's session, or null (none, or past {@link #PENDING_FOR}). */
    public Pending pending(HttpServletRequest request) {
        HttpSession session = request.getSession(false);
        if (session == null || !(session.getAttribute(PENDING) instanceof Pending pending)) {
            return null;
        }
        if (pending.since().plus(PENDING_FOR).isBefore(clock.instant())) {
            session.removeAttribute(PENDING);
            return null;
        }
        return pending;
    }

    /** The pending user's code (or recovery code): true and signed in, or false (a wrong, reused or late code). */
    public boolean verify(HttpServletRequest request, HttpServletResponse response, String code) {
        Pending pending = pending(request);
        if (pending == null || pending.enrol() || !mfa.verify(pending.userId(), code)) {
            return false;
        }
        return complete(request, response, pending);
    }

    /**
     * Enrolment during sign-in (a role that must have a second factor): the first code confirms the secret; then
     * signed in. Returns the recovery codes to show once; a wrong code is RecordException.Invalid.
     */
    public List<String> enrol(HttpServletRequest request, HttpServletResponse response, String code) {
        Pending pending = pending(request);
        if (pending == null || !pending.enrol()) {
            throw new io.crm.record.RecordException.Invalid("code", "sign in again: the sign-in has expired");
        }
        List<String> codes = mfa.enable(pending.userId(), pending.secret(), code);
        if (!complete(request, response, pending)) {
            throw new io.crm.record.RecordException.Invalid("code", "sign in again: the account is disabled");
        }
        return codes;
    }

    /** Where the user was going before signing in (the saved request), else the dashboard. */
    public void proceed(HttpServletRequest request, HttpServletResponse response) throws IOException,
            ServletException {
        next.onAuthenticationSuccess(request, response, SecurityContextHolder.getContext().getAuthentication());
    }

    private boolean complete(HttpServletRequest request, HttpServletResponse response, Pending pending) {
        CrmUser user = users.byId(pending.userId()).map(CrmUser::of).orElse(null);
        HttpSession session = request.getSession();
        session.removeAttribute(PENDING);
        if (user == null || !user.isEnabled()) {
            return false;
        }
        user.eraseCredentials();
        // a new session id for the signed-in session, as after the password (session fixation)
        request.changeSessionId();
        SecurityContext context = SecurityContextHolder.createEmptyContext();
        context.setAuthentication(UsernamePasswordAuthenticationToken.authenticated(user, null,
                user.getAuthorities()));
        SecurityContextHolder.setContext(context);
        contexts.saveContext(context, request, response);
        return true;
    }
}
