package io.crm.web;

import java.util.LinkedHashMap;
import java.util.Map;

import io.crm.record.RecordException;
import io.crm.security.CurrentUser;
import io.crm.security.UserService;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;

import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The signed-in user's own password: required after signing in with a one-time password, open to everyone
 * otherwise. A change ends the user's sessions everywhere, so they sign in again with the new password.
 */
@Controller
public class AccountPages {

    private final UserService users;

    public AccountPages(UserService users) {
        this.users = users;
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
