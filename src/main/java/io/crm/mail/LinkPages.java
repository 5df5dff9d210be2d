package io.crm.mail;

import java.util.Optional;

import io.crm.record.RecordException;
import io.crm.security.UserService;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The pages an emailed link opens (open to anyone: the link is the proof): {@code /signup} after an invitation.
 * The person chooses a password; the link is used up in the same write that checks it, then they sign in with it
 * (through the sign-in form, so two-factor sign-in and its set-up apply as to everyone).
 */
@Controller
public class LinkPages {

    private final EmailLinks links;
    private final UserService users;

    public LinkPages(EmailLinks links, UserService users) {
        this.links = links;
        this.users = users;
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
