package io.crm.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.mongodb.client.model.Filters;
import io.crm.support.ApiTest;
import io.crm.support.Bodies;
import io.crm.support.Http;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Sign-in, API tokens, users, sessions with CSRF, and the headers every response carries. */
class SecurityApiTest extends ApiTest {

    private static String basic(String email, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((email + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private Http.Response createToken(Http client, String email, String password, Object body) {
        return client.anonymous().post("/api/v1/auth/tokens", body, "Authorization", basic(email, password));
    }

    @Test
    void aTokenIsMadeWithBasicAuthShownOnceAndStoredOnlyAsAHash() {
        Document viewer = user(Role.VIEWER);
        Http.Response created = createToken(http, viewer.getString("email"), PASSWORD,
                Map.of("name", "laptop", "expiresInDays", 30));
        assertThat(created.status()).isEqualTo(201);
        JsonNode json = created.json();
        String token = json.get("token").asString();
        assertThat(token).startsWith("crm_").hasSizeGreaterThan(40);
        assertThat(json.get("name").asString()).isEqualTo("laptop");
        assertThat(Instant.parse(json.get("expiresAt").asString()))
                .isEqualTo(clock.instant().plus(Duration.ofDays(30)).truncatedTo(ChronoUnit.MILLIS));

        Http.Response me = http.anonymous().withToken(token).get("/api/v1/auth/me");
        assertThat(me.status()).isEqualTo(200);
        assertThat(me.json().get("role").asString()).isEqualTo("VIEWER");

        Document stored = mongo.getCollection(ApiTokenService.COLLECTION)
                .find(Filters.eq("_id", new ObjectId(json.get("id").asString()))).first();
        assertThat(stored.toJson()).doesNotContain(token).contains(ApiTokenService.hash(token));
        Http.Response list = http.anonymous().withToken(token).get("/api/v1/auth/tokens");
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.body()).contains("laptop").doesNotContain(token).doesNotContain("tokenHash");
    }

    @Test
    void wrongPasswordsUnknownUsersAndDisabledUsersGetNoToken() {
        Document member = user(Role.MEMBER);
        assertThat(createToken(http, member.getString("email"), "wrong password!!", Map.of("name", "x")).status())
                .isEqualTo(401);
        assertThat(createToken(http, "nobody@example.test", PASSWORD, Map.of("name", "x")).status()).isEqualTo(401);
        users.update(member.getObjectId("_id").toHexString(), Map.of("enabled", false));
        assertThat(createToken(http, member.getString("email"), PASSWORD, Map.of("name", "x")).status())
                .isEqualTo(401);
        // Basic credentials open nothing but token creation
        assertThat(http.anonymous().get("/api/v1/contacts", "Authorization", basic(admin.getString("email"),
                PASSWORD)).status()).isEqualTo(401);
    }

    @Test
    void missingWrongRevokedAndExpiredTokensAre401WithABearerChallenge() {
        Http.Response missing = http.anonymous().get("/api/v1/contacts");
        assertThat(missing.status()).isEqualTo(401);
        assertThat(missing.header("WWW-Authenticate")).contains("Bearer");
        assertThat(missing.contentType()).startsWith("application/problem+json");

        Http.Response wrong = http.anonymous().withToken("crm_not-a-real-token").get("/api/v1/contacts");
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.header("WWW-Authenticate")).hasValueSatisfying(h ->
                assertThat(h).startsWith("Bearer").contains("invalid_token"));

        Http.Response legacy = http.anonymous().get("/person");
        assertThat(legacy.status()).isEqualTo(401);
        assertThat(legacy.json().get("error").asString()).contains("Authentication required");

        String token = token(admin);
        Http client = http.anonymous().withToken(token);
        assertThat(client.get("/api/v1/contacts").status()).isEqualTo(200);
        String id = client.get("/api/v1/auth/tokens").json().get("items").get(0).get("id").asString();
        assertThat(client.delete("/api/v1/auth/tokens/" + id).status()).isEqualTo(204);
        assertThat(client.get("/api/v1/contacts").status()).isEqualTo(401);

        String expiring = token(admin);
        Instant expiresAt = mongo.getCollection(ApiTokenService.COLLECTION)
                .find(Filters.eq("tokenHash", ApiTokenService.hash(expiring))).first().getDate("expiresAt").toInstant();
        clock.advance(Duration.between(clock.instant(), expiresAt).minusMillis(1));
        assertThat(http.anonymous().withToken(expiring).get("/api/v1/contacts").status()).isEqualTo(200);
        clock.advance(Duration.ofMillis(1));
        assertThat(http.anonymous().withToken(expiring).get("/api/v1/contacts").status()).isEqualTo(401);
    }

    @Test
    void tokenRequestsAreStatelessNoSessionIsMadeForThem() {
        for (Http.Response response : new Http.Response[]{http.get("/api/v1/contacts"), http.get("/person"),
                http.get("/api/v1/auth/tokens"), http.post("/api/v1/contacts", Map.of("name", "Stateless"))}) {
            assertThat(response.status()).isLessThan(300);
            assertThat(response.header("Set-Cookie")).as("a session cookie").isEmpty();
        }
    }

    @Test
    void membersRevokeOnlyTheirOwnTokensAdminsAnyone() {
        Document member = user(Role.MEMBER);
        Http memberClient = http.anonymous().withToken(token(member));
        String adminTokenId = http.get("/api/v1/auth/tokens").json().get("items").get(0).get("id").asString();
        assertThat(memberClient.delete("/api/v1/auth/tokens/" + adminTokenId).status()).isEqualTo(404);
        assertThat(memberClient.get("/api/v1/auth/tokens?all=true").status()).isEqualTo(403);

        String memberTokenId = memberClient.get("/api/v1/auth/tokens").json().get("items").get(0).get("id")
                .asString();
        assertThat(http.get("/api/v1/auth/tokens?all=true").body()).contains(memberTokenId);
        assertThat(http.delete("/api/v1/auth/tokens/" + memberTokenId).status()).isEqualTo(204);
        assertThat(memberClient.get("/api/v1/contacts").status()).isEqualTo(401);
    }

    @Test
    void tokenRequestsAreValidated() {
        Document member = user(Role.MEMBER);
        String email = member.getString("email");
        assertThat(createToken(http, email, PASSWORD, Map.of()).status()).isEqualTo(400);
        assertThat(createToken(http, email, PASSWORD, Map.of("name", "x", "expiresInDays", 0)).status())
                .isEqualTo(400);
        assertThat(createToken(http, email, PASSWORD, Map.of("name", "x", "expiresInDays", 366)).status())
                .isEqualTo(400);
        assertThat(createToken(http, email, PASSWORD, Map.of("name", "x", "expiresInDays", "7")).status())
                .isEqualTo(400);
    }

    @Test
    void adminsManageUsersAndTheLastAdminStays() {
        Http.Response created = http.post("/api/v1/users", Bodies.of("email", "Sam@Example.test",
                "displayName", "Sam", "role", "member", "password", "a long enough password"));
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.body()).doesNotContain("password");
        String sam = created.json().get("id").asString();
        assertThat(created.json().get("role").asString()).isEqualTo("MEMBER");

        assertThat(http.post("/api/v1/users", Bodies.of("email", "sam@example.test", "displayName", "Sam 2",
                "role", "VIEWER", "password", "a long enough password")).status()).isEqualTo(409);
        assertThat(http.post("/api/v1/users", Bodies.of("email", "short@example.test", "displayName", "S",
                "role", "VIEWER", "password", "short")).status()).isEqualTo(400);
        assertThat(http.post("/api/v1/users", Bodies.of("email", "root@example.test", "displayName", "R",
                "role", "ROOT", "password", "a long enough password")).status()).isEqualTo(400);

        Http.Response promoted = http.patch("/api/v1/users/" + sam, Map.of("role", "ADMIN"));
        assertThat(promoted.status()).isEqualTo(200);
        assertThat(promoted.json().get("role").asString()).isEqualTo("ADMIN");

        String me = admin.getObjectId("_id").toHexString();
        assertThat(http.patch("/api/v1/users/" + me, Map.of("role", "VIEWER")).status()).isEqualTo(200);
        // now Sam is the only admin left: neither demotion nor disabling is allowed
        // Sam chooses their own password first (the admin's was a one-time one)
        users.changeOwnPassword(sam, Map.of("currentPassword", "a long enough password",
                "newPassword", "Sam's own long password"));
        Http samClient = http.anonymous().withToken(token(users.get(sam)));
        Http.Response lastAdmin = samClient.patch("/api/v1/users/" + sam, Map.of("enabled", false));
        assertThat(lastAdmin.status()).isEqualTo(409);
        assertThat(lastAdmin.json().get("detail").asString()).contains("last enabled admin");
        assertThat(samClient.patch("/api/v1/users/" + sam, Map.of("role", "MEMBER")).status()).isEqualTo(409);

        assertThat(samClient.get("/api/v1/users").json().get("items")).hasSize(2);
        assertThat(samClient.get("/api/v1/users/" + new ObjectId()).status()).isEqualTo(404);
    }

