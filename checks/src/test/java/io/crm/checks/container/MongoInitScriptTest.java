package io.crm.checks.container;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.crm.checks.Repo;
import io.crm.checks.Tools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/mongo/init/10-create-app-user.js, run by node against a recording stand-in for mongosh's {@code db}
 * (no MongoDB server here): the application user gets readWrite on crm_db and nothing else.
 */
class MongoInitScriptTest {

    private static final String HARNESS = """
            const fs = require('fs');
            const vm = require('vm');
            const calls = [];
            const databases = {};
            const database = (name) => databases[name] ??= {
              getUser: (user) => null,
              createUser: (spec) => calls.push({ db: name, user: spec.user, pwd: spec.pwd, roles: spec.roles }),
              getSiblingDB: (other) => database(other),
            };
            const context = { db: database('admin'), process: { env: JSON.parse(process.argv[3]) }, print: () => {} };
            try {
              vm.runInNewContext(fs.readFileSync(process.argv[2], 'utf8'), context);
              console.log(JSON.stringify({ ok: true, calls }));
            } catch (e) {
              console.log(JSON.stringify({ ok: false, error: String(e.message) }));
            }
            """;

    @TempDir
    Path tmp;

    private String run(Path script, String envJson) throws IOException {
        Path harness = tmp.resolve("harness.js");
        Files.writeString(harness, HARNESS);
        Tools.Result result = Tools.run(tmp, Duration.ofMinutes(1),
                List.of(Tools.require("node"), harness.toString(), script.toString(), envJson));
        assertThat(result.exitCode()).as(result.output()).isZero();
        return result.output().strip();
    }

    static final String EXPECTED = "{\"ok\":true,\"calls\":[{\"db\":\"crm_db\",\"user\":\"crm_app\",\"pwd\":\"pw\","
            + "\"roles\":[{\"role\":\"readWrite\",\"db\":\"crm_db\"}]}]}";

    private static Path script() {
        return Repo.root().resolve("deploy/mongo/init/10-create-app-user.js");
    }

    @Test
    void createsOnlyAReadWriteUserOnCrmDb() throws IOException {
        assertThat(run(script(), "{\"CRM_DB_USERNAME\":\"crm_app\",\"CRM_DB_PASSWORD\":\"pw\"}")).isEqualTo(EXPECTED);
    }

    @Test
    void refusesToRunWithoutCredentials() throws IOException {
        assertThat(run(script(), "{}")).contains("\"ok\":false", "CRM_DB_USERNAME");
    }

    @Test
    void catchesAPlantedPrivilegeEscalation() throws IOException {
        Path broken = tmp.resolve("broken.js");
        Files.writeString(broken, Files.readString(script())
                .replace("roles: [{ role: 'readWrite', db: 'crm_db' }]", "roles: [{ role: 'readWriteAnyDatabase', db: 'admin' }]"));
        assertThat(run(broken, "{\"CRM_DB_USERNAME\":\"crm_app\",\"CRM_DB_PASSWORD\":\"pw\"}")).isNotEqualTo(EXPECTED);
    }
}
