package io.crm.apidocs;

import static io.crm.apidocs.Bodies.BOOL;
import static io.crm.apidocs.Bodies.ID;
import static io.crm.apidocs.Bodies.INSTANT;
import static io.crm.apidocs.Bodies.INT;
import static io.crm.apidocs.Bodies.TEXT;
import static io.crm.apidocs.Bodies.body;
import static io.crm.apidocs.Bodies.closed;
import static io.crm.apidocs.Bodies.items;
import static io.crm.apidocs.Bodies.noContent;
import static io.crm.apidocs.Bodies.nullable;
import static io.crm.apidocs.Bodies.object;
import static io.crm.apidocs.Bodies.oneOf;
import static io.crm.apidocs.Bodies.operation;
import static io.crm.apidocs.Bodies.page;
import static io.crm.apidocs.Bodies.props;
import static io.crm.apidocs.Bodies.ref;
import static io.crm.apidocs.Bodies.respond;
import static io.crm.apidocs.Bodies.schema;
import static io.crm.apidocs.Bodies.text;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import io.crm.mail.MailPreferences;
import io.crm.record.Fields;
import io.crm.security.Role;
import io.crm.security.Scope;
import io.crm.security.SecurityProperties;
import io.crm.security.TokenScopes;
import io.crm.security.UserService;
import io.swagger.v3.oas.models.OpenAPI;
import org.springdoc.core.customizers.OpenApiCustomizer;

import org.springframework.stereotype.Component;

/**
 * Users and service accounts ({@code UserService}'s CREATE and PATCH schemas), API tokens ({@code ApiTokenService}),
 * invitations, the signed-in user, mail settings and notifications.
 */
@Component
public class AccountBodies implements OpenApiCustomizer {

    /** {@code UserService.MIN_PASSWORD}; at most 72 UTF-8 bytes (bcrypt's limit), which JSON Schema cannot say. */
    static final int MIN_PASSWORD = 12;

    private final int maxExpiresInDays;

    public AccountBodies(SecurityProperties security) {
        this.maxExpiresInDays = security.tokens().maxExpiresInDays();
    }

    @Override
    public void customise(OpenAPI openApi) {
        if (openApi.getPaths() == null) {
            return;
        }
        users(openApi);
        tokens(openApi);
        schema(openApi, "Me", object(props("id", TEXT, "email", nullable(TEXT), "displayName", TEXT,
                "role", roles(), "mustChangePassword", BOOL, UserService.TIME_ZONE, nullable(TEXT),
                "mfaEnabled", BOOL), "id", "role"));
        respond(operation(openApi, "GET", "/api/v1/auth/me"), "200", "Me");
        schema(openApi, "SessionsEnded", object(props("ended", Fields.schema("type", "integer", "minimum", 0,
                "description", "how many browser sessions ended")), "ended"));
        respond(operation(openApi, "DELETE", "/api/v1/auth/sessions"), "200", "SessionsEnded");
        schema(openApi, "PasswordChange", closed(props("currentPassword", TEXT, "newPassword", password()),
                "currentPassword", "newPassword"));
        body(operation(openApi, "POST", "/api/v1/auth/password"), "PasswordChange");
        noContent(operation(openApi, "POST", "/api/v1/auth/password"));

        Map<String, Object> lead = oneOf(MailPreferences.LEAD_NAMES);
        schema(openApi, "MailPreferences", object(props("reminderLead", lead, "digest", BOOL),
                "reminderLead", "digest"));
        schema(openApi, "MailPreferencesPatch", closed(props("reminderLead", lead, "digest", BOOL)));
        respond(operation(openApi, "GET", "/api/v1/mail-preferences"), "200", "MailPreferences");
        body(operation(openApi, "PATCH", "/api/v1/mail-preferences"), "MailPreferencesPatch");
        respond(operation(openApi, "PATCH", "/api/v1/mail-preferences"), "200", "MailPreferences");

        schema(openApi, "NotificationList", object(props("items", Fields.schema("type", "array", "items",
                object(props("id", TEXT, "kind", TEXT, "text", TEXT, "link", nullable(TEXT),
                        "objectType", nullable(TEXT), "objectId", nullable(TEXT), "at", INSTANT,
                        "readAt", nullable(INSTANT)), "id", "kind", "at")),
                "unread", Fields.schema("type", "integer", "minimum", 0)), "items", "unread"));
        respond(operation(openApi, "GET", "/api/v1/notifications"), "200", "NotificationList");
        schema(openApi, "NotificationsMarked", object(props("marked", INT), "marked"));
        respond(operation(openApi, "POST", "/api/v1/notifications/read"), "200", "NotificationsMarked");
    }