    @Test
    void disablingAUserEndsTheirTokensAndSessions() {
        Document member = user(Role.MEMBER);
        String id = member.getObjectId("_id").toHexString();
        Http tokenClient = http.anonymous().withToken(token(member));
        Session session = Session.signIn(http.anonymous(), member.getString("email"), PASSWORD);
        assertThat(tokenClient.get("/api/v1/contacts").status()).isEqualTo(200);
        assertThat(session.get("/api/v1/contacts").status()).isEqualTo(200);

        assertThat(http.patch("/api/v1/users/" + id, Map.of("enabled", false)).status()).isEqualTo(200);

        assertThat(tokenClient.get("/api/v1/contacts").status()).isEqualTo(401);
        assertThat(session.get("/api/v1/contacts").status()).isIn(302, 401);
        assertThat(mongo.getCollection(ApiTokenService.COLLECTION)
                .countDocuments(Filters.and(Filters.eq("userId", id), Filters.eq("revokedAt", null)))).isZero();
    }

    @Test
    void aNewRoleEndsTheUsersSessionsSoTheOldRoleIsNotKept() {
        Document member = user(Role.MEMBER);
        Session session = Session.signIn(http.anonymous(), member.getString("email"), PASSWORD);
        assertThat(session.post("/api/v1/contacts", Map.of("name", "Before"), session.csrf()).status()).isEqualTo(201);

        http.patch("/api/v1/users/" + member.getObjectId("_id").toHexString(), Map.of("role", "VIEWER"));

        assertThat(session.post("/api/v1/contacts", Map.of("name", "After"), session.csrf()).status()).isEqualTo(401);
        Session again = Session.signIn(http.anonymous(), member.getString("email"), PASSWORD);
        assertThat(again.post("/api/v1/contacts", Map.of("name", "After"), again.csrf()).status()).isEqualTo(403);
    }

