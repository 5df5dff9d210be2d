package io.crm.company;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.crm.record.RecordApiContract;
import io.crm.support.Http;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class CompanyApiTest extends RecordApiContract {

    private static final String COMPANIES = "/api/v1/companies";

    CompanyApiTest() {
        super(Resource.at(COMPANIES, CompanySchema.COLLECTION)
                .required("name", "Renamed Inc")
                .optional("industry", "Software")
                .invalid("domain", "https://not a domain/")
                .sorts("name", "createdAt", "updatedAt"));
    }

    @Override
    protected Map<String, Object> validBody(int n) {
        return Map.of("name", "Company " + n, "domain", "company-" + n + ".example.com");
    }

    @Test
    void createStoresEveryFieldNormalized() {
        Http.Response created = http.post(COMPANIES, Map.of("name", "  Acme Corp ", "domain", "WWW.Acme.COM",
                "industry", "Manufacturing", "phone", "+1 (555) 010-0000", "tags", List.of("Key", "key", "EU"),
                "address", Map.of("street", "1 Main St", "city", "Springfield", "region", "IL",
                        "postalCode", "62701", "country", "us")));

        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        JsonNode json = created.json();
        assertThat(json.get("name").asString()).isEqualTo("Acme Corp");
        assertThat(json.get("domain").asString()).isEqualTo("www.acme.com");
        assertThat(json.get("industry").asString()).isEqualTo("Manufacturing");
        assertThat(json.get("phone").asString()).isEqualTo("+1 (555) 010-0000");
        assertThat(json.get("tags").toString()).isEqualTo("[\"key\",\"eu\"]");
        assertThat(json.get("address").get("country").asString()).isEqualTo("US");
        assertThat(json.get("address").get("postalCode").asString()).isEqualTo("62701");
    }

    @Test
    void fieldRulesAreEnforced() {
        assertThat(errorFields(http.post(COMPANIES, Map.of("name", " ")))).containsExactly("name");
        assertThat(errorFields(http.post(COMPANIES, Map.of("name", "x".repeat(201))))).containsExactly("name");
        assertThat(errorFields(http.post(COMPANIES, Map.of("name", "A", "domain", "no_tld")))).containsExactly("domain");
        assertThat(errorFields(http.post(COMPANIES, Map.of("name", "A", "phone", "call me")))).containsExactly("phone");
        assertThat(errorFields(http.post(COMPANIES, Map.of("name", "A", "tags", "vip")))).containsExactly("tags");
        List<String> tooMany = new ArrayList<>();
        for (int i = 0; i < 21; i++) {
            tooMany.add("t" + i);
        }
        assertThat(errorFields(http.post(COMPANIES, Map.of("name", "A", "tags", tooMany)))).containsExactly("tags");
        assertThat(errorFields(http.post(COMPANIES, Map.of("name", "A", "address", Map.of("country", "XX")))))
                .containsExactly("address");
        assertThat(errorFields(http.post(COMPANIES, Map.of("name", "A", "address", Map.of("planet", "Mars")))))
                .containsExactly("address");
        assertThat(errorFields(http.post(COMPANIES, Map.of("name", "A", "address", "Main St"))))
                .containsExactly("address");
        assertThat(errorFields(http.post(COMPANIES, Map.of("name", 42)))).containsExactly("name");
    }

    @Test
    void duplicateDomainIs409AmongLiveCompaniesOnly() {
        String acme = create(COMPANIES, Map.of("name", "Acme", "domain", "acme.com"));

        Http.Response duplicate = http.post(COMPANIES, Map.of("name", "Acme 2", "domain", "ACME.com"));
        assertProblem(duplicate, 409);
        assertThat(duplicate.json().get("detail").asString()).contains("domain");
        String other = create(COMPANIES, Map.of("name", "Other", "domain", "other.com"));
        assertProblem(http.patch(COMPANIES + "/" + other, Map.of("domain", "acme.com")), 409);
        // re-sending its own domain is no conflict
        assertThat(http.patch(COMPANIES + "/" + acme, Map.of("domain", "acme.com", "name", "Acme Inc")).status())
                .isEqualTo(200);

        assertThat(http.delete(COMPANIES + "/" + acme).status()).isEqualTo(204);
        String successor = create(COMPANIES, Map.of("name", "Acme Reborn", "domain", "acme.com"));
        assertProblem(http.post(COMPANIES + "/" + acme + "/restore", Map.of()), 409);
        assertThat(ids(http.get(COMPANIES + "?archived=true"))).containsExactly(acme);

        assertThat(http.delete(COMPANIES + "/" + successor).status()).isEqualTo(204);
        assertThat(http.post(COMPANIES + "/" + acme + "/restore", Map.of()).status()).isEqualTo(200);
        assertProblem(http.post(COMPANIES + "/" + successor + "/restore", Map.of()), 409);
        // the unique index itself holds (not only the service's pre-check)
        assertThat(mongo.getCollection(CompanySchema.COLLECTION).listIndexes().into(new ArrayList<>()))
                .anySatisfy(index -> {
                    assertThat(index.getString("name")).isEqualTo(CompanyIndexes.DOMAIN_UNIQUE);
                    assertThat(index.getBoolean("unique")).isTrue();
                });
    }

    @Test
    void concurrentCreatesOfOneDomainLetExactlyOneIn() throws Exception {
        List<Integer> statuses = race(6, i -> http.post(COMPANIES,
                Map.of("name", "Racer " + i, "domain", "race.example.com")).status());

        assertThat(statuses).containsOnly(201, 409);
        assertThat(statuses).filteredOn(status -> status == 201).hasSize(1);
        assertThat(ids(http.get(COMPANIES + "?domain=race.example.com"))).hasSize(1);
    }

    @Test
    void addressIsMergedKeyByKey() {
        String id = create(COMPANIES, Map.of("name", "Acme", "address",
                Map.of("street", "1 Main St", "city", "Springfield", "country", "US")));

        JsonNode moved = http.patch(COMPANIES + "/" + id, Map.of("address", Map.of("city", "Boston"))).json();
        assertThat(moved.get("address").get("street").asString()).isEqualTo("1 Main St");
        assertThat(moved.get("address").get("city").asString()).isEqualTo("Boston");
        assertThat(moved.get("address").get("country").asString()).isEqualTo("US");

        Map<String, Object> dropStreet = new HashMap<>();
        dropStreet.put("street", null);
        JsonNode noStreet = http.patch(COMPANIES + "/" + id, Map.of("address", dropStreet)).json();
        assertThat(noStreet.get("address").has("street")).isFalse();
        assertThat(noStreet.get("address").get("city").asString()).isEqualTo("Boston");

        assertThat(errorFields(http.patch(COMPANIES + "/" + id, Map.of("address", Map.of("country", "USA")))))
                .containsExactly("address");
        assertThat(http.get(COMPANIES + "/" + id).json().get("address").get("country").asString()).isEqualTo("US");

        Map<String, Object> dropAll = new HashMap<>();
        dropAll.put("city", null);
        dropAll.put("country", null);
        JsonNode empty = http.patch(COMPANIES + "/" + id, Map.of("address", dropAll)).json();
        assertThat(empty.get("address").isNull()).isTrue();

        http.patch(COMPANIES + "/" + id, Map.of("address", Map.of("city", "Paris", "country", "fr")));
        Map<String, Object> removeAddress = new HashMap<>();
        removeAddress.put("address", null);
        assertThat(http.patch(COMPANIES + "/" + id, removeAddress).json().get("address").isNull()).isTrue();
    }

    @Test
    void filtersByQueryTagAndDomain() {
        String acme = create(COMPANIES, Map.of("name", "Acme (Holdings)", "domain", "acme.com",
                "tags", List.of("VIP")));
        String globex = create(COMPANIES, Map.of("name", "Globex", "domain", "globex.io"));

        assertThat(ids(http.get(COMPANIES + "?q=ACME"))).containsExactly(acme);
        assertThat(ids(http.get(COMPANIES + "?q=globex.IO"))).containsExactly(globex);
        assertThat(ids(http.get(COMPANIES + "?q=(holdings)"))).containsExactly(acme);
        assertThat(ids(http.get(COMPANIES + "?q=.*"))).isEmpty();
        assertThat(ids(http.get(COMPANIES + "?tag=vip"))).containsExactly(acme);
        assertThat(ids(http.get(COMPANIES + "?domain=GLOBEX.io"))).containsExactly(globex);
        assertThat(ids(http.get(COMPANIES + "?tag=vip&sort=name&q=acme"))).containsExactly(acme);
        assertThat(ids(http.get(COMPANIES + "?tag=vip&domain=acme.com"))).containsExactly(acme);
        assertThat(ids(http.get(COMPANIES + "?tag=vip&domain=globex.io"))).isEmpty();
        assertThat(ids(http.get(COMPANIES + "?sort=name"))).containsExactly(acme, globex);
        assertThat(ids(http.get(COMPANIES + "?sort=-name"))).containsExactly(globex, acme);

        http.delete(COMPANIES + "/" + globex);
        assertThat(ids(http.get(COMPANIES + "?domain=globex.io"))).isEmpty();
        assertThat(ids(http.get(COMPANIES + "?domain=globex.io&archived=true"))).containsExactly(globex);
    }

    @Test
    void companyContactsArePagedAndLiveOnly() {
        String acme = create(COMPANIES, Map.of("name", "Acme"));
        String other = create(COMPANIES, Map.of("name", "Other"));
        List<String> staff = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            staff.add(create("/api/v1/contacts", Map.of("name", "Staff " + i, "companyId", acme)));
        }
        create("/api/v1/contacts", Map.of("name", "Outsider", "companyId", other));
        create("/api/v1/contacts", Map.of("name", "Freelancer"));
        String leaver = staff.remove(4);
        http.delete("/api/v1/contacts/" + leaver);

        List<String> seen = new ArrayList<>();
        String cursor = null;
        do {
            Http.Response page = http.get(COMPANIES + "/" + acme + "/contacts?limit=2&sort=name"
                    + (cursor == null ? "" : "&cursor=" + cursor));
            seen.addAll(ids(page));
            cursor = page.json().get("nextCursor").isNull() ? null : page.json().get("nextCursor").asString();
            assertThat(seen).as("the walk ends").hasSizeLessThan(20);
        } while (cursor != null);
        assertThat(seen).containsExactlyElementsOf(staff);
        JsonNode first = http.get(COMPANIES + "/" + acme + "/contacts").json().get("items").get(0);
        assertThat(first.get("companyId").asString()).isEqualTo(acme);
        assertThat(first.has("name")).isTrue();

        assertProblem(http.get(COMPANIES + "/0123456789abcdef01234567/contacts"), 404);
        assertProblem(http.get(COMPANIES + "/nope/contacts"), 404);
        assertProblem(http.get(COMPANIES + "/" + acme + "/contacts?limit=0"), 400);
        assertProblem(http.get(COMPANIES + "/" + acme + "/contacts?sort=email"), 400);
        assertProblem(http.get(COMPANIES + "/" + acme + "/contacts?cursor=bogus"), 400);
        http.delete(COMPANIES + "/" + acme);
        assertProblem(http.get(COMPANIES + "/" + acme + "/contacts"), 404);
    }
}