    private static void users(OpenAPI openApi) {
        Map<String, Object> displayName = text(1, 200);
        Map<String, Object> email = Fields.schema("type", "string", "format", "email", "maxLength", 254);
        schema(openApi, "UserCreate", Bodies.described(closed(props(
                UserService.KIND, Fields.schema("type", "string", "enum", List.of(UserService.PERSON,
                        UserService.SERVICE), "default", UserService.PERSON),
                "email", email, "displayName", displayName, "role", roles(), "password", password()),
                "displayName", "role"), "a person needs email and password (a one-time one: changed at the first "
                + "sign-in); a service account (kind service) has neither and signs in with tokens only"));
        schema(openApi, "UserPatch", closed(props("displayName", displayName, "role", roles(), "enabled", BOOL,
                "password", Bodies.described(password(), "an admin's reset: a one-time password; people only"))));
        Map<String, Object> role = new java.util.LinkedHashMap<>(roles());
        role.put("default", Role.MEMBER.name());
        schema(openApi, "Invitation", object(props("email", email, "displayName", displayName, "role", role),
                "email", "displayName"));
        schema(openApi, "User", object(props("id", ID, UserService.KIND, oneOf(List.of(UserService.PERSON,
                        UserService.SERVICE)), "email", nullable(TEXT), "displayName", TEXT, "role", roles(),
                "enabled", BOOL, UserService.PASSWORD_CHANGE_REQUIRED, BOOL, "createdAt", INSTANT,
                "lastLoginAt", nullable(INSTANT), UserService.TIME_ZONE, nullable(TEXT),
                "ssoIssuer", nullable(TEXT), "hasPassword", BOOL, "mfaEnabled", BOOL, "version", INT),
                "id", UserService.KIND, "displayName", "role", "enabled", "version"));
        schema(openApi, "UserPage", page(ref("User")));
        respond(operation(openApi, "GET", "/api/v1/users"), "200", "UserPage");
        body(operation(openApi, "POST", "/api/v1/users"), "UserCreate");
        respond(operation(openApi, "POST", "/api/v1/users"), "201", "User");
        respond(operation(openApi, "GET", "/api/v1/users/{id}"), "200", "User");
        body(operation(openApi, "PATCH", "/api/v1/users/{id}"), "UserPatch");
        respond(operation(openApi, "PATCH", "/api/v1/users/{id}"), "200", "User");
        respond(operation(openApi, "DELETE", "/api/v1/users/{id}/mfa"), "200", "User");
        body(operation(openApi, "POST", "/api/v1/users/invitations"), "Invitation");
        respond(operation(openApi, "POST", "/api/v1/users/invitations"), "201", "User");
    }

    private void tokens(OpenAPI openApi) {
        Map<String, Object> scope = oneOf(Arrays.stream(Scope.values())
                .map(one -> one.name().toLowerCase(java.util.Locale.ROOT)).toList());
        Map<String, Object> scopes = Fields.schema("type", "array", "items", scope, "uniqueItems", true);
        schema(openApi, "TokenCreate", closed(props("name", text(1, 100),
                "expiresInDays", Fields.schema("type", "integer", "minimum", 1, "maximum", maxExpiresInDays),
                TokenScopes.FIELD, Fields.schema("type", "array", "items", scope, "minItems", 1,
                        "uniqueItems", true, "description",
                        "default: read and write (a viewer: read); never beyond the owner's role")),
                "name"));
        Map<String, Object> token = props("id", ID, "name", TEXT, "userId", TEXT, "createdAt", INSTANT,
                "expiresAt", INSTANT, TokenScopes.FIELD, scopes, "lastUsedAt", nullable(INSTANT),
                "lastUsedFrom", nullable(TEXT), "revokedAt", nullable(INSTANT));
        schema(openApi, "Token", object(token, "id", "name", "userId", "createdAt", "expiresAt", TokenScopes.FIELD));
        Map<String, Object> created = new java.util.LinkedHashMap<>(token);
        created.put("token", Fields.schema("type", "string", "description", "the secret: shown in this answer only"));
        schema(openApi, "TokenCreated", object(created, "id", "name", "token", "expiresAt", TokenScopes.FIELD));
        schema(openApi, "TokenList", items(ref("Token")));
        respond(operation(openApi, "GET", "/api/v1/auth/tokens"), "200", "TokenList");
        body(operation(openApi, "POST", "/api/v1/auth/tokens"), "TokenCreate");
        respond(operation(openApi, "POST", "/api/v1/auth/tokens"), "201", "TokenCreated");
        noContent(operation(openApi, "DELETE", "/api/v1/auth/tokens/{id}"));
        respond(operation(openApi, "GET", "/api/v1/users/{id}/tokens"), "200", "TokenList");
        body(operation(openApi, "POST", "/api/v1/users/{id}/tokens"), "TokenCreate");
        respond(operation(openApi, "POST", "/api/v1/users/{id}/tokens"), "201", "TokenCreated");
    }

    private static Map<String, Object> roles() {
        return oneOf(Arrays.stream(Role.values()).map(Role::name).toList());
    }

    private static Map<String, Object> password() {
        return Fields.schema("type", "string", "minLength", MIN_PASSWORD, "description", "at most 72 UTF-8 bytes");
    }
}