    @Test
    void aBrowserSessionNeedsTheCsrfTokenForChangesATokenDoesNot() {
        Document member = user(Role.MEMBER);
        Session session = Session.signIn(http.anonymous(), member.getString("email"), PASSWORD);
        assertThat(session.cookie()).contains("CRM_SESSION");
        assertThat(session.setCookie()).containsIgnoringCase("HttpOnly").containsIgnoringCase("SameSite=Lax");

        Http.Response forged = session.post("/api/v1/contacts", Map.of("name", "Forged"), null);
        assertThat(forged.status()).isEqualTo(403);
        Http.Response real = session.post("/api/v1/contacts", Map.of("name", "Real"), session.csrf());
        assertThat(real.status()).isEqualTo(201);
        // a token needs no CSRF token: it is not sent by the browser on its own
        assertThat(http.post("/api/v1/contacts", Map.of("name", "With token")).status()).isEqualTo(201);
        assertThat(mongo.getCollection("persons").countDocuments(Filters.eq("name", "Forged"))).isZero();
    }

    @Test
    void forwardedHeadersFromAnUntrustedAddressAreIgnored() {
        // no CRM_TRUSTED_PROXIES here: the test client (127.0.0.1) is not a proxy, so it cannot claim TLS
        Http.Response page = http.anonymous().get("/login", "X-Forwarded-Proto", "https",
                "X-Forwarded-For", "203.0.113.9");
        assertThat(page.header("Set-Cookie")).hasValueSatisfying(c ->
                assertThat(c).contains("CRM_SESSION").doesNotContainIgnoringCase("Secure"));
    }

