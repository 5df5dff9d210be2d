package io.crm.security;

import java.net.URI;
import java.util.Map;

import io.crm.platform.web.LimitsProperties;
import io.crm.platform.web.Preconditions;
import io.crm.platform.web.RecordResponses;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.bson.Document;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * User management for admins (the request rules restrict /api/v1/users to ADMIN with a token's admin scope, and
 * method security to ADMIN): people, and service accounts ({@code kind: "service"}) with the tokens minted for them.
 */
@RestController
@PreAuthorize(Access.ADMIN)
@RequestMapping("/api/v1/users")
@Tag(name = "users")
public class UserController {

    private final UserService users;
    private final ApiTokenService tokens;
    private final LimitsProperties limits;
    private final MfaService mfa;

    public UserController(UserService users, ApiTokenService tokens, LimitsProperties limits, MfaService mfa) {
        this.users = users;
        this.tokens = tokens;
        this.limits = limits;
        this.mfa = mfa;
    }

    @GetMapping
    @Operation(summary = "Users in creation order (cursor-paged)")
    public Map<String, Object> list(@RequestParam(required = false) String limit,
                                    @RequestParam(required = false) String cursor) {
        return RecordResponses.page(users.list(Preconditions.limit(limit, limits.maxPageSize()), cursor),
                UserService::toJson);
    }

    @GetMapping("/{id}")
    @Operation(summary = "One user")
    public Map<String, Object> get(@PathVariable String id) {
        return UserService.toJson(users.get(id));
    }

    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Create a user {email, displayName, role, password}, or a service account "
            + "{kind: \"service\", displayName, role}: no password, no sign-in, tokens minted by an admin")
    public ResponseEntity<Map<String, Object>> create(@RequestBody Map<String, Object> body) {
        Document user = users.create(body);
        return ResponseEntity.created(URI.create("/api/v1/users/" + user.getObjectId("_id").toHexString()))
                .body(UserService.toJson(user));
    }

    @PostMapping(path = "/{id}/tokens", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Mint a token for a service account {name, expiresInDays?, scopes?} (never beyond its role); "
            + "the token is in this response only. Listed and revoked with the other tokens (/api/v1/auth/tokens)")
    public ResponseEntity<Map<String, Object>> mintToken(@PathVariable String id,
                                                         @RequestBody Map<String, Object> body) {
        users.serviceAccount(id);
        return ResponseEntity.status(HttpStatus.CREATED).body(tokens.create(id, body));
    }

    @GetMapping("/{id}/tokens")
    @Operation(summary = "A user's tokens (no secrets), newest first")
    public Map<String, Object> tokens(@PathVariable String id) {
        users.get(id);
        return Map.of("items", tokens.list(id));
    }

    @PatchMapping(path = "/{id}", consumes = {"application/merge-patch+json", MediaType.APPLICATION_JSON_VALUE})
    @Operation(summary = "Change role, enabled, displayName or password; disabling ends sessions and tokens")
    public Map<String, Object> update(@PathVariable String id, @RequestBody Map<String, Object> patch) {
        return UserService.toJson(users.update(id, patch));
    }

    @DeleteMapping("/{id}/mfa")
    @Operation(summary = "Reset the user's second factor (a lost phone): they sign in with the password alone, "
            + "or enrol again if their role requires it; audited as mfa: reset")
    public Map<String, Object> resetMfa(@PathVariable String id) {
        return UserService.toJson(mfa.reset(id));
    }
}
