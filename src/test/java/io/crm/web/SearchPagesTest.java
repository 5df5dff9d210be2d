package io.crm.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import io.crm.security.Role;
import io.crm.support.ApiTest;
import io.crm.support.Http;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/**
 * The web UI for the data model a team shapes: the admin's custom properties page, custom fields in the record forms,
 * and the filter builder with columns and saved views (its queries are checked for index coverage like the API's).
 */
class SearchPagesTest extends ApiTest {

    private WebSession signedIn(Role role) {
        Document user = user(role);
        return WebSession.signIn(http.base(), user.getString("email"), PASSWORD);
    }

    private static String enc(String value) {
        return WebSession.enc(value);
    }

    @Test
    void anAdminAddsAPropertyAndTheFormsShowAndSendIt() {
        WebSession admin = signedIn(Role.ADMIN);
        assertThat(admin.get("/admin/properties?objectType=contacts").body()).contains("No custom properties yet");
        Http.Response added = admin.post("/admin/properties", Map.of("objectType", "contacts", "name", "region",
                "label", "Region", "type", "select", "options", "emea = EMEA\namer = Americas"), true);
        assertThat(added.status()).isEqualTo(302);
        assertThat(admin.get("/admin/properties?objectType=contacts").body()).contains("id=\"property-region\"",
                "EMEA", "Americas");
        Http.Response refused = admin.post("/admin/properties", Map.of("objectType", "contacts", "name", "Bad Name",
                "type", "text"), true);
        assertThat(refused.status()).isEqualTo(302);
        assertThat(admin.get("/admin/properties?objectType=contacts").body()).contains("name ");
        assertThat(signedIn(Role.MEMBER).get("/admin/properties").status()).isEqualTo(403);

        WebSession member = signedIn(Role.MEMBER);
        String form = member.get("/contacts/new").body();
        assertThat(form).contains("name=\"custom.region\"", "Region", ">EMEA<");
        Http.Response created = member.post("/contacts", Map.of("name", "Grace", "custom.region", "emea",
                "customShown", "true"), true);
        assertThat(created.status()).as(created.toString()).isEqualTo(302);
        String id = created.header("Location").orElseThrow().replaceAll(".*/contacts/", "");
        assertThat(http.get("/api/v1/contacts/" + id).json().get("custom").get("region").asString())
                .isEqualTo("emea");
        assertThat(member.get("/contacts/" + id + "/edit").body()).contains("value=\"emea\" selected");
        // the record's page shows it, by its option's label
        assertThat(member.get("/contacts/" + id).body()).contains("<dt>Region</dt>",
                "<dd id=\"custom-value-region\">EMEA</dd>");
        // a wrong value: the API's rule, next to the field
        Http.Response wrong = member.post("/contacts", Map.of("name", "Bad", "custom.region", "mars",
                "customShown", "true"), true);
        assertThat(wrong.status()).isEqualTo(400);
        assertThat(wrong.body()).contains("must be one of");
        // clearing it on edit removes the value
        Http.Response cleared = member.post("/contacts/" + id, Map.of("name", "Grace", "custom.region", "",
                "customShown", "true", "version", "1"), true);
        assertThat(cleared.status()).as(cleared.toString()).isEqualTo(302);
        assertThat(http.get("/api/v1/contacts/" + id).json().get("custom").has("region")).isFalse();

        // a boolean is a checkbox after a hidden "false": ticked sends both, unticked only the hidden one
        http.post("/api/v1/properties/contacts", Map.of("name", "partner", "label", "Partner", "type", "boolean",
                "description", "Resells our product"));
        String withBox = member.get("/contacts/" + id + "/edit").body();
        assertThat(withBox).contains("type=\"hidden\" name=\"custom.partner\" value=\"false\"",
                "type=\"checkbox\" id=\"custom-partner\" name=\"custom.partner\" value=\"true\"",
                "Resells our product");
        assertThat(member.post("/contacts/" + id, Map.of("name", "Grace", "custom.partner", "true",
                "customShown", "true", "version", "2"), true).status()).isEqualTo(302);
        assertThat(http.get("/api/v1/contacts/" + id).json().get("custom").get("partner").asBoolean()).isTrue();
        assertThat(member.get("/contacts/" + id).body()).contains("<dd id=\"custom-value-partner\">Yes</dd>");
        assertThat(member.post("/contacts/" + id, Map.of("name", "Grace", "custom.partner", "false",
                "customShown", "true", "version", "3"), true).status()).isEqualTo(302);
        assertThat(http.get("/api/v1/contacts/" + id).json().get("custom").get("partner").asBoolean()).isFalse();
    }