    @Test
    void signInAttemptsAreRateLimitedPerAccount() {
        Document member = user(Role.MEMBER);
        String email = member.getString("email");
        int status = 0;
        Http.Response response = null;
        for (int i = 0; i < 11 && status != 429; i++) {
            response = createToken(http, email, "wrong password " + i, Map.of("name", "x"));
            status = response.status();
        }
        assertThat(status).isEqualTo(429);
        assertThat(response.header("Retry-After")).hasValueSatisfying(v -> assertThat(Long.parseLong(v)).isPositive());
        assertThat(response.json().get("status").asInt()).isEqualTo(429);
        // even the right password waits now; other accounts do not
        assertThat(createToken(http, email, PASSWORD, Map.of("name", "x")).status()).isEqualTo(429);
        Document other = user(Role.MEMBER);
        assertThat(createToken(http, other.getString("email"), PASSWORD, Map.of("name", "x")).status())
                .isEqualTo(201);
    }

    @Test
    void everyResponseCarriesSecurityHeadersAndNoServerBanner() {
        for (Http.Response response : new Http.Response[]{http.get("/health"), http.get("/api/v1/contacts"),
                http.anonymous().get("/api/v1/contacts"), http.get("/api/v1/contacts/" + new ObjectId()),
                http.anonymous().get("/login"), http.get("/person/nobody")}) {
            assertThat(response.header("Content-Security-Policy")).hasValueSatisfying(csp ->
                    assertThat(csp).contains("default-src 'self'").contains("frame-ancestors 'none'"));
            assertThat(response.header("X-Content-Type-Options")).contains("nosniff");
            assertThat(response.header("Referrer-Policy")).contains("strict-origin-when-cross-origin");
            assertThat(response.header("X-Frame-Options")).contains("DENY");
            assertThat(response.header("Server")).isEmpty();
        }
    }

    @Test
    void corsIsOffWithoutAnAllowlist() {
        Http.Response preflight = http.anonymous().send("OPTIONS", "/api/v1/contacts", null, null,
                "Origin", "https://evil.example", "Access-Control-Request-Method", "POST");
        assertThat(preflight.header("Access-Control-Allow-Origin")).isEmpty();
        Http.Response simple = http.get("/api/v1/contacts", "Origin", "https://evil.example");
        assertThat(simple.header("Access-Control-Allow-Origin")).isEmpty();
    }

    @Test
    void recordsNameTheirOwnerAndAuthorsFromTheSignedInUserNeverFromTheBody() {
        Document member = user(Role.MEMBER);
        String memberId = member.getObjectId("_id").toHexString();
        Http client = http.anonymous().withToken(token(member));
        Http.Response created = client.post("/api/v1/contacts", Map.of("name", "Ann", "createdBy", "someone-else",
                "updatedBy", "someone-else"));
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.json().get("createdBy").asString()).isEqualTo(memberId);
        assertThat(created.json().get("updatedBy").asString()).isEqualTo(memberId);
        assertThat(created.json().get("ownerId").asString()).isEqualTo(memberId);

