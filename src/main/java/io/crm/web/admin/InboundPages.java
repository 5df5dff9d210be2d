package io.crm.web.admin;

import io.crm.inbound.InboundStatus;
import io.crm.security.Access;

import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/**
 * Incoming mail for admins: whether the SMTP listener runs, and the IMAP poller's sync state and last error, so a
 * mailbox that stopped syncing is seen (ADMIN only, by the request rules on /admin/** and by method security).
 */
@Controller
@PreAuthorize(Access.ADMIN)
public class InboundPages {

    private final InboundStatus status;

    public InboundPages(InboundStatus status) {
        this.status = status;
    }

    @GetMapping("/admin/inbound")
    public String inbound(Model model) {
        model.addAttribute("status", status.toJson());
        return "admin/inbound";
    }
}
