package io.crm.mail;

import java.util.Map;

import io.crm.security.CurrentUser;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.http.MediaType;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;

/**
 * The signed-in user's own mail settings over the API ({@code /api/v1/mail-preferences}) and on the account page
 * ({@code /account/mail}), and the digest's
 * unsubscribe link ({@code /mail/unsubscribe}, open to anyone: the token is the proof, and it can only turn the
 * digest off).
 */
@Controller
@Tag(name = "mail")
public class MailPreferencePages {

    private final MailPreferences preferences;
    private final boolean mailEnabled;

    public MailPreferencePages(MailPreferences preferences, MailOutbox outbox) {
        this.preferences = preferences;
        this.mailEnabled = outbox.enabled();
    }

    @GetMapping("/api/v1/mail-preferences")
    @ResponseBody
    @Operation(summary = "Your mail settings: reminderLead (due, 15m, 1h, 1d before a task is due) and digest")
    public Map<String, Object> get() {
        return MailPreferences.toJson(preferences.get(CurrentUser.get().id()));
    }

    @PatchMapping(path = "/api/v1/mail-preferences", consumes = {"application/merge-patch+json",
            MediaType.APPLICATION_JSON_VALUE})
    @ResponseBody
    @Operation(summary = "Change your mail settings {reminderLead, digest}")
    public Map<String, Object> update(@RequestBody Map<String, Object> body) {
        return MailPreferences.toJson(preferences.update(CurrentUser.get().id(), body));
    }

    @GetMapping("/account/mail")
    public String accountForm(Model model) {
        return account(model, preferences.get(CurrentUser.get().id()));
    }

    @PostMapping("/account/mail")
    public String accountChange(@RequestParam(defaultValue = "") String reminderLead,
                                @RequestParam(defaultValue = "false") boolean digest, Model model,
                                org.springframework.web.servlet.mvc.support.RedirectAttributes redirect,
                                jakarta.servlet.http.HttpServletResponse response) {
        try {
            preferences.update(CurrentUser.get().id(), Map.of("reminderLead", reminderLead, "digest", digest));
        } catch (io.crm.record.RecordException.Invalid invalid) {
            response.setStatus(400);
            model.addAttribute("error", "Remind me: must be one of the choices.");
            return account(model, new MailPreferences.Settings(MailPreferences.DEFAULT_LEAD, digest));
        }
        redirect.addFlashAttribute("notice", "Mail settings saved.");
        return "redirect:/account/mail";
    }

    private String account(Model model, MailPreferences.Settings settings) {
        model.addAttribute("settings", settings);
        model.addAttribute("leads", MailPreferences.LEAD_NAMES);
        model.addAttribute("mailEnabled", mailEnabled);
        return "account/mail";
    }

    /** A page with a button, not the change itself: mail scanners that open links must not unsubscribe anyone. */
    @GetMapping("/mail/unsubscribe")
    public String confirm(@RequestParam(required = false) String token, Model model) {
        model.addAttribute("token", token);
        return "unsubscribed";
    }

    @PostMapping("/mail/unsubscribe")
    public String unsubscribe(@RequestParam(defaultValue = "") String token, Model model) {
        model.addAttribute("done", preferences.unsubscribe(token));
        return "unsubscribed";
    }
}
