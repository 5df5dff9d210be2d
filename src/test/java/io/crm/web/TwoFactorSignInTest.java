package io.crm.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.crm.security.MfaService;
import io.crm.security.Role;
import io.crm.security.Totp;
import io.crm.support.ApiTest;
import io.crm.support.Http;
import org.bson.Document;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

/**
 * Two-factor sign-in over real HTTP: enrolment in the account pages, the sign-in's second step, one use per code,
 * recovery codes, X-CRM-OTP with HTTP Basic, the admin's reset and the sign-in throttle. Codes are computed from the
 * secret at the service's clock, which the tests move (never sleep).
 */
class TwoFactorSignInTest extends ApiTest {

    private static final Pattern SECRET = Pattern.compile("id=\"mfa-secret\">([A-Z2-7 ]+)<");
    private static final Pattern RECOVERY = Pattern.compile("<code class=\"secret\">([A-Z2-9-]{19})</code>");

    @Autowired
    MfaService mfa;

    /** A user with two-factor sign-in on, its secret, and its recovery codes. */
    record Enrolled(Document user, String secret, List<String> recovery) {
        String email() {
            return user.getString("email");
        }

        String id() {
            return user.getObjectId("_id").toHexString();
        }
    }

    private Enrolled enrolled(Role role) {
        Document user = user(role);
        String secret = Totp.newSecret();
        List<String> codes = mfa.enable(user.getObjectId("_id").toHexString(), secret, now(secret));
        // the enrolment's code is spent: the tests' codes come from the next step on
        clock.advance(Duration.ofSeconds(Totp.STEP_SECONDS));
        return new Enrolled(user, secret, codes);
    }

    private String now(String secret) {
        return Totp.code(secret, Totp.step(clock.instant()));
    }

    /** The password step: the browser is sent to the second step, and the session is not signed in yet. */
    private WebSession password(String email) {
        WebSession session = WebSession.anonymous(http.base());
        session.get("/login");
        Http.Response login = session.post("/login", Map.of("username", email, "password", PASSWORD), true);
        assertThat(login.status()).isEqualTo(302);
        assertThat(login.header("Location").orElseThrow()).endsWith("/login/otp");
        session.get("/login/otp");
        return session;
    }

    private static Http.Response code(WebSession session, String code) {
        return session.post("/login/otp", Map.of("code", code), true);
    }

