package io.crm.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import io.crm.support.Http;
import io.crm.support.TestMongo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** CRM_AUTH_ENABLED=false: everything open, and nobody can miss that it is. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"management.server.port=0", "logging.structured.format.console=", "crm.security.enabled=false"})
@ExtendWith(OutputCaptureExtension.class)
class AuthDisabledTest {

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        registry.add("crm.mongodb.uri", () -> TestMongo.uri("crm_auth_disabled"));
    }

    @Test
    void everythingIsOpenAndSaysSo(CapturedOutput output) {
        Http http = new Http("http://127.0.0.1:" + port);
        Http.Response created = http.post("/api/v1/contacts", Map.of("name", "Open"));
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.json().get("createdBy").asString()).isEqualTo("anonymous");
        assertThat(http.get("/person").status()).isEqualTo(200);
        assertThat(http.get("/api/v1/audit").status()).isEqualTo(200);

        Http.Response ready = http.get("/ready");
        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.json().get("auth").asString()).startsWith("DISABLED");
        // security headers stay on
        assertThat(ready.header("Content-Security-Policy")).isPresent();
        assertThat(output.getAll()).contains("AUTHENTICATION IS DISABLED (CRM_AUTH_ENABLED=false)");
        // no admin is bootstrapped (and so no password is generated or logged)
        assertThat(output.getAll()).doesNotContain("FIRST ADMIN CREATED");
    }
}
