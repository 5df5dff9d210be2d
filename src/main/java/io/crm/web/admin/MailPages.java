package io.crm.web.admin;

import io.crm.mail.MailOutbox;
import io.crm.record.RecordException;
import io.crm.security.Access;

import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * Outgoing mail for admins (ADMIN only): whether mail is on, and the messages that failed (refused by the mail
 * server, or out of attempts) or wait for another attempt, with their last error and a button to send one again.
 */
@Controller
@PreAuthorize(Access.ADMIN)
public class MailPages {

    private static final int SHOWN = 200;

    private final MailOutbox outbox;

    public MailPages(MailOutbox outbox) {
        this.outbox = outbox;
    }

    @GetMapping("/admin/mail")
    public String mail(Model model) {
        model.addAttribute("mailEnabled", outbox.enabled());
        model.addAttribute("messages", outbox.problems(SHOWN).stream().map(MailOutbox::toJson).toList());
        return "admin/mail";
    }

    @PostMapping("/admin/mail/{id}/retry")
    public String retry(@PathVariable String id, RedirectAttributes redirect) {
        try {
            outbox.retry(id);
            redirect.addFlashAttribute("notice", "The message is being sent again.");
        } catch (RecordException.NotFound | RecordException.Conflict e) {
            redirect.addFlashAttribute("error", e.getMessage());
        }
        return "redirect:/admin/mail";
    }
}
