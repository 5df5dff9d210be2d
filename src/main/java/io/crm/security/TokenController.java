package io.crm.security;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.crm.record.RecordException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthentication;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Personal API tokens: create (the secret is shown once), list without secrets, revoke at once; and signing out
 * of every browser session.
 */
@RestController
@PreAuthorize(Access.VIEWER)
@RequestMapping("/api/v1/auth")
@Tag(name = "auth")
public class TokenController {

    private final ApiTokenService tokens;
    private final UserService users;
    private final MongoSessionRepository sessions;

    public TokenController(ApiTokenService tokens, UserService users, MongoSessionRepository sessions) {
        this.tokens = tokens;
        this.users = users;
        this.sessions = sessions;
    }

    @DeleteMapping("/sessions")
    @Operation(summary = "Sign out everywhere: ends all your browser sessions, on every replica (tokens stay valid)")
    public Map<String, Object> signOutEverywhere() {
        return Map.of("ended", sessions.endAllOf(CurrentUser.get().id()));
    }

    @GetMapping("/me")
    @Operation(summary = "The signed-in user")
    public Map<String, Object> me() {
        CrmUser user = CurrentUser.get();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", user.id());
        json.put("email", user.email());
        json.put("displayName", user.displayName());
        json.put("role", user.role().name());
        json.put("mustChangePassword", user.passwordChangeRequired());
        // the web UI's zone setting (null: the browser's); the API's own instants are UTC whatever it says
        json.put(UserService.TIME_ZONE, users.timeZone(user.id()));
        json.put("mfaEnabled", users.byId(user.id()).map(MfaService::enabled).orElse(false));
        return json;
    }

    @PostMapping(path = "/tokens", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Create a personal API token {name, expiresInDays?, scopes?: [read, write, admin]} (default: "
            + "read and write, a viewer's read; never beyond your role); the token is in this response only")
    public ResponseEntity<Map<String, Object>> create(@RequestBody Map<String, Object> body) {
        refuseTokens("create API tokens");
        return ResponseEntity.status(HttpStatus.CREATED).body(tokens.create(CurrentUser.get().id(), body));
    }

    @PostMapping(path = "/password", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Change your password {currentPassword, newPassword}; ends your sessions (your tokens stay)")
    public ResponseEntity<Void> changePassword(@RequestBody Map<String, Object> body) {
        refuseTokens("change the password");
        users.changeOwnPassword(CurrentUser.get().id(), body);
        return ResponseEntity.noContent().build();
    }

    /**
     * Credentials are made with credentials: a token may not mint another (one that would outlive its own
     * revocation) nor change the password it was made under. HTTP Basic or a browser session only.
     */
    private static void refuseTokens(String what) {
        if (SecurityContextHolder.getContext().getAuthentication() instanceof BearerTokenAuthentication) {
            throw new RecordException.Forbidden("An API token cannot " + what
                    + ": sign in with your password (HTTP Basic) or in the browser");
        }
    }

    @GetMapping("/tokens")
    @Operation(summary = "Your tokens (no secrets); admins may ask for everyone's with ?all=true")
    public Map<String, Object> list(@RequestParam(defaultValue = "false") boolean all) {
        CrmUser user = CurrentUser.get();
        if (all && user.role() != Role.ADMIN) {
            throw new RecordException.Forbidden("Only admins may list everyone's tokens");
        }
        if (all) {
            // everyone's tokens are the admin surface: a token needs the admin scope
            ScopeRules.demand(Role.ADMIN, Scope.ADMIN);
        }
        List<Map<String, Object>> items = tokens.list(all ? null : user.id());
        return Map.of("items", items);
    }

    @DeleteMapping("/tokens/{id}")
    @Operation(summary = "Revoke a token at once (your own; admins: anyone's)")
    public ResponseEntity<Void> revoke(@PathVariable String id) {
        CrmUser user = CurrentUser.get();
        // anyone's token: an admin, and with a token one with the admin scope; otherwise one's own only
        tokens.revoke(id, ScopeRules.allows(Role.ADMIN, Scope.ADMIN) ? null : user.id());
        return ResponseEntity.noContent().build();
    }
}
