package io.crm.web.admin;

import io.crm.record.RecordException;
import io.crm.security.MfaService;

import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** The users page's "Reset two-factor" button (a lost phone): audited as {@code mfa: reset} on the user. */
@Controller
public class MfaAdminPages {

    private final MfaService mfa;

    public MfaAdminPages(MfaService mfa) {
        this.mfa = mfa;
    }

    @PostMapping("/admin/users/{id}/mfa/reset")
    public String reset(@PathVariable String id, RedirectAttributes redirect) {
        try {
            mfa.reset(id);
            redirect.addFlashAttribute("notice", "Two-factor sign-in reset: the user signs in with the password "
                    + "alone (or sets it up again, if their role requires it).");
        } catch (RecordException.NotFound | RecordException.StaleVersion e) {
            redirect.addFlashAttribute("error", e.getMessage());
        }
        return "redirect:/admin/users";
    }
}
