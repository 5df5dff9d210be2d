package io.crm.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Date;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import io.crm.deal.Pipelines;
import io.crm.support.ApiTest;
import io.crm.support.Http;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;

/**
 * Every endpoint against every kind of caller: anonymous, a revoked token, an expired token, and for each of the three
 * roles tokens with the scope sets {read}, {read, write}, {read, write, admin} and a token stored before scopes existed
 * (no scopes field: its owner's full role). A scope set the role may not mint is put in the store directly, to prove
 * that a stored over-scoped token still never exceeds its owner's role. A call is allowed only if both the role and
 * the scopes allow it. A refused call must be exactly 401 (with a Bearer challenge) or 403; an allowed one must get
 * past security (any status but 401/403, and never a 5xx).
 */
class AuthorizationMatrixTest extends ApiTest {

    /**
     * Who may call an endpoint; CREDENTIALS: a password or a browser session, never a token; READER: any role with
     * the read scope whatever the method (a search: a read sent as a POST).
     */
    enum Access { PUBLIC, SIGNED_IN, VIEWER, READER, MEMBER, ADMIN, CREDENTIALS }

    /** A caller: bad credentials (no role), or a token of a user with this role holding these scopes. */
    record Caller(String name, Role role, Set<Scope> scopes) {
        static Caller bad(String name) {
            return new Caller(name, null, Set.of());
        }

