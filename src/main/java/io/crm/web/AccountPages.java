package io.crm.web;

import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.crm.record.RecordException;
import io.crm.security.CurrentUser;
import io.crm.security.UserService;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;

import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The signed-in user's own account. The password: required after signing in with a one-time password, open to
 * everyone otherwise; a change ends the user's sessions everywhere, so they sign in again with the new password.
 * The settings: the time zone the pages show dates in (empty: the browser's).
 */
@Controller
public class AccountPages {

    /** Every zone the JDK knows, sorted: the choices of the settings page. */
    private static final List<String> ZONES = ZoneId.getAvailableZoneIds().stream().sorted().toList();

    private final UserService users;
    private final UserZones zones;

    public AccountPages(UserService users, UserZones zones) {
        this.users = users;
        this.zones = zones;
    }

    @GetMapping("/account/settings")
    public String settingsForm(Model model) {
        // with authentication off the anonymous admin has no stored user, and so only the browser's zone
        return settings(model, users.timeZone(CurrentUser.get().id()), Map.of());
    }

    @PostMapping("/account/settings")
    public String changeSettings(@RequestParam(defaultValue = "") String timeZone, Model model,
                                 RedirectAttributes redirect, HttpServletResponse response) {
        try {
            users.changeTimeZone(CurrentUser.get().id(), timeZone);
        } catch (RecordException.Invalid invalid) {
            // like the record forms: the page again with the message, as a 400
            response.setStatus(400);
            return settings(model, timeZone, Forms.errors(invalid));
        }
        redirect.addFlashAttribute("notice", "Settings saved.");
        return "redirect:/account/settings";
    }

    private String settings(Model model, String timeZone, Map<String, String> errors) {
        model.addAttribute("zones", ZONES);
        model.addAttribute("timeZone", timeZone == null ? "" : timeZone);
        model.addAttribute("resolved", zones.resolved());
        model.addAttribute("errors", errors);
        return "account/settings";
    }

    @GetMapping("/account/password")
    public String passwordForm(Model model) {
        model.addAttribute("required", CurrentUser.get().passwordChangeRequired());
        return "account/password";
    }

    @PostMapping("/account/password")
    public String changePassword(@RequestParam(defaultValue = "") String currentPassword,
                                 @RequestParam(defaultValue = "") String newPassword,
                                 @RequestParam(defaultValue = "") String confirmPassword,
                                 HttpServletRequest request, Model model) {
        Map<String, String> errors = new LinkedHashMap<>();
        if (!newPassword.equals(confirmPassword)) {
            errors.put("confirmPassword", "does not match the new password");
        } else {
            try {
                users.changeOwnPassword(CurrentUser.get().id(), Map.of("currentPassword", currentPassword,
                        "newPassword", newPassword));
            } catch (RecordException.Invalid invalid) {
                errors.putAll(Forms.errors(invalid));
            }
        }
        if (!errors.isEmpty()) {
            model.addAttribute("required", CurrentUser.get().passwordChangeRequired());
            model.addAttribute("errors", errors);
            return "account/password";
        }
        HttpSession session = request.getSession(false);
        if (session != null) {
            session.invalidate();
        }
        SecurityContextHolder.clearContext();
        return "redirect:/login?changed";
    }
}
