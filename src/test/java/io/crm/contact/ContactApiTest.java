package io.crm.contact;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import io.crm.support.ApiTest;
import io.crm.support.Http;
import org.junit.jupiter.api.Test;

class ContactApiTest extends ApiTest {

    @Test
    void createReturns201WithLocationAndEtag() {
        Http.Response created = http.post("/api/v1/contacts", Map.of("name", "Ann Lee", "email", "ann@example.com"));

        assertThat(created.status()).isEqualTo(201);
        String id = created.json().get("id").asString();
        assertThat(created.header("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/api/v1/contacts/" + id));
        assertThat(created.header("ETag")).contains("\"1\"");
        assertThat(created.json().get("version").asLong()).isEqualTo(1);
    }
}
