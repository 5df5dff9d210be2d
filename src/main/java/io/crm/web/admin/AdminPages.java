package io.crm.web.admin;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.crm.record.RecordException;
import io.crm.security.Access;
import io.crm.security.ApiTokenService;
import io.crm.security.CurrentUser;
import io.crm.security.Role;
import io.crm.security.UserService;
import io.crm.web.Forms;
import jakarta.servlet.http.HttpServletResponse;
import org.bson.Document;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * Administration (ADMIN only, by the request rules on /admin/** and by method security): users (invite with a one-time password, change
 * role, disable) and API tokens (create shows the secret once, revoke). The services keep their rules (the last
 * admin stays, disabling ends sessions and tokens).
 */
@Controller
@PreAuthorize(Access.ADMIN)
public class AdminPages {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int MAX_USERS_SHOWN = 500;

    private final UserService users;
    private final ApiTokenService tokens;

    public AdminPages(UserService users, ApiTokenService tokens) {
        this.users = users;
        this.tokens = tokens;
    }

    @GetMapping("/admin")
    public String admin() {
        return "redirect:/admin/users";
    }

    @GetMapping("/admin/users")
    public String users(Model model) {
        model.addAttribute("users", users.list(MAX_USERS_SHOWN, null).items().stream().map(UserService::toJson)
                .toList());
        model.addAttribute("roles", List.of(Role.values()));
        model.addAttribute("values", model.containsAttribute("values") ? model.getAttribute("values") : Map.of());
        model.addAttribute("errors", model.containsAttribute("errors") ? model.getAttribute("errors") : Map.of());
        return "admin/users";
    }

    /** Invites a user: the account gets a random one-time password, shown to the admin once (to pass on). */
    @PostMapping("/admin/users")
    public String invite(@RequestParam(defaultValue = "") String email,
                         @RequestParam(defaultValue = "") String displayName,
                         @RequestParam(defaultValue = "MEMBER") String role, RedirectAttributes redirect) {
        String password = oneTimePassword();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("email", email.strip());
        body.put("displayName", displayName.strip());
        body.put("role", role);
        body.put("password", password);
        try {
            Document user = users.create(body);
            redirect.addFlashAttribute("invited", Map.of("email", user.getString("email"), "password", password));
        } catch (RecordException.Invalid invalid) {
            redirect.addFlashAttribute("errors", Forms.errors(invalid));
            redirect.addFlashAttribute("values", Map.of("email", email, "displayName", displayName, "role", role));
        } catch (RecordException.Duplicate duplicate) {
            redirect.addFlashAttribute("errors", Map.of("email", duplicate.getMessage()));
            redirect.addFlashAttribute("values", Map.of("email", email, "displayName", displayName, "role", role));
        }
        return "redirect:/admin/users";
    }

    @PostMapping("/admin/users/{id}/role")
    public String role(@PathVariable String id, @RequestParam String role, RedirectAttributes redirect) {
        return change(id, Map.of("role", role), "Role changed.", redirect);
    }

    @PostMapping("/admin/users/{id}/enabled")
    public String enabled(@PathVariable String id, @RequestParam boolean enabled, RedirectAttributes redirect) {
        return change(id, Map.of("enabled", enabled), enabled ? "User enabled." : "User disabled; their sessions "
                + "and API tokens stopped working.", redirect);
    }

    private String change(String id, Map<String, Object> patch, String notice, RedirectAttributes redirect) {
        try {
            users.update(id, patch);
            redirect.addFlashAttribute("notice", notice);
        } catch (RecordException.Conflict | RecordException.Invalid e) {
            redirect.addFlashAttribute("error", e instanceof RecordException.Invalid invalid
                    ? String.join("; ", Forms.errors(invalid).values()) : e.getMessage());
        }
        return "redirect:/admin/users";
    }

    @GetMapping("/admin/tokens")
    public String tokens(Model model) {
        Map<String, String> emails = new LinkedHashMap<>();
        users.list(MAX_USERS_SHOWN, null).items().forEach(u -> emails.put(u.getObjectId("_id").toHexString(),
                u.getString("email")));
        model.addAttribute("tokens", tokens.list(null));
        model.addAttribute("emails", emails);
        return "admin/tokens";
    }

    /** A token for the signed-in admin; the secret is shown on the next page only. */
    @PostMapping("/admin/tokens")
    public String createToken(@RequestParam(defaultValue = "") String name,
                              @RequestParam(required = false) Integer expiresInDays,
                              RedirectAttributes redirect, HttpServletResponse response) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name.strip());
        if (expiresInDays != null) {
            body.put("expiresInDays", expiresInDays);
        }
        try {
            Map<String, Object> created = tokens.create(CurrentUser.get().id(), body);
            redirect.addFlashAttribute("created", created);
        } catch (RecordException.Invalid invalid) {
            redirect.addFlashAttribute("error", String.join("; ", Forms.errors(invalid).entrySet().stream()
                    .map(e -> e.getKey() + " " + e.getValue()).toList()));
        } catch (RecordException.Conflict conflict) {
            redirect.addFlashAttribute("error", conflict.getMessage());
        }
        return "redirect:/admin/tokens";
    }

    @PostMapping("/admin/tokens/{id}/revoke")
    public String revoke(@PathVariable String id, RedirectAttributes redirect) {
        tokens.revoke(id, null);
        redirect.addFlashAttribute("notice", "Token revoked.");
        return "redirect:/admin/tokens";
    }

    /** 18 random bytes, URL-safe: 24 characters, above the password minimum. */
    static String oneTimePassword() {
        byte[] random = new byte[18];
        RANDOM.nextBytes(random);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }
}
