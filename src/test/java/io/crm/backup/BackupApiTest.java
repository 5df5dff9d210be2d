package io.crm.backup;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import io.crm.support.ApiTest;
import io.crm.support.Http;
import org.junit.jupiter.api.Test;

/**
 * The backup API on a service that runs on MongoDB (the tests' store): it says where MongoDB's backups come from. Backups of the embedded store over HTTP are covered by the packaged jar's BackupRestoreIT.
 */
class BackupApiTest extends ApiTest {

    @Test
    void onMongoDbTheApiListsNothingAndAStartIsAConflictNamingMongodump() {
        Http.Response list = http.get("/api/v1/admin/backups");
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.json().get("items")).isEmpty();
        assertThat(list.json().get("available").asBoolean()).isFalse();
        assertThat(list.json().get("stale").asBoolean()).isFalse();

        Http.Response start = http.post("/api/v1/admin/backups", Map.of());
        assertThat(start.status()).isEqualTo(409);
        assertThat(start.header("Content-Type").orElseThrow()).startsWith("application/problem+json");
        assertThat(start.json().get("detail").asString()).contains("mongodump");

        Http.Response missing = http.get("/api/v1/admin/backups/crm-20261204T030000.000Z");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.header("Content-Type").orElseThrow()).startsWith("application/problem+json");
        assertThat(http.get("/api/v1/admin/backups/..%2F..%2Fetc%2Fpasswd/file").status()).isIn(400, 404);
    }
}
