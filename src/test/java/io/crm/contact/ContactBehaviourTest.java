package io.crm.contact;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import io.crm.record.RecordApiContract;
import io.crm.support.Http;
import org.junit.jupiter.api.Test;

/** The generic v1 behaviours for contacts, plus the contact-specific unique email and company reference. */
class ContactBehaviourTest extends RecordApiContract {

    ContactBehaviourTest() {
        super(Resource.at("/api/v1/contacts", ContactSchema.COLLECTION)
                .required("name", "Renamed Person")
                .optional("phone", "+1 555 0100")
                .invalid("email", "not-an-email")
                .sorts("name", "createdAt", "updatedAt"));
    }

    @Override
    protected Map<String, Object> validBody(int n) {
        return Map.of("name", "Person " + n, "email", "person" + n + "@example.com");
    }

    @Test
    void duplicateEmailIs409CaseInsensitiveAmongLiveContactsOnly() {
        String first = create(path(), Map.of("name", "Ann", "email", "ann@example.com"));

        assertProblem(http.post(path(), Map.of("name", "Other Ann", "email", "ANN@Example.com")), 409);
        String other = create(path(), Map.of("name", "Bob", "email", "bob@example.com"));
        assertProblem(http.patch(path() + "/" + other, Map.of("email", "Ann@example.com")), 409);

        assertThat(http.delete(path() + "/" + first).status()).isEqualTo(204);
        String second = create(path(), Map.of("name", "New Ann", "email", "ann@example.com"));
        assertThat(second).isNotEqualTo(first);
        // restoring would make two live contacts share the email
        assertProblem(http.post(path() + "/" + first + "/restore", Map.of()), 409);
        assertThat(http.get(path() + "/" + first).status()).isEqualTo(404);
    }

    @Test
    void companyIdMustNameALiveCompany() {
        Http.Response rejected = http.post(path(), Map.of("name", "Ann", "companyId", "0123456789abcdef01234567"));
        assertThat(errorFields(rejected)).containsExactly("companyId");
        assertThat(errorFields(http.post(path(), Map.of("name", "Ann", "companyId", "nope"))))
                .containsExactly("companyId");

        String company = create("/api/v1/companies", Map.of("name", "Acme"));
        String contact = create(path(), Map.of("name", "Ann", "companyId", company));
        assertThat(ids(http.get(path() + "?companyId=" + company))).containsExactly(contact);

        http.delete("/api/v1/companies/" + company);
        assertThat(errorFields(http.post(path(), Map.of("name", "Bob", "companyId", company))))
                .containsExactly("companyId");
    }

    @Test
    void filtersMatchLiterallyAndCaseInsensitively() {
        String ann = create(path(), Map.of("name", "Ann Lee", "email", "ann@example.com", "tags", List.of("VIP")));
        String bob = create(path(), Map.of("name", "Bob (Sales)", "phone", "+1 555 0199"));

        assertThat(ids(http.get(path() + "?q=ANN"))).containsExactly(ann);
        assertThat(ids(http.get(path() + "?q=0199"))).containsExactly(bob);
        assertThat(ids(http.get(path() + "?q=(sales)"))).containsExactly(bob);
        assertThat(ids(http.get(path() + "?q=.*"))).isEmpty();
        assertThat(ids(http.get(path() + "?tag=vip"))).containsExactly(ann);
        assertThat(ids(http.get(path() + "?email=ANN@example.com"))).containsExactly(ann);
        assertThat(ids(http.get(path() + "?sort=name"))).containsExactly(ann, bob);
        assertThat(ids(http.get(path() + "?sort=-name"))).containsExactly(bob, ann);
    }
}
