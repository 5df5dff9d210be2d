package io.crm.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.crm.security.Role;
import io.crm.support.ApiTest;
import io.crm.support.Http;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/**
 * The web UI's controllers over real HTTP with a browser session: pages render from the services, forms show the
 * services' validation messages, the role rules hold on the server (a viewer's forged post is refused), every UI
 * write needs the CSRF token, and a stale deal card is refused. The index-coverage check of {@link ApiTest} also
 * covers the queries these pages send (dashboard tasks, board columns, filters).
 */
class WebUiApiTest extends ApiTest {

    private static final Pattern LOCATION_ID = Pattern.compile("/contacts/([0-9a-f]{24})$");

    private WebSession signedIn(Role role) {
        Document user = user(role);
        return WebSession.signIn(http.base(), user.getString("email"), PASSWORD);
    }

    @Test
    void rootIsTheDashboardForSignedInBrowsersAndTheLoginForAnonymousOnes() {
        Http.Response anonymous = WebSession.anonymous(http.base()).get("/");
        assertThat(anonymous.status()).isEqualTo(302);
        assertThat(anonymous.header("Location").orElseThrow()).endsWith("/login");

        WebSession member = signedIn(Role.MEMBER);
        Http.Response dashboard = member.get("/");
        assertThat(dashboard.status()).isEqualTo(200);
        assertThat(dashboard.contentType()).startsWith("text/html");
        assertThat(dashboard.body()).contains("<title>Dashboard · CRM</title>", "Pipeline", "My open tasks",
                "Recently changed", "Skip to content");
        assertThat(dashboard.header("Content-Security-Policy").orElseThrow()).contains("script-src 'self'");
        // no inline script or style anywhere (the CSP would block it)
        assertThat(dashboard.body()).doesNotContain("style=\"", "<style", "onclick=").containsPattern(
                "<script src=\"/webjars/htmx.org/[0-9.]+/dist/htmx.min.js\"");
    }

    @Test
    void theWebJarsAndScriptsAreServedWithoutSignIn() {
        WebSession anonymous = WebSession.anonymous(http.base());
        for (String asset : List.of("/webjars/htmx.org/dist/htmx.min.js", "/webjars/sortablejs/Sortable.min.js",
                "/js/app.js", "/js/tz.js", "/js/board.js", "/js/import.js", "/js/duplicates.js", "/css/app.css")) {
            Http.Response response = anonymous.get(asset);
            assertThat(response.status()).as(asset).isEqualTo(200);
            assertThat(response.body()).as(asset).hasSizeGreaterThan(500);
        }
    }

    @Test
    void contactFormShowsTheServicesValidationMessagesThenCreatesSearchesAndAddsANote() {
        WebSession member = signedIn(Role.MEMBER);
        member.get("/contacts/new");
        Http.Response invalid = member.post("/contacts", Map.of("name", "", "email", "not-an-email"), true);
        assertThat(invalid.status()).isEqualTo(400);
        assertThat(invalid.body()).contains("Please correct the fields marked below", "aria-invalid=\"true\"",
                "value=\"not-an-email\"");
        assertThat(fieldError(invalid.body(), "name")).isNotBlank();
        assertThat(fieldError(invalid.body(), "email")).isNotBlank();

        Http.Response created = member.post("/contacts", Map.of("name", "Grace Hopper",
                "email", "grace@navy.example", "tags", "vip, admiral"), true);
        assertThat(created.status()).isEqualTo(302);
        Matcher id = LOCATION_ID.matcher(created.header("Location").orElseThrow());
        assertThat(id.find()).isTrue();
        String contactId = id.group(1);

        Http.Response duplicate = member.post("/contacts", Map.of("name", "Other", "email", "GRACE@navy.example"),
                true);
        assertThat(duplicate.status()).isEqualTo(409);
        assertThat(fieldError(duplicate.body(), "email")).contains("already exists");

        // search-as-you-type asks for the results fragment only
        Http.Response search = member.get("/contacts?q=hopp", "HX-Request", "true");
        assertThat(search.status()).isEqualTo(200);
        assertThat(search.body()).contains("Grace Hopper").doesNotContain("<html");
        assertThat(member.get("/contacts?q=nobody", "HX-Request", "true").body()).contains("No contacts match")
                .doesNotContain("Grace Hopper");
        assertThat(member.get("/contacts?tag=admiral").body()).contains("Grace Hopper");

        Http.Response note = member.post("/activities", Map.of("contactId", contactId, "on", "contact",
                "type", "note", "subject", "Met at the conference", "body", "Wants a demo"), true);
        assertThat(note.status()).isEqualTo(302);
        assertThat(note.header("Location").orElseThrow()).endsWith("/contacts/" + contactId);
        Http.Response detail = member.get("/contacts/" + contactId);
        assertThat(detail.status()).isEqualTo(200);
        assertThat(detail.body()).contains("<title>Grace Hopper · CRM</title>", "Met at the conference",
                "Wants a demo", "grace@navy.example");

        Http.Response stale = member.post("/contacts/" + contactId, Map.of("name", "Grace B. Hopper",
                "version", "0"), true);
        assertThat(stale.status()).isEqualTo(409);
        assertThat(stale.body()).contains("Someone else changed this contact");
        Http.Response edited = member.post("/contacts/" + contactId, Map.of("name", "Grace B. Hopper",
                "version", "1"), true);
        assertThat(edited.status()).isEqualTo(302);
        assertThat(http.get("/api/v1/contacts/" + contactId).json().get("name").asString())
                .isEqualTo("Grace B. Hopper");
    }

