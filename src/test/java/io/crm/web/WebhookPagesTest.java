package io.crm.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import io.crm.security.Role;
import io.crm.support.ApiTest;
import io.crm.support.Http;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;

/** The admin page of webhooks over real HTTP, as a browser uses it (session, CSRF, form posts). */
class WebhookPagesTest extends ApiTest {

    @Test
    void anAdminSeesHealthCreatesPausesResumesAndDeletes() {
        WebSession admin = WebSession.signIn(http.base(), this.admin.getString("email"), PASSWORD);
        assertThat(admin.get("/admin/webhooks").body()).contains("No webhooks.", "href=\"/admin/webhooks\"");
        assertThat(admin.get("/admin/users").body()).contains("href=\"/admin/webhooks\"");

        Http.Response created = admin.post("/admin/webhooks", Map.of("url", "https://93.184.216.34/hooks",
                "events", "contact.*, deal.stage_changed", "description", "ERP"), true);
        assertThat(created.status()).isEqualTo(302);
        String page = admin.get("/admin/webhooks").body();
        Matcher secret = Pattern.compile("<code class=\"secret\">(whsec_[^<]+)</code>").matcher(page);
        assertThat(secret.find()).isTrue();
        assertThat(page).contains("https://93.184.216.34/hooks", "contact.*, deal.stage_changed", "Active");
        // shown once only
        assertThat(admin.get("/admin/webhooks").body()).doesNotContain(secret.group(1));

        String id = http.get("/api/v1/webhooks").json().get("items").get(0).get("id").asString();
        // the service disabled it after days of failures: the page says why, and since when it failed
        mongo.getCollection("webhook_subscriptions").updateOne(Filters.eq("_id", new ObjectId(id)), Updates.combine(
                Updates.set("disabled", true), Updates.set("disabledAt", new Date()),
                Updates.set("disabledReason", "every delivery failed for 3 days"),
                Updates.set("failingSince", new Date()),
                Updates.set("recentFailures", List.of(new Document("at", new Date()).append("responseCode", 503)
                        .append("error", "HTTP 503").append("eventType", "contact.created")))));
        page = admin.get("/admin/webhooks").body();
        assertThat(page).contains("Disabled", "every delivery failed for 3 days", "HTTP 503", "Resume");

        assertThat(admin.post("/admin/webhooks/" + id + "/paused", Map.of("paused", "false"), true).status())
                .isEqualTo(302);
        assertThat(http.get("/api/v1/webhooks/" + id).json().get("disabled").asBoolean()).isFalse();
        admin.get("/admin/webhooks");
        assertThat(admin.post("/admin/webhooks/" + id + "/paused", Map.of("paused", "true"), true).status())
                .isEqualTo(302);
        assertThat(http.get("/api/v1/webhooks/" + id).json().get("paused").asBoolean()).isTrue();
        assertThat(admin.get("/admin/webhooks").body()).contains("Paused");

        // a refused URL comes back as the page's error
        admin.post("/admin/webhooks", Map.of("url", "https://10.0.0.1/x", "events", "contact.*"), true);
        assertThat(admin.get("/admin/webhooks").body()).contains("a private address");

        assertThat(admin.post("/admin/webhooks/" + id + "/delete", Map.of(), true).status()).isEqualTo(302);
        assertThat(http.get("/api/v1/webhooks").json().get("items")).isEmpty();
    }

    @Test
    void nonAdminsCannotSeeThePage() {
        users.create(Map.of("email", "member-webhooks@example.test", "displayName", "M", "role",
                Role.MEMBER.name(), "password", PASSWORD), false);
        WebSession member = WebSession.signIn(http.base(), "member-webhooks@example.test", PASSWORD);
        assertThat(member.get("/admin/webhooks").status()).isEqualTo(403);
        assertThat(member.post("/admin/webhooks", Map.of("url", "https://93.184.216.34/x", "events", "*"), true)
                .status()).isEqualTo(403);
    }
}