        boolean credentialsBad() {
            return role == null;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    record Endpoint(Access access, String method, String path, Object body) {
        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    @Test
    void everyEndpointAgainstEveryCaller() {
        String contact = create("/api/v1/contacts", Map.of("name", "Ann", "email", "ann@example.test"));
        String erasable = create("/api/v1/contacts", Map.of("name", "Eve", "email", "eve@example.test"));
        String company = create("/api/v1/companies", Map.of("name", "Acme", "domain", "acme.example"));
        String deal = create("/api/v1/deals", Map.of("title", "Big deal", "amount", "100.00",
                "companyId", company));
        String activity = create("/api/v1/activities", Map.of("type", "note", "subject", "Hello",
                "contactId", contact));
        http.post("/person/p-1", Map.of("name", "Legacy One", "email", "one@example.test"));
        http.post("/person/p-2", Map.of("name", "Legacy Two", "email", "two@example.test"));
        String someUser = user(Role.VIEWER).getObjectId("_id").toHexString();
        String someWebhook = create("/api/v1/webhooks", Map.of("url", "https://93.184.216.34/matrix",
                "events", List.of("contact.*")));

        http.post("/api/v1/properties/deals", Map.of("name", "region", "type", "text"));
        http.post("/api/v1/properties/deals", Map.of("name", "retired", "type", "text"));
        http.post("/api/v1/properties/deals", Map.of("name", "archived", "type", "text"));
        http.delete("/api/v1/properties/deals/archived");

        String service = users.create(Map.of("kind", "service", "displayName", "Integration", "role", "MEMBER"))
                .getObjectId("_id").toHexString();

        Map<Caller, Http> callers = new LinkedHashMap<>();
        callers.put(Caller.bad("ANONYMOUS"), http.anonymous());
        String revoked = token(user(Role.ADMIN));
        tokens.revoke(tokenId(revoked), null);
        callers.put(Caller.bad("REVOKED"), http.anonymous().withToken(revoked));
        String expired = token(user(Role.ADMIN));
        mongo.getCollection(ApiTokenService.COLLECTION).updateOne(Filters.eq("tokenHash", ApiTokenService.hash(expired)),
                Updates.set("expiresAt", Date.from(clock.instant().minusSeconds(60))));
        callers.put(Caller.bad("EXPIRED"), http.anonymous().withToken(expired));
        for (Role role : List.of(Role.VIEWER, Role.MEMBER, Role.ADMIN)) {
            Document owner = user(role);
            for (Scope highest : Scope.values()) {
                Set<Scope> scopes = highest.withIncluded();
                callers.put(new Caller(role + "{" + String.join(",", TokenScopes.names(scopes)) + "}", role, scopes),
                        http.anonymous().withToken(scopedToken(owner, scopes)));
            }
            // stored before scopes existed: no scopes field, its owner's full role
            String legacy = scopedToken(owner, Scope.READ.withIncluded());
            mongo.getCollection(ApiTokenService.COLLECTION).updateOne(Filters.eq("tokenHash",
                    ApiTokenService.hash(legacy)), Updates.unset(TokenScopes.FIELD));
            callers.put(new Caller(role + "{legacy}", role, EnumSet.allOf(Scope.class)),
                    http.anonymous().withToken(legacy));
        }

        List<Endpoint> endpoints = new ArrayList<>(List.of(
                new Endpoint(Access.PUBLIC, "GET", "/health", null),
                new Endpoint(Access.PUBLIC, "GET", "/ready", null),
                new Endpoint(Access.PUBLIC, "GET", "/livez", null),
                new Endpoint(Access.PUBLIC, "GET", "/readyz", null),
                new Endpoint(Access.PUBLIC, "GET", "/login", null),
                new Endpoint(Access.PUBLIC, "GET", "/signup", null),
                new Endpoint(Access.PUBLIC, "GET", "/forgot-password", null),
                new Endpoint(Access.PUBLIC, "GET", "/reset-password", null),
                new Endpoint(Access.PUBLIC, "GET", "/mail/unsubscribe", null),
                new Endpoint(Access.PUBLIC, "GET", "/css/app.css", null),
                new Endpoint(Access.SIGNED_IN, "GET", "/v3/api-docs", null),
                new Endpoint(Access.SIGNED_IN, "GET", "/api/v1/auth/me", null),
                new Endpoint(Access.SIGNED_IN, "GET", "/api/v1/auth/tokens", null),
                new Endpoint(Access.ADMIN, "GET", "/api/v1/auth/tokens?all=true", null),
                new Endpoint(Access.CREDENTIALS, "POST", "/api/v1/auth/tokens", Map.of("name", "matrix")),
                new Endpoint(Access.CREDENTIALS, "POST", "/api/v1/auth/password", Map.of("currentPassword",
                        "wrong", "newPassword", "long enough password")),
                new Endpoint(Access.SIGNED_IN, "DELETE", "/api/v1/auth/tokens/" + new ObjectId(), null),
                new Endpoint(Access.SIGNED_IN, "DELETE", "/api/v1/auth/sessions", null),
                new Endpoint(Access.VIEWER, "GET", "/api/v1/pipeline", null),
                new Endpoint(Access.VIEWER, "GET", "/api/v1/pipeline?pipelineId=" + Pipelines.DEFAULT_ID, null),
                new Endpoint(Access.VIEWER, "GET", "/api/v1/pipelines", null),
                new Endpoint(Access.VIEWER, "GET", "/api/v1/pipelines/" + Pipelines.DEFAULT_ID, null),
                new Endpoint(Access.ADMIN, "POST", "/api/v1/pipelines", Map.of("name", "Renewals",
                        "stages", List.of(Map.of("key", "due")))),
                new Endpoint(Access.ADMIN, "PATCH", "/api/v1/pipelines/" + Pipelines.DEFAULT_ID,
                        Map.of("name", "Sales")),
                new Endpoint(Access.VIEWER, "GET", "/api/v1/companies/" + company + "/contacts", null),
                new Endpoint(Access.VIEWER, "GET", "/api/v1/contacts/" + contact + "/duplicates", null),
                new Endpoint(Access.ADMIN, "POST", "/api/v1/contacts/" + erasable + "/erase", Map.of()),
                new Endpoint(Access.MEMBER, "POST", "/api/v1/contacts/" + contact + "/merge",
                        Map.of("duplicateId", new ObjectId().toHexString())),
                new Endpoint(Access.ADMIN, "GET", "/api/v1/users", null),
                new Endpoint(Access.ADMIN, "GET", "/api/v1/users/" + someUser, null),
                new Endpoint(Access.ADMIN, "POST", "/api/v1/users", Map.of("email", "x@example.test",
                        "displayName", "X", "role", "VIEWER", "password", "long enough password")),
                new Endpoint(Access.ADMIN, "PATCH", "/api/v1/users/" + someUser, Map.of("displayName", "Y")),
                new Endpoint(Access.ADMIN, "DELETE", "/api/v1/users/" + someUser + "/mfa", null),
                // two-factor sign-in: the second step acts only on a session's pending state; turning it on or off
                // is a credential change (never with a token)
                new Endpoint(Access.PUBLIC, "GET", "/login/otp", null),
                new Endpoint(Access.PUBLIC, "GET", "/login/otp/setup", null),
                new Endpoint(Access.SIGNED_IN, "GET", "/account/mfa", null),
                new Endpoint(Access.CREDENTIALS, "POST", "/account/mfa/setup", Map.of()),
                new Endpoint(Access.CREDENTIALS, "POST", "/account/mfa/disable", Map.of()),
                new Endpoint(Access.ADMIN, "POST", "/api/v1/users", Map.of("kind", "service", "displayName", "S",
                        "role", "nobody")),
                new Endpoint(Access.ADMIN, "POST", "/api/v1/users/" + service + "/tokens", Map.of()),
                new Endpoint(Access.ADMIN, "GET", "/api/v1/users/" + service + "/tokens", null),
                new Endpoint(Access.ADMIN, "GET", "/api/v1/audit", null),
                new Endpoint(Access.VIEWER, "GET", "/api/v1/views", null),
                new Endpoint(Access.VIEWER, "POST", "/api/v1/views", Map.of("name", "Mine", "objectType",
                        "contacts", "search", Map.of())),
                new Endpoint(Access.VIEWER, "GET", "/api/v1/views/" + new ObjectId(), null),
                new Endpoint(Access.VIEWER, "PATCH", "/api/v1/views/" + new ObjectId(), Map.of("name", "x")),
                new Endpoint(Access.VIEWER, "DELETE", "/api/v1/views/" + new ObjectId(), null),
                new Endpoint(Access.VIEWER, "GET", "/api/v1/notifications", null),
                new Endpoint(Access.VIEWER, "POST", "/api/v1/notifications/read", Map.of()),
                new Endpoint(Access.VIEWER, "POST", "/api/v1/notifications/" + new ObjectId() + "/read", Map.of()),
                new Endpoint(Access.VIEWER, "GET", "/api/v1/events", null),
                new Endpoint(Access.VIEWER, "GET", "/api/v1/events?types=contact.*&limit=5", null),
                new Endpoint(Access.ADMIN, "GET", "/api/v1/webhooks", null),
                new Endpoint(Access.ADMIN, "POST", "/api/v1/webhooks", Map.of("url", "https://93.184.216.34/m",
                        "events", List.of("*"))),
                new Endpoint(Access.ADMIN, "GET", "/api/v1/webhooks/" + someWebhook, null),
                new Endpoint(Access.ADMIN, "PATCH", "/api/v1/webhooks/" + someWebhook, Map.of("paused", true)),
                new Endpoint(Access.ADMIN, "POST", "/api/v1/webhooks/" + someWebhook + "/rotate-secret", Map.of()),
                new Endpoint(Access.ADMIN, "POST", "/api/v1/webhooks/" + someWebhook + "/test", Map.of()),
                new Endpoint(Access.ADMIN, "GET", "/api/v1/webhooks/" + someWebhook + "/deliveries", null),
                new Endpoint(Access.ADMIN, "POST", "/api/v1/webhooks/" + someWebhook + "/deliveries/"
                        + new ObjectId() + "/retry", Map.of()),
                new Endpoint(Access.ADMIN, "DELETE", "/api/v1/webhooks/" + new ObjectId(), null),
                new Endpoint(Access.ADMIN, "GET", "/api/v1/mail/outbox", null),
                new Endpoint(Access.ADMIN, "POST", "/api/v1/users/invitations", Map.of()),
                new Endpoint(Access.VIEWER, "GET", "/api/v1/mail-preferences", null),
                new Endpoint(Access.MEMBER, "PATCH", "/api/v1/mail-preferences", Map.of()),
                new Endpoint(Access.ADMIN, "POST", "/api/v1/mail/outbox/" + new ObjectId() + "/retry", Map.of()),
                // leased jobs and their log
                new Endpoint(Access.ADMIN, "GET", "/api/v1/admin/jobs", null),
                new Endpoint(Access.ADMIN, "GET", "/api/v1/admin/jobs/feed-retention/runs", null),
                // backups (of the embedded store: on this MongoDB a start is a 409, past security)
                new Endpoint(Access.ADMIN, "GET", "/api/v1/admin/backups", null),
                new Endpoint(Access.ADMIN, "POST", "/api/v1/admin/backups", Map.of()),
                new Endpoint(Access.ADMIN, "GET", "/api/v1/admin/backups/crm-20261204T030000.000Z", null),
                new Endpoint(Access.ADMIN, "GET", "/api/v1/admin/backups/crm-20261204T030000.000Z/file", null),
                new Endpoint(Access.VIEWER, "GET", "/person", null),
                new Endpoint(Access.VIEWER, "GET", "/person?page=1&limit=5", null),
                new Endpoint(Access.VIEWER, "GET", "/person/search?q=Legacy", null),
                new Endpoint(Access.VIEWER, "GET", "/person/p-1", null),
                new Endpoint(Access.VIEWER, "GET", "/stats", null),
                new Endpoint(Access.MEMBER, "POST", "/person/p-new", Map.of("name", "New")),
                new Endpoint(Access.MEMBER, "PUT", "/person/p-1", Map.of("name", "Changed")),
                new Endpoint(Access.MEMBER, "POST", "/person/bulk", List.of(Map.of("person_id", "b-1"))),
                new Endpoint(Access.ADMIN, "DELETE", "/person/bulk", List.of("b-1")),
                new Endpoint(Access.ADMIN, "DELETE", "/person/p-2", null),
                // custom property definitions: everyone reads them, admins change them
                new Endpoint(Access.VIEWER, "GET", "/api/v1/properties/contacts", null),
                new Endpoint(Access.VIEWER, "GET", "/api/v1/properties/deals/region", null),
                new Endpoint(Access.ADMIN, "POST", "/api/v1/properties/companies", Map.of("name", "tier",
                        "type", "text")),
                new Endpoint(Access.ADMIN, "PATCH", "/api/v1/properties/deals/region", Map.of("label", "Area")),
                new Endpoint(Access.ADMIN, "DELETE", "/api/v1/properties/deals/retired", null),
                new Endpoint(Access.ADMIN, "POST", "/api/v1/properties/deals/archived/restore", Map.of()),
                // CSV import and export
                new Endpoint(Access.VIEWER, "GET", "/api/v1/contacts/export", null),
                new Endpoint(Access.VIEWER, "GET", "/api/v1/deals/export?stage=lead", null),
                new Endpoint(Access.VIEWER, "GET", "/api/v1/imports/" + new ObjectId(), null),
                new Endpoint(Access.MEMBER, "POST", "/api/v1/imports", Map.of()),
                new Endpoint(Access.MEMBER, "POST", "/api/v1/imports/preview", Map.of()),
                // the web UI's pages and form posts (a token works there too; browsers use a session)
                new Endpoint(Access.SIGNED_IN, "GET", "/contacts", null),
                new Endpoint(Access.SIGNED_IN, "GET", "/notifications", null),
                new Endpoint(Access.SIGNED_IN, "GET", "/contacts/" + contact, null),
                new Endpoint(Access.SIGNED_IN, "GET", "/companies/" + company, null),
                new Endpoint(Access.SIGNED_IN, "GET", "/deals", null),
                new Endpoint(Access.SIGNED_IN, "GET", "/deals/" + deal, null),
                new Endpoint(Access.SIGNED_IN, "GET", "/import", null),
                new Endpoint(Access.SIGNED_IN, "GET", "/account/password", null),
                new Endpoint(Access.CREDENTIALS, "POST", "/account/password", Map.of()),
                new Endpoint(Access.SIGNED_IN, "GET", "/account/settings", null),
                new Endpoint(Access.SIGNED_IN, "POST", "/account/settings", Map.of()),
                new Endpoint(Access.SIGNED_IN, "GET", "/account/mail", null),
                new Endpoint(Access.SIGNED_IN, "POST", "/account/mail", Map.of()),
                new Endpoint(Access.MEMBER, "POST", "/contacts", Map.of()),
                new Endpoint(Access.MEMBER, "POST", "/contacts/" + contact + "/archive", Map.of()),
                new Endpoint(Access.MEMBER, "POST", "/deals/" + deal + "/stage", Map.of()),
                new Endpoint(Access.MEMBER, "POST", "/activities", Map.of()),
                new Endpoint(Access.ADMIN, "GET", "/admin/users", null),
                new Endpoint(Access.ADMIN, "GET", "/admin/tokens", null),
                new Endpoint(Access.ADMIN, "GET", "/admin/webhooks", null),
                new Endpoint(Access.ADMIN, "GET", "/admin/mail", null),
                new Endpoint(Access.ADMIN, "POST", "/admin/mail/" + new ObjectId() + "/retry", Map.of()),
                new Endpoint(Access.ADMIN, "GET", "/admin/backups", null),
                new Endpoint(Access.ADMIN, "POST", "/admin/backups", Map.of()),
                new Endpoint(Access.ADMIN, "POST", "/admin/webhooks", Map.of()),
                new Endpoint(Access.ADMIN, "POST", "/admin/users", Map.of()),
                new Endpoint(Access.ADMIN, "POST", "/admin/tokens", Map.of()),
                new Endpoint(Access.ADMIN, "POST", "/admin/service-accounts", Map.of()),
                new Endpoint(Access.ADMIN, "POST", "/admin/users/" + service + "/tokens", Map.of()),
                // a raw message (message/rfc822) from a mail provider; the matrix's JSON body gets 415 past security
                new Endpoint(Access.MEMBER, "POST", "/api/v1/inbound/email", Map.of()),
                new Endpoint(Access.ADMIN, "GET", "/api/v1/inbound/status", null),
                new Endpoint(Access.ADMIN, "GET", "/admin/inbound", null)));
        record Resource(String path, String id, Map<String, Object> body) {
        }
        for (Resource r : List.of(
                new Resource("contacts", contact, Map.of("name", "Bea")),
                new Resource("companies", company, Map.of("name", "Beta Ltd")),
                new Resource("deals", deal, Map.of("title", "Small deal", "companyId", company)),
                new Resource("activities", activity, Map.of("type", "call", "subject", "Hi", "contactId", contact)))) {
            String base = "/api/v1/" + r.path();
            endpoints.add(new Endpoint(Access.VIEWER, "GET", base, null));
            endpoints.add(new Endpoint(Access.READER, "POST", base + "/search", Map.of("limit", 5)));
            endpoints.add(new Endpoint(Access.READER, "POST", base + "/export", Map.of("limit", 5)));
            endpoints.add(new Endpoint(Access.VIEWER, "GET", base + "/" + r.id(), null));
            endpoints.add(new Endpoint(Access.MEMBER, "POST", base, r.body()));
            endpoints.add(new Endpoint(Access.MEMBER, "PATCH", base + "/" + r.id(), Map.of()));
            endpoints.add(new Endpoint(Access.MEMBER, "DELETE", base + "/" + r.id(), null));
            endpoints.add(new Endpoint(Access.MEMBER, "POST", base + "/" + r.id() + "/restore", Map.of()));
            if (!r.path().equals("activities")) {
                endpoints.add(new Endpoint(Access.VIEWER, "GET", base + "/" + r.id() + "/timeline", null));
            }
        }

        List<String> wrong = new ArrayList<>();
        int checked = 0;
        int spelled = 0;
        for (Endpoint endpoint : endpoints) {
            for (Map.Entry<Caller, Http> caller : callers.entrySet()) {
                Http.Response response = call(caller.getValue(), endpoint);
                checked++;
                String problem = judge(endpoint, caller.getKey(), response);
                if (problem != null) {
                    wrong.add(endpoint + " as " + caller.getKey() + ": " + problem + " (" + response + ")");
                }
                // every other spelling of the same path: the same decision, or refused outright with 400
                Decision canonical = Decision.of(response.status());
                if (canonical == Decision.REJECTED) {
                    canonical = Decision.PASSED; // refused by the handler (an empty body, say): past security
                }
                for (Map.Entry<String, String> spelling : PathSpellings.of(endpoint.path()).entrySet()) {
                    Endpoint respelled = new Endpoint(endpoint.access(), endpoint.method(), spelling.getValue(),
                            endpoint.body());
                    Http.Response other = call(caller.getValue(), respelled);
                    spelled++;
                    Decision decision = Decision.of(other.status());
                    if (decision != Decision.REJECTED && decision != canonical) {
                        wrong.add(respelled + " (" + spelling.getKey() + ") as " + caller.getKey() + ": " + decision
                                + " where " + endpoint.path() + " is " + canonical + " (" + other + ")");
                    }
                }
            }
        }
        assertThat(wrong).as("checked %d calls and %d respelled ones", checked, spelled).isEmpty();
        assertThat(callers).hasSize(3 + 3 * 4);
        assertThat(checked).isGreaterThanOrEqualTo(callers.size() * 50);
        assertThat(spelled).isGreaterThanOrEqualTo(checked * 8);
    }

    /** What security decided, as far as a client can tell. */
    enum Decision {
        REJECTED, UNAUTHENTICATED, FORBIDDEN, PASSED, SERVER_ERROR;

        static Decision of(int status) {
            return status == 400 ? REJECTED : status == 401 ? UNAUTHENTICATED : status == 403 ? FORBIDDEN
                    : status >= 500 ? SERVER_ERROR : PASSED;
        }
    }

    private static String judge(Endpoint endpoint, Caller caller, Http.Response response) {
        Access access = endpoint.access();
        int status = response.status();
        if (status >= 500) {
            return "server error";
        }
        boolean credentialsBad = caller.credentialsBad();
        if (access == Access.PUBLIC) {
            return status >= 200 && status < 300 ? null : "public endpoint refused";
        }
        if (credentialsBad) {
            if (status != 401) {
                return "expected 401";
            }
            return response.header("WWW-Authenticate").filter(h -> h.startsWith("Bearer")).isPresent()
                    ? null : "401 without a Bearer challenge";
        }
        boolean roleAllows = switch (access) {
            case PUBLIC, SIGNED_IN, VIEWER, READER -> true;
            case MEMBER -> caller.role() != Role.VIEWER;
            case ADMIN -> caller.role() == Role.ADMIN;
            case CREDENTIALS -> false;
        };
        // what the scopes must hold: the admin surface admin, any other write write, a read read
        Scope needed = access == Access.ADMIN ? Scope.ADMIN
                : endpoint.method().equals("GET") || endpoint.method().equals("HEAD") || access == Access.READER
                ? Scope.READ : Scope.WRITE;
        boolean allowed = roleAllows && caller.scopes().contains(needed);
        if (!allowed && roleAllows && status == 403 && !response.body().contains("\"missingScope\":\""
                + needed.value() + "\"")) {
            return "403 without naming the missing scope " + needed.value();
        }
        if (allowed) {
            return status == 401 || status == 403 ? "expected to be allowed" : null;
        }
        if (status != 403) {
            return "expected 403";
        }
        return response.body().contains("\"status\":403") || response.body().contains("\"error\"")
                ? null : "403 without an error body";
    }

    private static Http.Response call(Http client, Endpoint endpoint) {
        return endpoint.body() == null ? client.send(endpoint.method(), endpoint.path(), null, null)
                : client.send(endpoint.method(), endpoint.path(), "application/json",
                tools.jackson.databind.json.JsonMapper.builder().build().writeValueAsString(endpoint.body()));
    }

    /**
     * A token with exactly these scopes: minted through the service when the owner's role allows them, else minted
     * with the most the role allows and over-scoped in the store directly (as a token that outlived a demotion).
     */
    private String scopedToken(Document owner, Set<Scope> scopes) {
        Role role = Role.parse(owner.getString("role"));
        if (java.util.Collections.max(scopes).compareTo(Scope.highestFor(role)) <= 0) {
            return (String) tokens.create(owner.getObjectId("_id").toHexString(), Map.of("name", "matrix",
                    TokenScopes.FIELD, TokenScopes.names(scopes))).get("token");
        }
        String token = token(owner);
        mongo.getCollection(ApiTokenService.COLLECTION).updateOne(Filters.eq("tokenHash", ApiTokenService.hash(token)),
                Updates.set(TokenScopes.FIELD, TokenScopes.names(scopes)));
        return token;
    }

    private String tokenId(String token) {
        Document stored = mongo.getCollection(ApiTokenService.COLLECTION)
                .find(Filters.eq("tokenHash", ApiTokenService.hash(token))).first();
        return stored.getObjectId("_id").toHexString();
    }
}
