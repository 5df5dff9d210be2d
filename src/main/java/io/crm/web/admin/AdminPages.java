package io.crm.web.admin;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.crm.mail.Invitations;
import io.crm.record.RecordException;
import io.crm.security.Access;
import io.crm.security.ApiTokenService;
import io.crm.security.CurrentUser;
import io.crm.security.Role;
import io.crm.security.Scope;
import io.crm.security.TokenScopes;
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
 * role, disable), service accounts (create, mint a token: the secret shown once) and API tokens (create with scopes
 * shows the secret once, revoke). The services keep their rules (the last
 * admin stays, disabling ends sessions and tokens).
 */
@Controller
@PreAuthorize(Access.ADMIN)
public class AdminPages {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int MAX_USERS_SHOWN = 500;

    private final UserService users;
    private final ApiTokenService tokens;
    private final Invitations invitations;

    public AdminPages(UserService users, ApiTokenService tokens, Invitations invitations) {
        this.users = users;
        this.tokens = tokens;
        this.invitations = invitations;
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
        model.addAttribute("scopes", List.of(Scope.values()));
        model.addAttribute("mailEnabled", invitations.enabled());
        model.addAttribute("values", model.containsAttribute("values") ? model.getAttribute("values") : Map.of());
        model.addAttribute("errors", model.containsAttribute("errors") ? model.getAttribute("errors") : Map.of());
        return "admin/users";
    }

    /**
     * Invites a user: with mail on, by a mailed sign-up link; otherwise the account gets a random one-time password,
     * shown to the admin once (to pass on).
     */
    @PostMapping("/admin/users")
    public String invite(@RequestParam(defaultValue = "") String email,
                         @RequestParam(defaultValue = "") String displayName,
                         @RequestParam(defaultValue = "MEMBER") String role, RedirectAttributes redirect) {
        String password = oneTimePassword();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("email", email.strip());
        body.put("displayName", displayName.strip());
        body.put("role", role);
        try {
            if (invitations.enabled()) {
                Document user = invitations.invite(body, CurrentUser.get().id());
                redirect.addFlashAttribute("mailed", user.getString("email"));
                return "redirect:/admin/users";
            }
            body.put("password", password);
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

    /** A service account: no password, no sign-in; its tokens are minted below. */
    @PostMapping("/admin/service-accounts")
    public String createServiceAccount(@RequestParam(defaultValue = "") String displayName,
                                       @RequestParam(defaultValue = "MEMBER") String role,
                                       RedirectAttributes redirect) {
        try {
            Document user = users.create(Map.of(UserService.KIND, UserService.SERVICE,
                    "displayName", displayName.strip(), "role", role));
            redirect.addFlashAttribute("notice", "Service account " + user.getString("displayName")
                    + " created; mint a token for it below.");
        } catch (RecordException.Invalid invalid) {
            redirect.addFlashAttribute("error", messages(invalid));
        }
        return "redirect:/admin/users";
    }

    /** A token for a service account; the secret is shown on the next page only. */
    @PostMapping("/admin/users/{id}/tokens")
    public String mintServiceToken(@PathVariable String id, @RequestParam(defaultValue = "") String name,
                                   @RequestParam(required = false) Integer expiresInDays,
                                   @RequestParam(required = false) List<String> scopes, RedirectAttributes redirect) {
        try {
            users.serviceAccount(id);
            redirect.addFlashAttribute("created", tokens.create(id, tokenBody(name, expiresInDays, scopes)));
        } catch (RecordException.Invalid invalid) {
            redirect.addFlashAttribute("error", messages(invalid));
        } catch (RecordException.Conflict | RecordException.NotFound e) {
            redirect.addFlashAttribute("error", e.getMessage());
        }
        return "redirect:/admin/users";
    }

    private static Map<String, Object> tokenBody(String name, Integer expiresInDays, List<String> scopes) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name.strip());
        if (expiresInDays != null) {
            body.put("expiresInDays", expiresInDays);
        }
        if (scopes != null && !scopes.isEmpty()) {
            body.put(TokenScopes.FIELD, scopes);
        }
        return body;
    }

    private static String messages(RecordException.Invalid invalid) {
        return String.join("; ", Forms.errors(invalid).entrySet().stream()
                .map(e -> e.getKey() + " " + e.getValue()).toList());
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
        model.addAttribute("scopes", List.of(Scope.values()));
        return "admin/tokens";
    }

    /** A token for the signed-in admin; the secret is shown on the next page only. */
    @PostMapping("/admin/tokens")
    public String createToken(@RequestParam(defaultValue = "") String name,
                              @RequestParam(required = false) Integer expiresInDays,
                              @RequestParam(required = false) List<String> scopes,
                              RedirectAttributes redirect, HttpServletResponse response) {
        try {
            Map<String, Object> created = tokens.create(CurrentUser.get().id(), tokenBody(name, expiresInDays,
                    scopes));
            redirect.addFlashAttribute("created", created);
        } catch (RecordException.Invalid invalid) {
            redirect.addFlashAttribute("error", messages(invalid));
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
