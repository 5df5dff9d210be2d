package io.crm.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Date;
import java.util.Map;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import io.crm.support.ApiTest;
import io.crm.support.Http;
import org.bson.Document;
import org.bson.types.Binary;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

/**
 * Browser sessions live in the {@code sessions} collection (MongoSessionRepository): what is stored, that the
 * stored document alone is the session (what another replica would read), and that ending, expiring or corrupting
 * it signs the browser out without an error.
 */
class SharedSessionsTest extends ApiTest {

    @Autowired
    private MongoSessionRepository repository;

    private MongoCollection<Document> sessions() {
        return mongo.getCollection(MongoSessionRepository.COLLECTION);
    }

    private static String id(SecurityApiTest.Session session) {
        // the cookie carries the id base64-encoded (Spring Session's DefaultCookieSerializer)
        String value = session.cookie().substring(session.cookie().indexOf('=') + 1);
        return new String(java.util.Base64.getDecoder().decode(value), java.nio.charset.StandardCharsets.UTF_8);
    }

    @Test
    void aSignInIsStoredWithItsUserAndANewIdAndTheStoredDocumentIsTheWholeSession() {
        Document member = user(Role.MEMBER);
        Http.Response loginPage = http.anonymous().get("/login");
        String before = loginPage.header("Set-Cookie").orElseThrow();
        SecurityApiTest.Session session = SecurityApiTest.Session.signIn(http.anonymous(), member.getString("email"),
                PASSWORD);
        assertThat(session.setCookie()).startsWith("CRM_SESSION=").containsIgnoringCase("HttpOnly")
                .containsIgnoringCase("SameSite=Lax").doesNotContainIgnoringCase("Secure");
        assertThat(session.cookie()).isNotEqualTo(before.split(";", 2)[0]);

        Document stored = sessions().find(Filters.eq("_id", id(session))).first();
        assertThat(stored).isNotNull();
        assertThat(stored.getString("principal")).isEqualTo(member.getString("email"));
        assertThat(stored.getString("userId")).isEqualTo(member.getObjectId("_id").toHexString());
        assertThat(stored.getDate("expireAt")).isEqualTo(Date.from(clock.instant().plus(Duration.ofHours(8))));
        assertThat(stored.toJson()).doesNotContain(PASSWORD);
        // session fixation: only the signed-in session's document exists for this user
        assertThat(sessions().countDocuments(Filters.eq("userId", member.getObjectId("_id").toHexString())))
                .isEqualTo(1);

        // The document is the session: copied under a new id (as another replica reads it), it signs in
        Document copy = new Document(stored).append("_id", "copied-session-id");
        sessions().insertOne(copy);
        String copiedCookie = "CRM_SESSION=" + java.util.Base64.getEncoder().encodeToString(
                "copied-session-id".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Http.Response me = http.anonymous().get("/api/v1/auth/me", "Cookie", copiedCookie);
        assertThat(me.status()).isEqualTo(200);
        assertThat(me.json().get("email").asString()).isEqualTo(member.getString("email"));
        assertThat(repository.findByPrincipalName(member.getString("email"))).hasSize(2);
    }

    @Test
    void signingOutDeletesTheSession() {
        Document member = user(Role.MEMBER);
        SecurityApiTest.Session session = SecurityApiTest.Session.signIn(http.anonymous(), member.getString("email"),
                PASSWORD);
        Http.Response out = http.anonymous().send("POST", "/logout", "application/x-www-form-urlencoded",
                "_csrf=" + java.net.URLEncoder.encode(session.csrf(), java.nio.charset.StandardCharsets.UTF_8),
                "Cookie", session.cookie());
        assertThat(out.status()).isEqualTo(302);
        assertThat(sessions().countDocuments(Filters.eq("_id", id(session)))).isZero();
        assertThat(session.get("/api/v1/auth/me").status()).isEqualTo(401);
    }

    @Test
    void endingAUsersSessionsInTheStoreSignsThemOutWithTheSessionEndedPage() {
        Document member = user(Role.MEMBER);
        Document other = user(Role.MEMBER);
        SecurityApiTest.Session first = SecurityApiTest.Session.signIn(http.anonymous(), member.getString("email"),
                PASSWORD);
        SecurityApiTest.Session second = SecurityApiTest.Session.signIn(http.anonymous(), member.getString("email"),
                PASSWORD);
        SecurityApiTest.Session bystander = SecurityApiTest.Session.signIn(http.anonymous(),
                other.getString("email"), PASSWORD);

        assertThat(repository.endAllOf(member.getObjectId("_id").toHexString())).isEqualTo(2);

        Http.Response page = http.anonymous().get("/", "Cookie", first.cookie(), "Accept", "text/html");
        assertThat(page.status()).isEqualTo(302);
        assertThat(page.header("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/login?expired"));
        assertThat(second.get("/api/v1/auth/me").status()).isEqualTo(401);
        assertThat(first.get("/api/v1/auth/me").status()).isEqualTo(401);
        assertThat(bystander.get("/api/v1/auth/me").status()).isEqualTo(200);
        // the signed-out session is gone from the store; the other one ends at its own next request or expiry
        assertThat(sessions().countDocuments(Filters.eq("_id", id(first)))).isZero();
    }

    @Test
    void signingOutEverywhereEndsAllOfTheCallersSessionsAndNoOneElses() {
        Document member = user(Role.MEMBER);
        Document other = user(Role.MEMBER);
        SecurityApiTest.Session first = SecurityApiTest.Session.signIn(http.anonymous(), member.getString("email"),
                PASSWORD);
        SecurityApiTest.Session second = SecurityApiTest.Session.signIn(http.anonymous(), member.getString("email"),
                PASSWORD);
        SecurityApiTest.Session bystander = SecurityApiTest.Session.signIn(http.anonymous(),
                other.getString("email"), PASSWORD);
        // from a session it is a change like any other: it needs the CSRF token
        assertThat(http.anonymous().delete("/api/v1/auth/sessions", "Cookie", first.cookie()).status())
                .isEqualTo(403);
        Http.Response ended = http.anonymous().delete("/api/v1/auth/sessions", "Cookie", first.cookie(),
                "X-CSRF-TOKEN", first.csrf());
        assertThat(ended.status()).isEqualTo(200);
        assertThat(ended.json().get("ended").asInt()).isEqualTo(2);
        assertThat(first.get("/api/v1/auth/me").status()).isEqualTo(401);
        assertThat(second.get("/api/v1/auth/me").status()).isEqualTo(401);
        assertThat(bystander.get("/api/v1/auth/me").status()).isEqualTo(200);
        // with a token too (a script signing its owner out of every browser)
        SecurityApiTest.Session third = SecurityApiTest.Session.signIn(http.anonymous(), member.getString("email"),
                PASSWORD);
        assertThat(http.anonymous().withToken(token(member)).delete("/api/v1/auth/sessions").json().get("ended")
                .asInt()).isEqualTo(1);
        assertThat(third.get("/api/v1/auth/me").status()).isEqualTo(401);
    }

    @Test
    void anUnreadableStoredSessionIsTreatedAsAbsentNotAnError() {
        Document member = user(Role.MEMBER);
        SecurityApiTest.Session session = SecurityApiTest.Session.signIn(http.anonymous(), member.getString("email"),
                PASSWORD);
        // what a class changed between releases looks like: bytes that no longer deserialize
        sessions().updateOne(Filters.eq("_id", id(session)),
                Updates.set("attributes", new Binary(new byte[] {(byte) 0xac, (byte) 0xed, 0, 5, 115, 114, 0, 3})));
        assertThat(session.get("/api/v1/auth/me").status()).isEqualTo(401);
        Http.Response page = http.anonymous().get("/", "Cookie", session.cookie(), "Accept", "text/html");
        assertThat(page.status()).isEqualTo(302);
        assertThat(sessions().countDocuments(Filters.eq("_id", id(session)))).isZero();
        // and the user simply signs in again
        SecurityApiTest.Session.signIn(http.anonymous(), member.getString("email"), PASSWORD);
    }

    @Test
    void aPlantedSessionNamingAClassOutsideTheAllowListIsRefused() throws Exception {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
            out.writeObject(new java.util.HashMap<>(Map.of("x", new org.bson.types.ObjectId())));
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> MongoSessionRepository.deserialize(
                bytes.toByteArray())).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void expiredSessionsAreNotUsedAndAreCleanedUp() {
        Document member = user(Role.MEMBER);
        SecurityApiTest.Session session = SecurityApiTest.Session.signIn(http.anonymous(), member.getString("email"),
                PASSWORD);
        SecurityApiTest.Session fresh = SecurityApiTest.Session.signIn(http.anonymous(), member.getString("email"),
                PASSWORD);
        sessions().updateOne(Filters.eq("_id", id(session)), Updates.set("expireAt", new Date(0)));
        assertThat(repository.findByPrincipalName(member.getString("email"))).containsOnlyKeys(id(fresh));
        assertThat(repository.deleteExpired()).isEqualTo(1);
        assertThat(session.get("/api/v1/auth/me").status()).isEqualTo(401);
        assertThat(fresh.get("/api/v1/auth/me").status()).isEqualTo(200);
    }

    @Test
    void aSessionEndsOnceIdleForTheTimeoutOnTheServiceClockAndEachRequestMovesItsDeadline() {
        Document member = user(Role.MEMBER);
        SecurityApiTest.Session session = SecurityApiTest.Session.signIn(http.anonymous(), member.getString("email"),
                PASSWORD);
        clock.advance(Duration.ofHours(7));
        assertThat(session.get("/api/v1/auth/me").status()).isEqualTo(200);
        assertThat(sessions().find(Filters.eq("_id", id(session))).first().getDate("expireAt"))
                .isEqualTo(Date.from(clock.instant().plus(Duration.ofHours(8))));
        // 14 hours after signing in, 7 since the last request
        clock.advance(Duration.ofHours(7));
        assertThat(session.get("/api/v1/auth/me").status()).isEqualTo(200);
        clock.advance(Duration.ofHours(8));
        assertThat(session.get("/api/v1/auth/me").status()).isEqualTo(401);
        assertThat(sessions().countDocuments(Filters.eq("_id", id(session)))).isZero();
    }

    @Test
    void aSessionNobodySignedInToIsKeptHalfAnHourNotTheSignedInTimeout() {
        Http.Response loginPage = http.anonymous().get("/login");
        String cookie = loginPage.header("Set-Cookie").orElseThrow().split(";", 2)[0];
        String id = new String(java.util.Base64.getDecoder().decode(cookie.substring("CRM_SESSION=".length())),
                java.nio.charset.StandardCharsets.UTF_8);
        Document stored = sessions().find(Filters.eq("_id", id)).first();
        assertThat(stored).isNotNull();
        long idle = stored.getDate("expireAt").getTime() - stored.getDate("accessed").getTime();
        assertThat(idle).isEqualTo(MongoSessionRepository.ANONYMOUS_IDLE.toMillis());
        assertThat(stored.containsKey("principal")).isFalse();
    }

    @Test
    void tokenAndBasicCallsCreateNoSession() {
        Document member = user(Role.MEMBER);
        assertThat(http.get("/api/v1/contacts").header("Set-Cookie")).isEmpty();
        Http.Response created = http.anonymous().post("/api/v1/auth/tokens", Map.of("name", "x"), "Authorization",
                "Basic " + java.util.Base64.getEncoder().encodeToString((member.getString("email") + ":" + PASSWORD)
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.header("Set-Cookie")).isEmpty();
        assertThat(sessions().countDocuments()).isZero();
    }
}
