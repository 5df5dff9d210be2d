package io.crm.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import io.crm.security.Role;
import io.crm.support.ApiTest;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/** The bell in every page's header, and its page, which marks what it shows as read. */
class NotificationPagesTest extends ApiTest {

    @Test
    void theBellCountsUnreadNotificationsAndOpeningItsPageMarksThemRead() {
        Document viewer = user(Role.VIEWER);
        String email = viewer.getString("email");
        String handle = email.substring(0, email.indexOf('@'));
        String contact = create("/api/v1/contacts", Map.of("name", "Carla Diaz"));
        create("/api/v1/activities", Map.of("subject", "Intro", "body", "@" + handle + " meet Carla",
                "contactId", contact));
        create("/api/v1/activities", Map.of("subject", "Follow-up <b>now</b> @" + handle, "contactId", contact));
        relayed();

        WebSession session = WebSession.signIn(http.base(), email, PASSWORD);
        String dashboard = session.get("/").body();
        assertThat(dashboard).contains("aria-label=\"Notifications, 2 unread\"", "class=\"bell-count\">2<");

        String page = session.get("/notifications").body();
        assertThat(page).contains("mentioned you in “Follow-up &lt;b&gt;now&lt;/b&gt; @" + handle + "”",
                "href=\"/contacts/" + contact + "\"", "class=\"unread\"");
        assertThat(page).doesNotContain("bell-count");

        String again = session.get("/notifications").body();
        assertThat(again).doesNotContain("class=\"unread\"");
        assertThat(session.get("/").body()).contains("aria-label=\"Notifications\"").doesNotContain("bell-count");
    }

    @Test
    void withNothingToShowThePageSaysWhatWouldAppear() {
        WebSession session = WebSession.signIn(http.base(), admin.getString("email"), PASSWORD);
        assertThat(session.get("/notifications").body()).contains("Nothing yet", "a deal you own changes stage");
    }
}
