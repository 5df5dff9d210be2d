package io.crm.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;

import io.crm.security.Role;
import io.crm.support.ApiTest;
import io.crm.support.Http;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/**
 * Dates on the pages in the user's zone, over real HTTP with a browser session: the browser's zone (the crm_tz
 * cookie the page script sets), the user's setting winning over it, UTC for a garbled cookie, and a due date picked
 * in the form read in the user's zone. The API's instants stay UTC throughout.
 */
class TimeZonePagesTest extends ApiTest {

    private static final ZoneId AUCKLAND = ZoneId.of("Pacific/Auckland");
    private static final ZoneId LOS_ANGELES = ZoneId.of("America/Los_Angeles");
    /** How a page shows a time: the zone's short name after it. */
    private static final DateTimeFormatter SHOWN = DateTimeFormatter.ofPattern("d MMM yyyy HH:mm z", Locale.ENGLISH);

    private WebSession signIn(Document user) {
        return WebSession.signIn(http.base(), user.getString("email"), PASSWORD);
    }

    /** The contact's last change as the API reports it (UTC), and the contact page as the session sees it. */
    private Instant updatedAt(String contactId) {
        String updated = http.get("/api/v1/contacts/" + contactId).json().get("updatedAt").asString();
        assertThat(updated).endsWith("Z");
        return Instant.parse(updated);
    }

    private static String shown(Instant instant, ZoneId zone) {
        return SHOWN.format(instant.atZone(zone));
    }

    @Test
    void aPageShowsTimesInTheBrowsersZoneAndTheApiStaysUtc() {
        String contactId = create("/api/v1/contacts", Map.of("name", "Zoe Zone"));
        Instant updated = updatedAt(contactId);
        WebSession member = signIn(user(Role.MEMBER));

        // before the script has told the zone: UTC, and the page may be reloaded once the cookie is there
        Http.Response utc = member.get("/contacts/" + contactId);
        assertThat(utc.body()).contains(shown(updated, ZoneId.of("UTC")),
                "<meta name=\"crm-tz\" content=\"UTC\">",
                "<meta name=\"crm-tz-reload\" content=\"true\">", "<script src=\"/js/tz.js\">");

        member.cookie(UserZones.COOKIE, "Pacific/Auckland");
        Http.Response page = member.get("/contacts/" + contactId);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains(shown(updated, AUCKLAND),
                "<meta name=\"crm-tz\" content=\"Pacific/Auckland\">",
                "<meta name=\"crm-tz-reload\" content=\"true\">",
                "id=\"user-zone\">Pacific/Auckland</span>")
                .doesNotContain(shown(updated, ZoneId.of("UTC")));
        assertThat(shown(updated, AUCKLAND)).containsAnyOf("NZDT", "NZST");

        // the API read with the same browser session: UTC instants whatever the cookie says
        Http.Response api = member.get("/api/v1/contacts/" + contactId, "Accept", "application/json");
        assertThat(api.json().get("updatedAt").asString()).isEqualTo(updated.toString());
    }