    @Test
    void aViewerSeesNoEditControlsAndTheServerRefusesTheirWrites() {
        String contactId = create("/api/v1/contacts", Map.of("name", "Ada Lovelace"));
        WebSession viewer = signedIn(Role.VIEWER);
        Http.Response list = viewer.get("/contacts");
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.body()).contains("Ada Lovelace").doesNotContain("New contact", "id=\"bulk\"");
        Http.Response detail = viewer.get("/contacts/" + contactId);
        assertThat(detail.body()).doesNotContain(">Edit<", "Archive", "Add to timeline");
        assertThat(viewer.get("/deals").body()).contains("data-can-move=\"false\"").doesNotContain("Move to");

        // forged posts, with a valid CSRF token: refused by role
        assertThat(viewer.post("/contacts", Map.of("name", "Forged"), true).status()).isEqualTo(403);
        assertThat(viewer.post("/contacts/" + contactId + "/archive", Map.of(), true).status()).isEqualTo(403);
        assertThat(viewer.post("/activities", Map.of("contactId", contactId, "subject", "x"), true).status())
                .isEqualTo(403);
        // and with a Bearer token instead of a session
        Http.Response bearer = as(Role.VIEWER).send("POST", "/contacts", "application/x-www-form-urlencoded",
                "name=Forged");
        assertThat(bearer.status()).isEqualTo(403);
        assertThat(viewer.get("/admin/users").status()).isEqualTo(403);
        assertThat(http.get("/api/v1/contacts?q=forged").json().get("items")).isEmpty();
        assertThat(http.get("/api/v1/contacts/" + contactId).status()).isEqualTo(200);
    }

    @Test
    void everyUiWriteNeedsTheCsrfToken() {
        WebSession member = signedIn(Role.MEMBER);
        assertThat(member.post("/contacts", Map.of("name", "No Token"), false).status()).isEqualTo(403);
        assertThat(member.post("/contacts", Map.of("name", "With Token"), true).status()).isEqualTo(302);
        assertThat(http.get("/api/v1/contacts?q=token").json().get("items")).hasSize(1);
        assertThat(http.get("/api/v1/contacts?q=token").json().get("items").get(0).get("name").asString())
                .isEqualTo("With Token");
    }

    @Test
    void aDealMovedFromAStaleCardIsRefusedWithAConflict() {
        String dealId = create("/api/v1/deals", Map.of("title", "Big one", "amount", "1200.50", "currency", "EUR"));
        WebSession member = signedIn(Role.MEMBER);
        Http.Response board = member.get("/deals");
        assertThat(board.body()).contains("Big one", "data-version=\"1\"", "1,200.50 EUR");

        Http.Response moved = member.post("/deals/" + dealId + "/stage", Map.of("stage", "qualified",
                "version", "1"), true, "Accept", "application/json");
        assertThat(moved.status()).isEqualTo(200);
        assertThat(moved.json().get("version").asLong()).isEqualTo(2);
        assertThat(moved.json().get("totals").get("qualified").get("amounts").get("EUR").asString())
                .isEqualTo("1200.50");

        Http.Response stale = member.post("/deals/" + dealId + "/stage", Map.of("stage", "won", "version", "1"),
                true, "Accept", "application/json");
        assertThat(stale.status()).isEqualTo(409);
        assertThat(stale.json().get("message").asString()).contains("Someone else changed this deal");
        assertThat(http.get("/api/v1/deals/" + dealId).json().get("stage").asString()).isEqualTo("qualified");
        assertThat(member.get("/deals?conflict=Big%20one").body()).contains("was changed by someone else");
    }

    @Test
    void theBoardShowsOnePipelineAtATimeAndALostMoveNeedsAReason() {
        String renewals = http.post("/api/v1/pipelines", Map.of("name", "Renewals", "stages", List.of(
                Map.of("key", "due"), Map.of("key", "renewed", "outcome", "won"),
                Map.of("key", "churned", "label", "Churned", "outcome", "lost")))).json().get("id").asString();
        String renewal = create("/api/v1/deals", Map.of("title", "Acme renewal", "pipelineId", renewals));
        create("/api/v1/deals", Map.of("title", "New logo"));
        WebSession member = signedIn(Role.MEMBER);

        String sales = member.get("/deals").body();
        assertThat(sales).contains("New logo", "id=\"pipeline-switch\"", ">Renewals<").doesNotContain("Acme renewal");
        String board = member.get("/deals?pipelineId=" + renewals).body();
        assertThat(board).contains("Acme renewal", "Churned", "data-lost=\"true\"").doesNotContain("New logo");
        assertThat(member.get("/deals?pipelineId=" + new org.bson.types.ObjectId()).status()).isEqualTo(404);

        Http.Response noReason = member.post("/deals/" + renewal + "/stage", Map.of("stage", "churned",
                "version", "1"), true, "Accept", "application/json");
        assertThat(noReason.status()).isEqualTo(400);
        assertThat(noReason.json().get("message").asString()).contains("required when a deal is lost");
        Http.Response lost = member.post("/deals/" + renewal + "/stage", Map.of("stage", "churned",
                "version", "1", "lostReason", "Price"), true, "Accept", "application/json");
        assertThat(lost.status()).as(lost.toString()).isEqualTo(200);
        assertThat(lost.json().get("totals").get("churned").get("count").asLong()).isEqualTo(1);
        assertThat(http.get("/api/v1/deals/" + renewal).json().get("lostReason").asString()).isEqualTo("Price");
        assertThat(member.get("/deals/" + renewal).body()).contains("<dd id=\"deal-pipeline\">Renewals</dd>",
                "<dd id=\"deal-lost-reason\">Price</dd>");

        // the form: a deal made from the Renewals board is in Renewals, and reopening it drops the old reason
        assertThat(member.get("/deals/new?pipelineId=" + renewals).body()).contains("value=\"due\"")
                .doesNotContain("value=\"lead\"");
        Http.Response reopened = member.post("/deals/" + renewal, Map.of("title", "Acme renewal",
                "pipelineId", renewals, "stage", "due", "lostReason", "Price", "version", "2"), true);
        assertThat(reopened.status()).as(reopened.toString()).isEqualTo(302);
        assertThat(http.get("/api/v1/deals/" + renewal).json().get("lostReason").isNull()).isTrue();
    }

    @Test
    void myOverdueTaskIsOnTheDashboardUntilItIsDone() {
        WebSession member = signedIn(Role.MEMBER);
        String contactId = create("/api/v1/contacts", Map.of("name", "Task Target"));
        member.get("/contacts/" + contactId);
        String yesterday = LocalDate.now().minusDays(2).toString();
        assertThat(member.post("/activities", Map.of("contactId", contactId, "on", "contact", "type", "task",
                "subject", "Send the proposal", "dueDate", yesterday), true).status()).isEqualTo(302);
        // someone else's task is not mine
        create("/api/v1/activities", Map.of("type", "task", "subject", "Admin's own task", "contactId", contactId));

        Http.Response dashboard = member.get("/");
        assertThat(dashboard.body()).contains("Send the proposal", "Overdue:", "class=\"overdue\"")
                .doesNotContain("Admin&#39;s own task").contains("Task Target");
        String taskId = http.get("/api/v1/activities?contactId=" + contactId).json().get("items")
                .valueStream().filter(a -> a.get("subject").asString().equals("Send the proposal")).findFirst()
                .orElseThrow().get("id").asString();
        assertThat(member.post("/activities/" + taskId + "/done", Map.of("on", "dashboard"), true).status())
                .isEqualTo(302);
        assertThat(member.get("/").body()).doesNotContain("Send the proposal");
        // done at the service's clock, which stands still here
        assertThat(http.get("/api/v1/activities/" + taskId).json().get("completedAt").asString())
                .isEqualTo(clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS).toString());
    }

    @Test
    void adminInvitesAUserWithAOneTimePasswordThatWorks() {
        assertThat(signedIn(Role.MEMBER).get("/admin/users").status()).isEqualTo(403);
        WebSession admin = WebSession.signIn(http.base(), this.admin.getString("email"), PASSWORD);
        assertThat(admin.get("/admin/users").status()).isEqualTo(200);
        Http.Response invited = admin.post("/admin/users", Map.of("email", "new.hire@example.test",
                "displayName", "New Hire", "role", "VIEWER"), true);
        assertThat(invited.status()).isEqualTo(302);
        Http.Response page = admin.get("/admin/users");
        Matcher password = Pattern.compile("<code class=\"secret\">([^<]+)</code>").matcher(page.body());
        assertThat(password.find()).isTrue();
        // shown once only
        assertThat(admin.get("/admin/users").body()).doesNotContain(password.group(1));
        // the one-time password leads to choosing one's own, then to signing in with it
        WebSession once = WebSession.signIn(http.base(), "new.hire@example.test", password.group(1));
        Http.Response first = once.get("/");
        assertThat(first.status()).isEqualTo(302);
        assertThat(first.header("Location").orElse("")).endsWith("/account/password");
        assertThat(once.get("/account/password").body()).contains("one-time password");
        String own = "my very own passphrase";
        Http.Response changed = once.post("/account/password", Map.of("currentPassword", password.group(1),
                "newPassword", own, "confirmPassword", own), true);
        assertThat(changed.header("Location").orElse("")).endsWith("/login?changed");
        WebSession hire = WebSession.signIn(http.base(), "new.hire@example.test", own);
        assertThat(hire.get("/").body()).contains("New Hire", "viewer");

        Http.Response token = admin.post("/admin/tokens", Map.of("name", "ci", "expiresInDays", "7"), true);
        assertThat(token.status()).isEqualTo(302);
        Matcher secret = Pattern.compile("<code class=\"secret\">(crm_[^<]+)</code>")
                .matcher(admin.get("/admin/tokens").body());
        assertThat(secret.find()).isTrue();
        assertThat(http.anonymous().withToken(secret.group(1)).get("/api/v1/auth/me").status()).isEqualTo(200);
    }

    @Test
    void bulkTagAndArchiveThenRestoreFromTheArchivedList() {
        String a = create("/api/v1/contacts", Map.of("name", "Bulk A", "tags", List.of("old")));
        String b = create("/api/v1/contacts", Map.of("name", "Bulk B"));
        String c = create("/api/v1/contacts", Map.of("name", "Bulk C"));
        WebSession member = signedIn(Role.MEMBER);
        assertThat(member.get("/contacts").body()).contains("id=\"bulk\"", "value=\"" + a + "\"");
        Http.Response tagged = member.postRaw("/contacts/bulk", "ids=" + a + "&ids=" + b + "&action=tag&tag=Q3");
        assertThat(tagged.status()).isEqualTo(302);
        assertThat(http.get("/api/v1/contacts/" + a).json().get("tags").toString()).contains("old", "q3");
        assertThat(http.get("/api/v1/contacts/" + b).json().get("tags").toString()).contains("q3");
        assertThat(http.get("/api/v1/contacts/" + c).json().get("tags")).isEmpty();
        assertThat(member.get("/contacts").body()).contains("2 contacts tagged.");

        assertThat(member.postRaw("/contacts/bulk", "ids=" + b + "&ids=" + c + "&action=archive").status())
                .isEqualTo(302);
        assertThat(http.get("/api/v1/contacts/" + b).status()).isEqualTo(404);
        assertThat(http.get("/api/v1/contacts/" + c).status()).isEqualTo(404);
        Http.Response archived = member.get("/contacts?archived=true");
        assertThat(archived.body()).contains("Archived contacts", "Bulk B", "Bulk C").doesNotContain("Bulk A");
        assertThat(member.post("/contacts/" + b + "/restore", Map.of(), true).status()).isEqualTo(302);
        assertThat(http.get("/api/v1/contacts/" + b).status()).isEqualTo(200);
        // paging: the list shows a "load more" link once there are more than a page of contacts
        for (int i = 0; i < 30; i++) {
            create("/api/v1/contacts", Map.of("name", "Paged " + i));
        }
        Http.Response first = member.get("/contacts?q=paged", "HX-Request", "true");
        assertThat(first.body()).contains("Load more");
        Matcher more = Pattern.compile("hx-get=\"([^\"]+)\"").matcher(first.body());
        assertThat(more.find()).isTrue();
        Http.Response next = member.get(more.group(1).replace("&amp;", "&"), "HX-Request", "true");
        assertThat(next.status()).isEqualTo(200);
        assertThat(next.body()).contains("contact-row").doesNotContain("Load more", "<table");
    }

    /** The text of the error paragraph for a form field (id "{field}-error"). */
    private static String fieldError(String html, String field) {
        Matcher m = Pattern.compile("id=\"" + field + "-error\"[^>]*>([^<]*)<").matcher(html);
        return m.find() ? m.group(1) : "";
    }
}