        String id = created.json().get("id").asString();
        String adminId = admin.getObjectId("_id").toHexString();
        Http.Response reassigned = http.patch("/api/v1/contacts/" + id, Map.of("ownerId", memberId,
                "phone", "+1 555 0100"));
        assertThat(reassigned.json().get("updatedBy").asString()).isEqualTo(adminId);
        assertThat(reassigned.json().get("createdBy").asString()).isEqualTo(memberId);
        assertThat(http.patch("/api/v1/contacts/" + id, Map.of("ownerId", new ObjectId().toHexString())).status())
                .isEqualTo(400);
    }

    @Test
    void everyChangeIsInTheAuditLogForAdminsOnly() {
        String id = create("/api/v1/contacts", Map.of("name", "Ann", "email", "ann@example.test"));
        http.patch("/api/v1/contacts/" + id, Map.of("name", "Ann B"));
        http.delete("/api/v1/contacts/" + id);
        http.post("/api/v1/contacts/" + id + "/restore", Map.of());

        relayed();
        Http.Response trail = http.get("/api/v1/audit?entityType=contact&entityId=" + id);
        assertThat(trail.status()).isEqualTo(200);
        JsonNode items = trail.json().get("items");
        assertThat(items).extracting(e -> e.get("action").asString())
                .containsExactly("restore", "archive", "update", "create");
        JsonNode update = items.get(2);
        assertThat(update.get("actor").get("id").asString()).isEqualTo(admin.getObjectId("_id").toHexString());
        assertThat(update.get("state").asString()).isEqualTo("applied");
        assertThat(update.get("changes").get(0).get("field").asString()).isEqualTo("name");
        assertThat(update.get("changes").get(0).get("old").asString()).isEqualTo("Ann");
        assertThat(update.get("changes").get(0).get("new").asString()).isEqualTo("Ann B");

        Http.Response users = http.get("/api/v1/audit?entityType=user");
        assertThat(users.json().get("items").size()).isPositive();
        assertThat(users.body()).doesNotContain("passwordHash").doesNotContain("{bcrypt}");
        assertThat(http.get("/api/v1/audit?actorId=" + admin.getObjectId("_id").toHexString() + "&limit=2")
                .json().get("nextCursor").isString()).isTrue();
        assertThat(as(Role.MEMBER).get("/api/v1/audit").status()).isEqualTo(403);
        assertThat(http.get("/api/v1/audit?entityId=" + id).status()).isEqualTo(400);
        assertThat(http.get("/api/v1/audit?cursor=nope").status()).isEqualTo(400);
    }

    /** A browser-like client: a session cookie from form login, and the CSRF token of the session. */
    record Session(Http http, String cookie, String setCookie, String csrf) {

        private static final Pattern CSRF = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"");

        static Session signIn(Http http, String email, String password) {
            Http.Response page = http.get("/login");
            String cookie = cookieOf(page);
            String token = csrfOf(page);
            Http.Response login = http.send("POST", "/login", "application/x-www-form-urlencoded",
                    "username=" + enc(email) + "&password=" + enc(password) + "&_csrf=" + enc(token),
                    "Cookie", cookie);
            if (login.status() != 302 || login.header("Location").orElse("").contains("error")) {
                throw new AssertionError("sign-in failed: " + login.status() + " " + login.headers());
            }
            String session = cookieOf(login);
            // the CSRF token is renewed at sign-in; read the new one from a page of the signed-in session
            String fresh = csrfOf(http.get("/login", "Cookie", session));
            return new Session(http, session, login.header("Set-Cookie").orElse(""), fresh);
        }

        Http.Response get(String path) {
            return http.get(path, "Cookie", cookie);
        }

        Http.Response post(String path, Object body, String csrfToken) {
            return csrfToken == null ? http.post(path, body, "Cookie", cookie)
                    : http.post(path, body, "Cookie", cookie, "X-CSRF-TOKEN", csrfToken);
        }

        private static String cookieOf(Http.Response response) {
            return response.header("Set-Cookie").map(c -> c.split(";", 2)[0]).orElseThrow(() ->
                    new AssertionError("no session cookie: " + response.headers()));
        }

        private static String csrfOf(Http.Response page) {
            Matcher m = CSRF.matcher(page.body());
            if (!m.find()) {
                throw new AssertionError("no CSRF token in " + page.body());
            }
            return m.group(1);
        }

        private static String enc(String s) {
            return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8);
        }
    }
}
