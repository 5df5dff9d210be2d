package io.crm.web;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.crm.record.RecordException;
import io.crm.security.CurrentUser;
import io.crm.security.LoginThrottle;
import io.crm.security.MfaService;
import io.crm.security.MfaSignIn;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * Two-factor sign-in in the web UI: the sign-in's second step ({@code /login/otp}, and {@code /login/otp/setup} for
 * a role that must enrol), and turning it on or off under the account ({@code /account/mfa}). The secret being set
 * up waits in the session (shared by the replicas) until the user confirms it with a first code.
 */
@Controller
public class MfaPages {

    /** The secret shown on the account's setup page, not yet confirmed. */
    private static final String ENROLLING = MfaPages.class.getName() + ".SECRET";

    private final MfaService mfa;
    private final MfaSignIn signIn;
    private final LoginThrottle throttle;

    public MfaPages(MfaService mfa, MfaSignIn signIn, LoginThrottle throttle) {
        this.mfa = mfa;
        this.signIn = signIn;
        this.throttle = throttle;
    }

    @GetMapping(MfaSignIn.VERIFY_PAGE)
    public String codeForm(HttpServletRequest request, Model model) {
        MfaSignIn.Pending pending = signIn.pending(request);
        if (pending == null) {
            // no password step in this session (or too long ago): the page says so, with a link to sign in
            model.addAttribute("expired", true);
            return "login-otp";
        }
        return pending.enrol() ? "redirect:" + MfaSignIn.SETUP_PAGE : "login-otp";
    }

    @PostMapping(MfaSignIn.VERIFY_PAGE)
    public String code(@RequestParam(defaultValue = "") String code, HttpServletRequest request,
                       HttpServletResponse response, Model model) throws IOException, ServletException {
        if (signIn.pending(request) == null) {
            return "redirect:/login?expired";
        }
        if (signIn.verify(request, response, code)) {
            signIn.proceed(request, response);
            return null;
        }
        response.setStatus(401);
        model.addAttribute("error", "That code is wrong, expired or already used.");
        return "login-otp";
    }

    @GetMapping(MfaSignIn.SETUP_PAGE)
    public String signInSetupForm(HttpServletRequest request, Model model) {
        MfaSignIn.Pending pending = signIn.pending(request);
        if (pending == null) {
            model.addAttribute("expired", true);
            return "login-otp";
        }
        if (!pending.enrol()) {
            return "redirect:" + MfaSignIn.VERIFY_PAGE;
        }
        return setup(model, pending.email(), pending.secret(), MfaSignIn.SETUP_PAGE, true, Map.of());
    }

    @PostMapping(MfaSignIn.SETUP_PAGE)
    public String signInSetup(@RequestParam(defaultValue = "") String code, HttpServletRequest request,
                              HttpServletResponse response, Model model) {
        MfaSignIn.Pending pending = signIn.pending(request);
        if (pending == null || !pending.enrol()) {
            return "redirect:/login?expired";
        }
        try {
            return codes(model, signIn.enrol(request, response, code), true);
        } catch (RecordException.Invalid invalid) {
            response.setStatus(400);
            return setup(model, pending.email(), pending.secret(), MfaSignIn.SETUP_PAGE, true, Forms.errors(invalid));
        }
    }

    @GetMapping("/account/mfa")
    public String status(Model model) {
        String id = CurrentUser.get().id();
        model.addAttribute("enabled", mfa.enabled(id));
        model.addAttribute("recoveryLeft", mfa.recoveryCodesLeft(id));
        model.addAttribute("required", mfa.requiredFor(CurrentUser.get().role()));
        model.addAttribute("errors", model.containsAttribute("errors") ? model.getAttribute("errors") : Map.of());
        return "account/mfa";
    }

    @PostMapping("/account/mfa/setup")
    public String startSetup(HttpSession session) {
        session.setAttribute(ENROLLING, mfa.newSecret());
        return "redirect:/account/mfa/setup";
    }

    @GetMapping("/account/mfa/setup")
    public String setupForm(HttpSession session, Model model) {
        if (!(session.getAttribute(ENROLLING) instanceof String secret) || mfa.enabled(CurrentUser.get().id())) {
            return "redirect:/account/mfa";
        }
        return setup(model, CurrentUser.get().email(), secret, "/account/mfa/confirm", false, Map.of());
    }

    @PostMapping("/account/mfa/confirm")
    public String confirm(@RequestParam(defaultValue = "") String code, HttpSession session,
                          HttpServletResponse response, Model model) {
        if (!(session.getAttribute(ENROLLING) instanceof String secret)) {
            return "redirect:/account/mfa";
        }
        try {
            List<String> codes = mfa.enable(CurrentUser.get().id(), secret, code);
            session.removeAttribute(ENROLLING);
            return codes(model, codes, false);
        } catch (RecordException.Invalid invalid) {
            response.setStatus(400);
            return setup(model, CurrentUser.get().email(), secret, "/account/mfa/confirm", false,
                    Forms.errors(invalid));
        } catch (RecordException.Conflict already) {
            session.removeAttribute(ENROLLING);
            return "redirect:/account/mfa";
        }
    }

    /** Wrong codes here count as failed sign-ins too: a stolen session must not guess its way to turning it off. */
    @PostMapping("/account/mfa/disable")
    public String disable(@RequestParam(defaultValue = "") String code, HttpServletRequest request,
                          RedirectAttributes redirect) {
        LoginThrottle.Attempt attempt = throttle.begin(CurrentUser.get().email().toLowerCase(Locale.ROOT),
                request.getRemoteAddr());
        if (attempt.refused()) {
            redirect.addFlashAttribute("error", "Too many wrong codes; retry in "
                    + Math.max(1, attempt.retryAfter().toSeconds()) + " s");
            return "redirect:/account/mfa";
        }
        try {
            mfa.disable(CurrentUser.get().id(), code);
            throttle.succeeded(attempt);
            redirect.addFlashAttribute("notice", "Two-factor sign-in is off.");
        } catch (RecordException.Invalid invalid) {
            throttle.failed(attempt);
            redirect.addFlashAttribute("errors", Forms.errors(invalid));
        }
        return "redirect:/account/mfa";
    }

    private String setup(Model model, String email, String secret, String action, boolean signingIn,
                         Map<String, String> errors) {
        String uri = mfa.uri(email, secret);
        model.addAttribute("qr", QrCodes.svgDataUri(uri));
        model.addAttribute("uri", uri);
        model.addAttribute("secret", secret.replaceAll("(.{4})(?!$)", "$1 "));
        model.addAttribute("action", action);
        model.addAttribute("signingIn", signingIn);
        model.addAttribute("errors", errors);
        return "account/mfa-setup";
    }

    private String codes(Model model, List<String> codes, boolean signingIn) {
        model.addAttribute("codes", codes);
        model.addAttribute("signingIn", signingIn);
        return "account/mfa-codes";
    }
}