    @Test
    void theUsersSettingWinsOverTheBrowsersZone() {
        String contactId = create("/api/v1/contacts", Map.of("name", "Sam Setting"));
        Instant updated = updatedAt(contactId);
        // every role has its own settings, viewers too
        Document viewer = user(Role.VIEWER);
        String userId = viewer.getObjectId("_id").toHexString();
        WebSession session = signIn(viewer);
        session.cookie(UserZones.COOKIE, "Pacific/Auckland");

        Http.Response form = session.get("/account/settings");
        assertThat(form.status()).isEqualTo(200);
        assertThat(form.body()).contains("<option value=\"\" selected=\"selected\">Browser default</option>",
                "<option value=\"America/Los_Angeles\">America/Los_Angeles</option>", "(your browser's time zone)");
        assertThat(session.post("/account/settings", Map.of("timeZone", "America/Los_Angeles"), false).status())
                .as("without the CSRF token").isEqualTo(403);
        Http.Response saved = session.post("/account/settings", Map.of("timeZone", "America/Los_Angeles"), true);
        assertThat(saved.status()).isEqualTo(302);
        assertThat(saved.header("Location").orElseThrow()).endsWith("/account/settings");
        assertThat(session.get("/account/settings").body()).contains("Settings saved.", "(your setting)",
                "<option value=\"America/Los_Angeles\" selected=\"selected\">");

        Http.Response page = session.get("/contacts/" + contactId);
        assertThat(page.body()).contains(shown(updated, LOS_ANGELES),
                "<meta name=\"crm-tz\" content=\"America/Los_Angeles\">",
                "<meta name=\"crm-tz-reload\" content=\"false\">")
                .doesNotContain(shown(updated, AUCKLAND));
        // the setting is the user's: in their API representations, without changing the API's instants
        Http.Response me = http.anonymous().withToken(token(viewer)).get("/api/v1/auth/me");
        assertThat(me.json().get("timeZone").asString()).isEqualTo("America/Los_Angeles");
        assertThat(http.get("/api/v1/users/" + userId).json().get("timeZone").asString())
                .isEqualTo("America/Los_Angeles");
        relayed();
        assertThat(http.get("/api/v1/audit?entityType=user&entityId=" + userId).body()).contains("timeZone");

        // not a zone: the form says so and nothing changes
        Http.Response refused = session.post("/account/settings", Map.of("timeZone", "Mars/Olympus_Mons"), true);
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.body()).contains("is not a known time zone");
        assertThat(users.get(userId).getString("timeZone")).isEqualTo("America/Los_Angeles");

        // back to the browser's zone
        assertThat(session.post("/account/settings", Map.of("timeZone", ""), true).status()).isEqualTo(302);
        assertThat(users.get(userId).containsKey("timeZone")).isFalse();
        assertThat(session.get("/contacts/" + contactId).body()).contains(shown(updated, AUCKLAND));
        assertThat(http.anonymous().withToken(token(viewer)).get("/api/v1/auth/me").json().get("timeZone").isNull())
                .isTrue();
    }

    @Test
    void aGarbledCookieShowsUtcAndNeverFails() {
        String contactId = create("/api/v1/contacts", Map.of("name", "Gary Garbage"));
        Instant updated = updatedAt(contactId);
        WebSession member = signIn(user(Role.MEMBER));
        for (String garbage : new String[] {"Not/AZone", "../../etc/passwd", "<script>x</script>", "%2F%00",
                "Europe/Berlin%3Bx", "A".repeat(300), "+99:00"}) {
            member.cookie(UserZones.COOKIE, garbage);
            Http.Response page = member.get("/contacts/" + contactId);
            assertThat(page.status()).as(garbage).isEqualTo(200);
            assertThat(page.body()).as(garbage).contains(shown(updated, ZoneId.of("UTC")),
                    "<meta name=\"crm-tz\" content=\"UTC\"");
            assertThat(member.get("/").status()).as(garbage).isEqualTo(200);
        }
    }

    @Test
    void aDueDateIsTheEndOfThatDayWhereTheUserIs() {
        String contactId = create("/api/v1/contacts", Map.of("name", "Tess Task"));
        WebSession member = signIn(user(Role.MEMBER));
        member.get("/contacts/" + contactId);
        for (Map.Entry<String, String> zone : Map.of("Pacific/Auckland", "2030-12-03T10:59:59Z",
                "America/Los_Angeles", "2030-12-04T07:59:59Z").entrySet()) {
            member.cookie(UserZones.COOKIE, zone.getKey());
            String subject = "Due in " + zone.getKey();
            assertThat(member.post("/activities", Map.of("contactId", contactId, "on", "contact", "type", "task",
                    "subject", subject, "dueDate", "2030-12-03"), true).status()).isEqualTo(302);
            String dueAt = http.get("/api/v1/activities?contactId=" + contactId).json().get("items").valueStream()
                    .filter(a -> a.get("subject").asString().equals(subject)).findFirst().orElseThrow()
                    .get("dueAt").asString();
            assertThat(dueAt).as(zone.getKey()).isEqualTo(zone.getValue());
            // shown back in the same zone: the day that was picked
            assertThat(member.get("/contacts/" + contactId).body()).as(zone.getKey()).contains("due 3 Dec 2030");
        }
    }
}