    private static String basic(String email) {
        return "Basic " + Base64.getEncoder().encodeToString((email + ":" + PASSWORD)
                .getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void enrolmentInTheAccountPagesNeedsAFirstCodeAndShowsTenRecoveryCodesOnce() {
        Document member = user(Role.MEMBER);
        WebSession session = WebSession.signIn(http.base(), member.getString("email"), PASSWORD);
        assertThat(session.get("/account/settings").body()).contains("href=\"/account/mfa\"");
        assertThat(session.get("/account/mfa").body()).contains("is <strong>off</strong>");

        assertThat(session.post("/account/mfa/setup", Map.of(), true).header("Location").orElseThrow())
                .endsWith("/account/mfa/setup");
        Http.Response setup = session.get("/account/mfa/setup");
        assertThat(setup.status()).isEqualTo(200);
        assertThat(setup.body()).contains("src=\"data:image/svg+xml;base64,").contains("otpauth://totp/CRM:");
        Matcher shown = SECRET.matcher(setup.body());
        assertThat(shown.find()).isTrue();
        String secret = shown.group(1).replace(" ", "");
        assertThat(setup.body()).contains("secret=" + secret);
        String svg = new String(Base64.getDecoder().decode(setup.body().replaceAll(
                "(?s).*src=\"data:image/svg\\+xml;base64,([^\"]+)\".*", "$1")), StandardCharsets.UTF_8);
        assertThat(svg).startsWith("<svg").contains("<path d=\"M");

        // not on until confirmed: a wrong code leaves it off
        String wrong = Totp.code(secret, Totp.step(clock.instant()) + 5);
        assertThat(session.post("/account/mfa/confirm", Map.of("code", wrong), true).status()).isEqualTo(400);
        assertThat(users.get(member.getObjectId("_id").toHexString()).get("totp")).isNull();

        Http.Response confirmed = session.post("/account/mfa/confirm", Map.of("code", now(secret)), true);
        assertThat(confirmed.status()).isEqualTo(200);
        List<String> recovery = new ArrayList<>();
        Matcher codes = RECOVERY.matcher(confirmed.body());
        while (codes.find()) {
            recovery.add(codes.group(1));
        }
        assertThat(recovery).hasSize(10).doesNotHaveDuplicates();
        Document stored = users.get(member.getObjectId("_id").toHexString());
        assertThat(stored.get("totp", Document.class).getString("secret")).isEqualTo(secret);
        // only hashes are kept
        assertThat(stored.toJson()).doesNotContain(recovery.get(0));
        assertThat(session.get("/account/mfa").body()).contains("is <strong>on</strong>").contains("10</span>");
        assertThat(http.get("/api/v1/users/" + member.getObjectId("_id").toHexString()).json()
                .get("mfaEnabled").asBoolean()).isTrue();

        // the next sign-in asks for a code; the one just used for enrolment is spent
        WebSession next = password(member.getString("email"));
        assertThat(code(next, now(secret)).status()).isEqualTo(401);
        clock.advance(Duration.ofSeconds(Totp.STEP_SECONDS));
        assertThat(code(next, now(secret)).status()).isEqualTo(302);
        relayed();
        assertThat(mongo.getCollection("audit_events").find(new Document("entityId",
                member.getObjectId("_id").toHexString())).into(new ArrayList<>()).toString())
                .contains("mfa").contains("enabled").doesNotContain(secret);
    }

    @Test
    void afterThePasswordNothingButTheCodePageUntilACorrectCode() {
        Enrolled ann = enrolled(Role.ADMIN);
        WebSession session = password(ann.email());
        Http.Response page = session.get("/login/otp");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("autocomplete=\"one-time-code\"");
        // the password alone reaches nothing
        assertThat(session.get("/contacts").header("Location").orElse("")).endsWith("/login");
        assertThat(session.get("/api/v1/auth/me", "Accept", "application/json").status()).isEqualTo(401);
        assertThat(session.get("/admin/users").status()).isEqualTo(302);

        Http.Response wrong = code(session, "000000".equals(now(ann.secret())) ? "111111" : "000000");
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.body()).contains("wrong, expired or already used");

        Http.Response right = code(session, now(ann.secret()));
        assertThat(right.status()).isEqualTo(302);
        assertThat(right.header("Location").orElseThrow()).doesNotContain("login");
        assertThat(session.get("/contacts").status()).isEqualTo(200);
        Http.Response me = session.get("/api/v1/auth/me", "Accept", "application/json");
        assertThat(me.status()).isEqualTo(200);
        assertThat(me.json().get("mfaEnabled").asBoolean()).isTrue();
        assertThat(session.get("/admin/users").body()).contains("Reset two-factor sign-in of " + ann.email());
    }

    @Test
    void aCodeIsUsableOnceAndOnlyWithinOneStepEitherSide() {
        Enrolled ann = enrolled(Role.MEMBER);
        long step = Totp.step(clock.instant());
        String code = Totp.code(ann.secret(), step);
        assertThat(code(password(ann.email()), code).status()).isEqualTo(302);
        // the same code again (another browser, the same 30 s): refused
        assertThat(code(password(ann.email()), code).status()).isEqualTo(401);
        // an older step's code, though within the window: refused too (only later steps count)
        clock.advance(Duration.ofSeconds(Totp.STEP_SECONDS));
        assertThat(code(password(ann.email()), Totp.code(ann.secret(), step)).status()).isEqualTo(401);
        // two steps away either side: refused
        long later = Totp.step(clock.instant());
        assertThat(code(password(ann.email()), distinct(ann.secret(), later, later + 2)).status()).isEqualTo(401);
        assertThat(code(password(ann.email()), distinct(ann.secret(), later, later - 2)).status()).isEqualTo(401);
        // one step ahead (a fast phone): accepted, and then the current step's code is old
        assertThat(code(password(ann.email()), Totp.code(ann.secret(), later + 1)).status()).isEqualTo(302);
        assertThat(code(password(ann.email()), Totp.code(ann.secret(), later)).status()).isEqualTo(401);
    }

    /** The code of {@code step}, which must differ from the codes around {@code now} (else it would be valid). */
    private static String distinct(String secret, long now, long step) {
        String code = Totp.code(secret, step);
        for (long near = now - 1; near <= now + 1; near++) {
            assertThat(Totp.code(secret, near)).isNotEqualTo(code);
        }
        return code;
    }

    @Test
    void aRecoveryCodeSignsInOnce() {
        Enrolled ann = enrolled(Role.VIEWER);
        String recovery = ann.recovery().get(3);
        assertThat(code(password(ann.email()), recovery.toLowerCase()).status()).isEqualTo(302);
        assertThat(code(password(ann.email()), recovery).status()).isEqualTo(401);
        assertThat(mfa.recoveryCodesLeft(ann.id())).isEqualTo(9);
        assertThat(code(password(ann.email()), ann.recovery().get(4)).status()).isEqualTo(302);
    }

    @Test
    void turningItOffNeedsACurrentCodeOrARecoveryCode() {
        Enrolled ann = enrolled(Role.MEMBER);
        WebSession session = password(ann.email());
        assertThat(code(session, now(ann.secret())).status()).isEqualTo(302);
        session.get("/account/mfa");
        // the code just used to sign in is spent, so it cannot turn it off either
        session.post("/account/mfa/disable", Map.of("code", now(ann.secret())), true);
        assertThat(mfa.enabled(ann.id())).isTrue();
        assertThat(session.get("/account/mfa").body()).contains("is not a current code");
        // wrong codes here are failed sign-ins: after the free ones, even a right code waits
        String wrong = distinct(ann.secret(), Totp.step(clock.instant()), Totp.step(clock.instant()) + 9);
        for (int i = 0; i < 4; i++) {
            session.post("/account/mfa/disable", Map.of("code", wrong), true);
            // as a browser does: the redirect's page shows (and so consumes) the message
            session.get("/account/mfa");
        }
        session.post("/account/mfa/disable", Map.of("code", ann.recovery().get(0)), true);
        assertThat(mfa.enabled(ann.id())).isTrue();
        assertThat(session.get("/account/mfa").body()).contains("Too many wrong codes");
        clock.advance(Duration.ofMinutes(1));
        session.post("/account/mfa/disable", Map.of("code", ann.recovery().get(0)), true);
        assertThat(mfa.enabled(ann.id())).isFalse();
        // the password alone signs in again
        WebSession plain = WebSession.signIn(http.base(), ann.email(), PASSWORD);
        assertThat(plain.get("/contacts").status()).isEqualTo(200);
    }

    @Test
    void httpBasicNeedsTheCodeInXCrmOtp() {
        Enrolled ann = enrolled(Role.MEMBER);
        Http anonymous = http.anonymous();
        Map<String, Object> body = Map.of("name", "ci");

        Http.Response missing = anonymous.post("/api/v1/auth/tokens", body, "Authorization", basic(ann.email()));
        assertThat(missing.status()).isEqualTo(401);
        assertThat(missing.contentType()).startsWith("application/problem+json");
        assertThat(missing.json().get("detail").asString())
                .isEqualTo("Two-factor code required: send it in the X-CRM-OTP header");

        String current = now(ann.secret());
        String wrong = Totp.code(ann.secret(), Totp.step(clock.instant()) + 3);
        Http.Response refused = anonymous.post("/api/v1/auth/tokens", body, "Authorization", basic(ann.email()),
                "X-CRM-OTP", wrong.equals(current) ? "000000" : wrong);
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.json().get("detail").asString()).contains("wrong");

        assertThat(anonymous.post("/api/v1/auth/tokens", body, "Authorization", basic(ann.email()),
                "X-CRM-OTP", current).status()).isEqualTo(201);
        assertThat(anonymous.post("/api/v1/auth/tokens", body, "Authorization", basic(ann.email()),
                "X-CRM-OTP", current).status()).isEqualTo(401);
        // Basic on the other auth endpoints too
        assertThat(anonymous.get("/api/v1/auth/me", "Authorization", basic(ann.email())).status()).isEqualTo(401);
        clock.advance(Duration.ofSeconds(Totp.STEP_SECONDS));
        Http.Response me = anonymous.get("/api/v1/auth/me", "Authorization", basic(ann.email()),
                "X-CRM-OTP", now(ann.secret()));
        assertThat(me.status()).isEqualTo(200);
        assertThat(me.json().get("mfaEnabled").asBoolean()).isTrue();
        // a user without a second factor: the password alone, as before
        Document plain = user(Role.MEMBER);
        assertThat(anonymous.post("/api/v1/auth/tokens", body, "Authorization", basic(plain.getString("email")))
                .status()).isEqualTo(201);
    }