    @Test
    void theFilterBuilderRunsASearchShowsTheChosenColumnsAndSavesAView() {
        http.post("/api/v1/properties/deals", Map.of("name", "region", "label", "Region", "type", "select",
                "options", List.of(Map.of("value", "emea", "label", "EMEA", "order", 1),
                        Map.of("value", "amer", "label", "Americas", "order", 2))));
        create("/api/v1/deals", Map.of("title", "Big EMEA", "amount", "20000.00", "custom", Map.of("region", "emea")));
        create("/api/v1/deals", Map.of("title", "Small EMEA", "amount", "10.00", "custom", Map.of("region", "emea")));
        create("/api/v1/deals", Map.of("title", "Big AMER", "amount", "30000.00", "custom", Map.of("region", "amer")));
        WebSession member = signedIn(Role.MEMBER);

        String query = "fg=0&fp=custom.region&fo=EQ&fv=emea&fg=0&fp=amount&fo=GTE&fv=10000"
                + "&col=title&col=amount&col=custom.region";
        String page = member.get("/deals/search?" + query).body();
        assertThat(page).contains("1 record", "Big EMEA", "<th scope=\"col\">Region</th>")
                .doesNotContain("Small EMEA", "Big AMER");
        // an OR of groups
        String either = member.get("/deals/search?fg=0&fp=custom.region&fo=EQ&fv=amer&fg=1&fp=title&fo=EQ"
                + "&fv=" + enc("Small EMEA")).body();
        assertThat(either).contains("2 records", "Big AMER", "Small EMEA");
        // a bad condition is shown, not a server error
        Http.Response bad = member.get("/deals/search?fg=0&fp=amount&fo=GTE&fv=lots");
        assertThat(bad.status()).isEqualTo(200);
        assertThat(bad.body()).contains("id=\"search-errors\"", "filterGroups[0].filters[0].value");

        Http.Response saved = member.postRaw("/deals/search/views", query + "&name=" + enc("Big EMEA deals")
                + "&shared=true");
        assertThat(saved.status()).as(saved.toString()).isEqualTo(302);
        String location = saved.header("Location").orElseThrow();
        assertThat(location).contains("/deals/search?view=");
        String viewId = location.replaceAll(".*view=", "");
        // the view's link shows the same list to anyone it is shared with
        String shared = signedIn(Role.VIEWER).get("/deals/search?view=" + viewId).body();
        assertThat(shared).contains("Big EMEA deals", "1 record", "Big EMEA", "custom.region")
                .doesNotContain("Big AMER");
        assertThat(http.get("/api/v1/views/" + viewId).json().get("columns").toString())
                .isEqualTo("[\"title\",\"amount\",\"custom.region\"]");
    }

    @Test
    void aViewerKeepsPrivateViewsButCannotShareOne() {
        WebSession viewer = signedIn(Role.VIEWER);
        viewer.get("/contacts/search");
        Http.Response own = viewer.postRaw("/contacts/search/views", "q=acme&name=Mine");
        assertThat(own.status()).isEqualTo(302);
        assertThat(own.header("Location").orElseThrow()).contains("view=");
        viewer.get("/contacts/search");
        Http.Response shared = viewer.postRaw("/contacts/search/views", "q=acme&name=Ours&shared=true");
        assertThat(shared.header("Location").orElseThrow()).doesNotContain("view=");
        assertThat(viewer.get("/contacts/search").body()).contains("Mine").doesNotContain("Ours");
    }
}
