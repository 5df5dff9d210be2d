package io.crm.web.admin;

import java.util.LinkedHashMap;
import java.util.Map;

import io.crm.record.RecordException;
import io.crm.security.Access;
import io.crm.web.Forms;
import io.crm.webhook.WebhookSubscriptions;

import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * Webhook subscriptions for admins (ADMIN only, by the request rules on /admin/** and by method security): their
 * delivery health (last success, failing since, the latest failures, why the service disabled one), and create
 * (the signing secret is shown on the next page only), pause, resume and delete.
 */
@Controller
@PreAuthorize(Access.ADMIN)
public class WebhookPages {

    private final WebhookSubscriptions subscriptions;

    public WebhookPages(WebhookSubscriptions subscriptions) {
        this.subscriptions = subscriptions;
    }

    @GetMapping("/admin/webhooks")
    public String webhooks(Model model) {
        model.addAttribute("subscriptions", subscriptions.list().stream().map(WebhookSubscriptions::toJson).toList());
        return "admin/webhooks";
    }

    @PostMapping("/admin/webhooks")
    public String create(@RequestParam(defaultValue = "") String url, @RequestParam(defaultValue = "") String events,
                         @RequestParam(defaultValue = "") String description, RedirectAttributes redirect) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("url", url.strip());
        body.put("events", Forms.tags(events));
        if (!description.isBlank()) {
            body.put("description", description.strip());
        }
        try {
            WebhookSubscriptions.Created created = subscriptions.create(body);
            redirect.addFlashAttribute("created", Map.of("url", created.subscription().getString("url"),
                    "secret", created.secret()));
        } catch (RecordException.Invalid invalid) {
            redirect.addFlashAttribute("error", String.join("; ", Forms.errors(invalid).entrySet().stream()
                    .map(e -> e.getKey() + " " + e.getValue()).toList()));
            redirect.addFlashAttribute("values", Map.of("url", url, "events", events, "description", description));
        } catch (RecordException.Conflict conflict) {
            redirect.addFlashAttribute("error", conflict.getMessage());
        }
        return "redirect:/admin/webhooks";
    }

    /** Pause, or resume (which also re-enables a subscription the service disabled). */
    @PostMapping("/admin/webhooks/{id}/paused")
    public String paused(@PathVariable String id, @RequestParam boolean paused, RedirectAttributes redirect) {
        subscriptions.update(id, Map.of("paused", paused));
        redirect.addFlashAttribute("notice", paused ? "Webhook paused: events queue up until it is resumed."
                : "Webhook resumed.");
        return "redirect:/admin/webhooks";
    }

    @PostMapping("/admin/webhooks/{id}/delete")
    public String delete(@PathVariable String id, RedirectAttributes redirect) {
        subscriptions.delete(id);
        redirect.addFlashAttribute("notice", "Webhook deleted.");
        return "redirect:/admin/webhooks";
    }
}