    @Test
    void anAdminResetsASecondFactorAudited() {
        Enrolled ann = enrolled(Role.MEMBER);
        assertThat(as(Role.MEMBER).delete("/api/v1/users/" + ann.id() + "/mfa").status()).isEqualTo(403);
        Http.Response reset = http.delete("/api/v1/users/" + ann.id() + "/mfa");
        assertThat(reset.status()).isEqualTo(200);
        assertThat(reset.json().get("mfaEnabled").asBoolean()).isFalse();
        assertThat(users.get(ann.id()).get("totp")).isNull();
        relayed();
        List<Document> events = mongo.getCollection("audit_events").find(new Document("entityId", ann.id()))
                .into(new ArrayList<>());
        assertThat(events.toString()).contains("mfa").contains("reset").doesNotContain(ann.secret());
        assertThat(http.delete("/api/v1/users/" + new org.bson.types.ObjectId() + "/mfa").status()).isEqualTo(404);

        // the web UI's button does the same
        Enrolled bob = enrolled(Role.VIEWER);
        WebSession admin = WebSession.signIn(http.base(), this.admin.getString("email"), PASSWORD);
        assertThat(admin.get("/admin/users").body()).contains("/admin/users/" + bob.id() + "/mfa/reset");
        assertThat(admin.post("/admin/users/" + bob.id() + "/mfa/reset", Map.of(), true).status()).isEqualTo(302);
        assertThat(mfa.enabled(bob.id())).isFalse();
    }

