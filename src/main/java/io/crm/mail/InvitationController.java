package io.crm.mail;

import java.net.URI;
import java.util.Map;

import io.crm.security.Access;
import io.crm.security.CurrentUser;
import io.crm.security.UserService;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.bson.Document;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Invites a user by email (ADMIN, like the rest of /api/v1/users): the user is created without a password and gets a
 * single-use sign-up link valid 24 hours. With mail off it is a 409: create the user with a password instead.
 */
@RestController
@PreAuthorize(Access.ADMIN)
@Tag(name = "users")
public class InvitationController {

    private final Invitations invitations;

    public InvitationController(Invitations invitations) {
        this.invitations = invitations;
    }

    @PostMapping(path = "/api/v1/users/invitations", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Invite {email, displayName, role}: a user without a password, mailed a sign-up link")
    public ResponseEntity<Map<String, Object>> invite(@RequestBody Map<String, Object> body) {
        Document user = invitations.invite(body, CurrentUser.get().id());
        return ResponseEntity.created(URI.create("/api/v1/users/" + user.getObjectId("_id").toHexString()))
                .body(UserService.toJson(user));
    }
}
