package io.crm.imports;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

import io.crm.security.Role;
import io.crm.support.ApiTest;
import io.crm.support.Http;
import org.junit.jupiter.api.Test;

/** CSV export of filtered lists over real HTTP: the list's filters and sorts, paging through the keyset cursor. */
class ExportApiTest extends ApiTest {

    static List<List<String>> parse(String csv) throws IOException {
        List<List<String>> rows = new ArrayList<>();
        try (CsvReader reader = new CsvReader(new StringReader(csv), 1000, 100_000)) {
            for (List<String> row = reader.next(); row != null; row = reader.next()) {
                rows.add(row);
            }
        }
        return rows;
    }

    @Test
    void anExportHasTheListsFiltersAndSortAndGuardsFormulas() throws IOException {
        String vip1 = create("/api/v1/contacts", Map.of("name", "=HYPERLINK(\"http://evil.test\",\"x\")",
                "email", "f1@example.test", "phone", "+1 555 0100", "tags", List.of("vip"),
                "attributes", Map.of("source", "fair")));
        String vip2 = create("/api/v1/contacts", Map.of("name", "Ann, the \"first\"", "tags", List.of("vip", "b2b")));
        create("/api/v1/contacts", Map.of("name", "@SUM(A1)", "tags", List.of("other")));

        Http.Response export = http.get("/api/v1/contacts/export?tag=vip&sort=name");

        assertThat(export.status()).as(export.body()).isEqualTo(200);
        assertThat(export.contentType()).isEqualTo("text/csv;charset=utf-8");
        assertThat(export.header("Content-Disposition")).contains("attachment; filename=\"contacts.csv\"");
        String[] lines = export.body().split("\r\n");
        assertThat(lines[0]).isEqualTo("id,name,email,phone,title,companyId,tags,externalId,attributes,createdAt,"
                + "updatedAt,version,ownerId,createdBy,updatedBy");
        assertThat(lines).hasSize(3);
        // sorted by name: "'=HYP..." sorts by the stored name ("=" before "A")
        assertThat(lines[1]).startsWith(vip1 + ",\"'=HYPERLINK(\"\"http://evil.test\"\",\"\"x\"\")\","
                + "f1@example.test,'+1 555 0100,,,vip,,\"{\"\"source\"\":\"\"fair\"\"}\",");
        assertThat(lines[2]).startsWith(vip2 + ",\"Ann, the \"\"first\"\"\",,,,,vip;b2b,,,");
        List<List<String>> rows = parse(export.body());
        assertThat(rows.get(2).get(11)).isEqualTo("1");
        assertThat(rows.get(2).get(12)).isEqualTo(admin.getObjectId("_id").toHexString());
        assertThat(rows).noneSatisfy(r -> assertThat(r.get(1)).startsWith("@"));

        String all = http.get("/api/v1/contacts/export").body();
        assertThat(all).contains("'@SUM(A1)");
        assertThat(parse(all)).hasSize(4);
    }

    @Test
    void aLongListIsWalkedPageByPageWithEveryRecordOnce() throws IOException {
        StringBuilder csv = new StringBuilder("name,email,tags\n");
        for (int i = 0; i < 1203; i++) {
            csv.append("Person ").append(i).append(",p").append(i).append("@export.test,")
                    .append(i % 3 == 0 ? "third" : "").append('\n');
        }
        Http.Response started = ImportApiTest.upload(http, "/api/v1/imports",
                ImportApiTest.fields("entity", "contacts"), csv.toString());
        assertThat(started.status()).isEqualTo(202);
        String id = started.json().get("id").asString();
        assertThat(ImportApiTest.awaitFinished(http, id, status -> { }).get("status").asString()).isEqualTo("done");

        for (String sort : List.of("", "&sort=name", "&sort=-updatedAt")) {
            List<List<String>> rows = parse(http.get("/api/v1/contacts/export?archived=false" + sort).body());
            assertThat(rows).hasSize(1204);
            assertThat(new HashSet<>(rows.subList(1, rows.size()).stream().map(r -> r.get(0)).toList()))
                    .hasSize(1203);
        }
        List<List<String>> byName = parse(http.get("/api/v1/contacts/export?sort=name").body());
        List<String> names = byName.subList(1, byName.size()).stream().map(r -> r.get(1).toLowerCase()).toList();
        assertThat(names).isSorted();
        List<List<String>> third = parse(http.get("/api/v1/contacts/export?tag=third&q=person").body());
        assertThat(third).hasSize(1 + 401);
        assertThat(third.subList(1, third.size())).allSatisfy(r -> assertThat(r.get(6)).isEqualTo("third"));
    }

