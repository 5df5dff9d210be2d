package io.crm.mail;

import java.util.Optional;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import io.crm.record.RecordException;
import io.crm.security.LoginThrottle;
import io.crm.security.UserService;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The pages an emailed link opens (open to anyone: the link is the proof): {@code /signup} after an invitation,
 * {@code /reset-password} after "Forgot password?" ({@code /forgot-password}). The person chooses a password; the link
 * is used up in the same write that checks it, then they sign in with it (through the sign-in form, so two-factor
 * sign-in and its set-up apply as to everyone).
 */
@Controller
public class LinkPages {

    private static final Logger log = LoggerFactory.getLogger(LinkPages.class);

    private final EmailLinks links;
    private final UserService users;
    private final PasswordResets resets;
    private final LoginThrottle throttle;
    /**
     * Reset requests run here, off the request: the answer comes as fast whether or not the address exists. One
     * daemon thread and a bounded queue (the throttle bounds the requests; beyond the queue they are dropped).
     */
    private final ExecutorService background = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(1000), task -> {
                Thread thread = new Thread(task, "password-reset-requests");
                thread.setDaemon(true);
                return thread;
            }, (task, pool) -> log.warn("password reset request dropped: too many waiting"));

    public LinkPages(EmailLinks links, UserService users, PasswordResets resets, LoginThrottle throttle) {
        this.links = links;
        this.users = users;
        this.resets = resets;
        this.throttle = throttle;
    }

    @GetMapping("/forgot-password")
    public String forgotForm(Model model) {
        model.addAttribute("mailEnabled", resets.enabled());
        return "forgot-password";
    }

    /**
     * Always the same answer ("if the address is known, a link is on its way"), after the same work: the throttle's
     * count (per address and client, as failed sign-ins: it cannot flood a mailbox) and handing the request to a
     * background thread, which looks the address up and queues the mail if it is a user's.
     */
    @PostMapping("/forgot-password")
    public String forgot(@RequestParam(defaultValue = "") String email, HttpServletRequest request,
                         HttpServletResponse response, Model model) {
        model.addAttribute("mailEnabled", resets.enabled());
        if (!resets.enabled()) {
            return "forgot-password";
        }
        LoginThrottle.Attempt attempt = throttle.begin(email.strip(), request.getRemoteAddr());
        if (attempt.refused()) {
            response.setStatus(HttpStatus.TOO_MANY_REQUESTS.value());
            response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1,
                    attempt.retryAfter().toSeconds())));
            model.addAttribute("throttled", true);
            return "forgot-password";
        }
        throttle.failed(attempt);
        String address = email.strip();
        background.execute(() -> {
            try {
                resets.request(address);
            } catch (RuntimeException e) {
                log.warn("password reset request not queued: {}", e.toString());
            }
        });
        model.addAttribute("sent", true);
        return "forgot-password";
    }

    @GetMapping("/reset-password")
    public String reset(@RequestParam(required = false) String token, Model model) {
        return form(EmailLinks.RESET, token, model);
    }

    @PostMapping("/reset-password")
    public String chooseOnReset(@RequestParam(defaultValue = "") String token,
                                @RequestParam(defaultValue = "") String password,
                                @RequestParam(defaultValue = "") String confirm, Model model) {
        return choose(EmailLinks.RESET, token, password, confirm, model);
    }

    @GetMapping("/signup")
    public String signUp(@RequestParam(required = false) String token, Model model) {
        return form(EmailLinks.INVITATION, token, model);
    }

    @PostMapping("/signup")
    public String chooseOnSignUp(@RequestParam(defaultValue = "") String token,
                                 @RequestParam(defaultValue = "") String password,
                                 @RequestParam(defaultValue = "") String confirm, Model model) {
        return choose(EmailLinks.INVITATION, token, password, confirm, model);
    }

    String form(String purpose, String token, Model model) {
        Optional<String> user = links.valid(token, purpose);
        model.addAttribute("purpose", purpose);
        model.addAttribute("token", token);
        model.addAttribute("valid", user.isPresent());
        user.flatMap(users::byId).ifPresent(u -> model.addAttribute("email", u.getString("email")));
        return "set-password";
    }

    String choose(String purpose, String token, String password, String confirm, Model model) {
        if (!password.equals(confirm)) {
            model.addAttribute("error", "The two passwords differ.");
            return form(purpose, token, model);
        }
        Optional<String> user = links.use(token, purpose);
        if (user.isEmpty()) {
            return form(purpose, token, model);
        }
        try {
            users.setPasswordByLink(user.get(), password);
        } catch (RecordException.Invalid invalid) {
            links.release(token, purpose);
            model.addAttribute("error", "The password " + String.join("; ", invalid.errors().stream()
                    .map(io.crm.record.FieldError::message).toList()) + ".");
            return form(purpose, token, model);
        }
        return "redirect:/login?passwordSet";
    }
}