    @Test
    void wrongCodesCountAsFailedSignIns() {
        Enrolled ann = enrolled(Role.MEMBER);
        WebSession session = password(ann.email());
        String wrong = distinct(ann.secret(), Totp.step(clock.instant()), Totp.step(clock.instant()) + 7);
        // the default allows 5 failures per account and address before a wait
        for (int i = 0; i < 3; i++) {
            assertThat(code(session, wrong).status()).isEqualTo(401);
        }
        // the right password again does not wipe out the wrong codes before it
        WebSession again = password(ann.email());
        for (int i = 0; i < 2; i++) {
            assertThat(code(again, wrong).status()).isEqualTo(401);
        }
        Http.Response throttled = code(again, now(ann.secret()));
        assertThat(throttled.status()).isEqualTo(429);
        assertThat(throttled.header("Retry-After")).isPresent();
        // X-CRM-OTP with HTTP Basic counts for the same account and address
        assertThat(http.anonymous().post("/api/v1/auth/tokens", Map.of("name", "x"), "Authorization",
                basic(ann.email()), "X-CRM-OTP", now(ann.secret())).status()).isEqualTo(429);
        clock.advance(Duration.ofMinutes(1));
        assertThat(code(password(ann.email()), now(ann.secret())).status()).isEqualTo(302);
    }
}