    @Test
    void companiesDealsAndActivitiesExportWithTheirOwnColumns() throws IOException {
        String acme = create("/api/v1/companies", Map.of("name", "Acme", "domain", "acme.test",
                "address", Map.of("city", "Berlin", "country", "DE")));
        create("/api/v1/companies", Map.of("name", "Globex"));
        String deal = create("/api/v1/deals", Map.of("title", "Big one", "amount", "1234.50", "companyId", acme,
                "stage", "won"));
        create("/api/v1/activities", Map.of("subject", "-call back", "dealId", deal, "type", "task"));

        List<List<String>> companies = parse(http.get("/api/v1/companies/export?domain=acme.test").body());
        assertThat(companies.get(0)).startsWith("id", "name", "domain", "industry", "phone", "address.street",
                "address.city", "address.region", "address.postalCode", "address.country", "tags");
        assertThat(companies).hasSize(2);
        assertThat(companies.get(1)).startsWith(acme, "Acme", "acme.test", "", "", "", "Berlin", "", "", "DE", "");

        List<List<String>> deals = parse(http.get("/api/v1/deals/export?stage=won").body());
        assertThat(deals.get(0)).startsWith("id", "title", "amount", "currency", "pipelineId", "stage",
                "lostReason", "companyId");
        assertThat(deals.get(1)).startsWith(deal, "Big one", "1234.50", "USD", "000000000000000000000001", "won", "",
                acme);
        assertThat(deals.get(1).get(deals.get(0).indexOf("closedAt"))).isNotEmpty(); // won closes the deal

        List<List<String>> activities = parse(http.get("/api/v1/activities/export?dealId=" + deal).body());
        assertThat(activities).hasSize(2);
        assertThat(activities.get(1)).startsWith(activities.get(1).get(0), "task", "'-call back");

        List<List<String>> archived = parse(http.get("/api/v1/deals/export?archived=true").body());
        assertThat(archived).hasSize(1);
        assertThat(archived.get(0)).endsWith("archived", "archivedAt");
    }

    @Test
    void aSearchBodyExportsTheRecordsItSelectsWithTheCustomColumns() throws Exception {
        assertThat(http.post("/api/v1/properties/contacts", Map.of("name", "region", "label", "Region",
                "type", "text")).status()).isEqualTo(201);
        create("/api/v1/contacts", Map.of("name", "Ann", "custom", Map.of("region", "EMEA")));
        create("/api/v1/contacts", Map.of("name", "Bob", "custom", Map.of("region", "APAC")));
        create("/api/v1/contacts", Map.of("name", "Cid", "custom", Map.of("region", "EMEA")));
        Map<String, Object> search = Map.of("filterGroups", List.of(Map.of("filters", List.of(Map.of(
                "propertyName", "custom.region", "operator", "EQ", "value", "emea")))),
                "sorts", List.of(Map.of("propertyName", "name", "direction", "DESCENDING")), "limit", 1);
        // a read: a viewer may export a search, as a list
        Http.Response exported = as(Role.VIEWER).post("/api/v1/contacts/export", search);
        assertThat(exported.status()).as(exported.body()).isEqualTo(200);
        assertThat(exported.contentType()).startsWith("text/csv");
        List<List<String>> rows = parse(exported.body());
        int region = rows.get(0).indexOf("custom.region");
        assertThat(region).isGreaterThan(rows.get(0).indexOf("attributes"));
        // every match (the body's limit is a page size, not the export's), in the search's order
        assertThat(rows).hasSize(3);
        assertThat(rows.get(1).get(1)).isEqualTo("Cid");
        assertThat(rows.get(2).get(1)).isEqualTo("Ann");
        assertThat(rows.get(1).get(region)).isEqualTo("EMEA");
        // the list export has the custom column too
        assertThat(parse(http.get("/api/v1/contacts/export").body()).get(0)).contains("custom.region");
        // a bad body is a problem before anything is written
        assertThat(errorFields(http.post("/api/v1/contacts/export", Map.of("filterGroups", List.of(Map.of(
                "filters", List.of(Map.of("propertyName", "custom.nope", "operator", "EQ", "value", "x"))))))))
                .containsExactly("filterGroups[0].filters[0].propertyName");
        assertThat(http.anonymous().post("/api/v1/contacts/export", search).status()).isEqualTo(401);
    }

    @Test
    void viewersMayExportAndBadParametersAreProblems() {
        create("/api/v1/contacts", Map.of("name", "Ann"));
        Http viewer = as(Role.VIEWER);
        assertThat(viewer.get("/api/v1/contacts/export").status()).isEqualTo(200);
        assertThat(http.anonymous().get("/api/v1/contacts/export").status()).isEqualTo(401);
        for (String bad : List.of("/api/v1/contacts/export?sort=email", "/api/v1/contacts/export?companyId=x",
                "/api/v1/deals/export?stage=nope", "/api/v1/companies/export?tag=a&sort=email",
                "/api/v1/activities/export?open=maybe")) {
            Http.Response response = http.get(bad);
            assertThat(response.status()).as(bad).isEqualTo(400);
            assertThat(response.contentType()).as(bad).startsWith("application/problem+json");
        }
    }
}
