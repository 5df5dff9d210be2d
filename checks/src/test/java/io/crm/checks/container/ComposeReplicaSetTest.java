package io.crm.checks.container;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.crm.checks.Repo;
import io.crm.checks.Tools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * compose.replicaset.yaml, the replica set variant of the compose stack (its schema check is in ComposeTest): three
 * mongo:7.0 members with --replSet and a keyfile made 0400 for uid 999, a one-shot init that waits for them, the app
 * re-pointed at the set; and deploy/mongo/replicaset/initiate.js under node against a scripted stand-in of the set.
 */
class ComposeReplicaSetTest {

    private static final ObjectMapper YAML = YAMLMapper.builder().build();
    static final List<String> MEMBERS = List.of("mongo-rs-0", "mongo-rs-1", "mongo-rs-2");

    private static String read(String file) throws IOException {
        return Files.readString(Repo.root().resolve(file));
    }

    static String text(JsonNode node) {
        return node.isArray() ? String.join("\n", node.valueStream().map(n -> n.asString("")).toList()) : node.asString("");
    }

    /** What the replica set override gets wrong, given the base compose file it is layered on. */
    static List<String> violations(String override, String base) throws IOException {
        List<String> out = new ArrayList<>();
        JsonNode services = YAML.readTree(override).path("services");
        JsonNode volumes = YAML.readTree(override).path("volumes");
        String baseImage = YAML.readTree(base).path("services").path("mongo").path("image").asString("");
        // The keyfile: made by a one-shot service into a volume, mode 0400 and owner 999.
        JsonNode keyfile = services.path("mongo-keyfile");
        String keyScript = text(keyfile.path("command"));
        String keyVolume = null;
        String keyDir = null;
        for (JsonNode v : keyfile.path("volumes")) {
            String[] parts = v.asString("").split(":");
            if (parts.length >= 2 && volumes.has(parts[0])) {
                keyVolume = parts[0];
                keyDir = parts[1];
            }
        }
        if (keyVolume == null || !keyScript.contains(keyDir + "/keyfile")) {
            out.add("mongo-keyfile must write " + "<volume>/keyfile into a named volume: " + keyfile.path("volumes"));
        }
        if (!Pattern.compile("umask 0?377|chmod 0?400|install -m 0?400").matcher(keyScript).find()
                || !keyScript.contains("chown 999")) {
            out.add("mongo-keyfile must make the key 0400 and owned by 999 (mongod refuses a readable keyfile)");
        }
        for (String name : MEMBERS) {
            JsonNode member = services.path(name);
            if (member.isMissingNode()) {
                out.add("no member " + name);
                continue;
            }
            if (!member.path("image").asString("").matches("mongo:7\\.0\\.[0-9]+") || !member.path("image").asString("").equals(baseImage)) {
                out.add(name + " must run compose.yaml's pinned mongo:7.0.x image: " + member.path("image"));
            }
            List<String> args = member.path("command").valueStream().map(n -> n.asString("")).toList();
            int replSet = args.indexOf("--replSet");
            int keyFileArg = args.indexOf("--keyFile");
            if (replSet < 0 || !"rs0".equals(args.get(replSet + 1)) || !args.contains("--bind_ip_all")) {
                out.add(name + " must run mongod --bind_ip_all --replSet rs0: " + args);
            }
            String keyMount = keyVolume + ":" + keyDir + ":ro";
            if (keyFileArg < 0 || !(keyDir + "/keyfile").equals(args.get(keyFileArg + 1))
                    || member.path("volumes").valueStream().noneMatch(v -> v.asString("").equals(keyMount))) {
                out.add(name + " must read the keyfile " + keyDir + "/keyfile from " + keyMount + ": " + args);
            }
            if (!"service_completed_successfully".equals(member.path("depends_on").path("mongo-keyfile").path("condition").asString(""))) {
                out.add(name + " must start after mongo-keyfile completed");
            }
            if (member.path("volumes").valueStream().noneMatch(v -> v.asString("").equals(name + "-data:/data/db"))
                    || !volumes.has(name + "-data")) {
                out.add(name + " must keep its data on its own named volume " + name + "-data");
            }
            if (!member.path("environment").has("MONGO_INITDB_ROOT_PASSWORD")
                    || !member.path("healthcheck").path("test").toString().contains("ping")
                    || member.path("deploy").path("resources").path("limits").path("memory").isMissingNode()
                    || member.path("ports").size() > 0 || !member.path("networks").toString().contains("backend")) {
                out.add(name + " needs root credentials, a ping health check, a memory limit, the backend network and no ports");
            }
        }
        JsonNode init = services.path("mongo-rs-init");
        for (String name : MEMBERS) {
            if (!"service_healthy".equals(init.path("depends_on").path(name).path("condition").asString(""))) {
                out.add("mongo-rs-init must wait for " + name + " to be healthy");
            }
        }
        String initScript = null;
        for (JsonNode v : init.path("volumes")) {
            String[] parts = v.asString("").split(":");
            Path dir = Repo.root().resolve(parts[0].replaceFirst("^\\./", ""));
            for (String arg : init.path("entrypoint").valueStream().map(n -> n.asString("")).toList()) {
                if (parts.length >= 2 && arg.startsWith(parts[1] + "/") && Files.isRegularFile(dir.resolve(arg.substring(parts[1].length() + 1)))) {
                    initScript = Files.readString(dir.resolve(arg.substring(parts[1].length() + 1)));
                }
            }
        }
        String script = initScript == null ? "" : initScript;
        if (!script.contains("replSetInitiate") || MEMBERS.stream().anyMatch(m -> !script.contains("'" + m + ":27017'"))) {
            out.add("mongo-rs-init must run a mounted script that initiates rs0 with the three members");
        }
        if (!init.path("environment").path("MONGO_INITDB_ROOT_PASSWORD").asString("").startsWith("${")) {
            out.add("mongo-rs-init needs the root password from .env");
        }
        // The app: only the set (compose.yaml's dependency on "mongo" replaced, not extended), majority URI.
        JsonNode app = services.path("app");
        if (!override.contains("depends_on: !override\n")
                || !app.path("depends_on").propertyNames().equals(java.util.Set.of("mongo-rs-init"))
                || !"service_completed_successfully".equals(app.path("depends_on").path("mongo-rs-init").path("condition").asString(""))) {
            out.add("app must depend (!override) only on mongo-rs-init having completed: " + app.path("depends_on"));
        }
        String uri = app.path("environment").path("MONGODB_URI").asString("");
        Matcher hosts = Pattern.compile("^mongodb://\\$\\{CRM_DB_USERNAME}:\\$\\{CRM_DB_PASSWORD}@([^/]+)/crm_db\\?(.*)$").matcher(uri);
        if (!hosts.matches() || !List.of(hosts.group(1).split(",")).equals(MEMBERS.stream().map(m -> m + ":27017").toList())
                || !List.of(hosts.group(2).split("&")).containsAll(List.of("replicaSet=rs0", "w=majority",
                        "readConcernLevel=majority", "authSource=crm_db"))) {
            out.add("app's MONGODB_URI must list the members, name rs0 and use majority concerns: " + uri);
        }
        if (services.path("mongo").path("profiles").isEmpty()) {
            out.add("the standalone mongo must not start in the replica set variant (profiles)");
        }
        return out;
    }

    @Test
    void theReplicaSetVariantKeepsItsPromises() throws IOException {
        assertThat(violations(read("compose.replicaset.yaml"), read("compose.yaml"))).isEmpty();
    }

    record Plant(String from, String to, String problem) {
    }

    @Test
    void plantedErrorsAreCaught() throws IOException {
        String rs = read("compose.replicaset.yaml");
        String base = read("compose.yaml");
        String member0 = "[\"--bind_ip_all\", \"--replSet\", \"rs0\", \"--keyFile\", \"/keyfile/keyfile\"]\n    depends_on:\n"
                + "      mongo-keyfile:\n        condition: service_completed_successfully\n    environment:\n      MONGO_INITDB_ROOT_USERNAME";
        String member0Volumes = "      - mongo-keyfile:/keyfile:ro\n      - ./deploy/mongo/init:/docker-entrypoint-initdb.d:ro\n"
                + "    networks: [backend]\n    healthcheck:\n      # ping";
        List<Plant> plants = List.of(
                new Plant("umask 0377", "umask 0022", "must make the key 0400"),
                new Plant("chown 999:999 /keyfile/keyfile", "true", "must make the key 0400"),
                new Plant(member0, member0.replace("\"--replSet\", \"rs0\", ", ""), "mongo-rs-0 must run mongod"),
                new Plant(member0Volumes, member0Volumes.replace("/keyfile:ro", "/keyfile"), "mongo-rs-0 must read the keyfile"),
                new Plant("      - mongo-rs-1-data:/data/db\n", "      - mongo-rs-0-data:/data/db\n", "mongo-rs-1 must keep its data"),
                new Plant("      mongo-rs-2:\n        condition: service_healthy\n", "", "wait for mongo-rs-2"),
                new Plant("depends_on: !override\n", "depends_on:\n", "app must depend"),
                new Plant(",mongo-rs-2:27017/crm_db?", "/crm_db?", "must list the members"),
                new Plant("&w=majority&", "&", "majority concerns"),
                new Plant("    profiles: [standalone]\n", "", "must not start"));
        for (Plant plant : plants) {
            assertThat(rs).as("plant anchor").contains(plant.from());
            assertThat(violations(rs.replace(plant.from(), plant.to()), base)).as(plant.from())
                    .anySatisfy(p -> assertThat(p).contains(plant.problem()));
        }
        // The members must run the base file's MongoDB version.
        assertThat(violations(rs, base.replace("image: mongo:7.0.20", "image: mongo:7.0.21")))
                .anySatisfy(p -> assertThat(p).contains("compose.yaml's pinned mongo:7.0.x image"));
    }

    /**
     * mongosh's globals for initiate.js under node: each Mongo connection to mongo-rs-0 answers replSetGetStatus
     * with the next entry of STATUSES ("refused" makes the connection fail; the last entry repeats); prints the
     * commands sent and whether the script finished.
     */
    static final String SIMULATOR = """
            const vm = require('vm');
            const fs = require('fs');
            const statuses = JSON.parse(process.env.STATUSES);
            const calls = [];
            let next = 0;
            const current = () => statuses[Math.min(next, statuses.length - 1)];
            class Mongo {
              constructor(uri) {
                calls.push({op: 'connect', uri});
                if (current() === 'refused') { next++; throw new Error('connect ECONNREFUSED mongo-rs-0:27017'); }
              }
              getDB() {
                return { runCommand: (cmd) => {
                  const op = Object.keys(cmd)[0];
                  calls.push({op, arg: cmd[op]});
                  if (op === 'replSetGetStatus') { const s = current(); next++; return s; }
                  return {ok: 1};
                }};
              }
              close() {}
            }
            let finished = true;
            try {
              vm.runInNewContext(fs.readFileSync(process.argv[2], 'utf8'), {
                Mongo, print: () => {}, sleep: () => {},
                process: {env: {MONGO_INITDB_ROOT_USERNAME: 'root', MONGO_INITDB_ROOT_PASSWORD: 'p@ss'}},
              });
            } catch (e) {
              finished = false;
            }
            console.log(JSON.stringify({finished, calls: calls.filter(c => c.op !== 'connect' || calls.indexOf(c) === 0)}));
            """;

    static final String PRIMARY = "{\"ok\": 1, \"members\": [{\"stateStr\": \"PRIMARY\"}, {\"stateStr\": \"SECONDARY\"}]}";
    static final String NO_PRIMARY = "{\"ok\": 1, \"members\": [{\"stateStr\": \"SECONDARY\"}, {\"stateStr\": \"STARTUP2\"}]}";

    static JsonNode simulate(Path tmp, String script, String... statuses) throws IOException {
        Path js = tmp.resolve("simulator.js");
        Path file = tmp.resolve("initiate.js");
        Files.writeString(js, SIMULATOR);
        Files.writeString(file, script);
        List<String> quoted = new ArrayList<>();
        for (String s : statuses) {
            quoted.add(s.startsWith("{") ? s : "\"" + s + "\"");
        }
        Tools.Result r = Tools.run(tmp, Duration.ofMinutes(1), Map.of("STATUSES", "[" + String.join(",", quoted) + "]"),
                List.of(Tools.require("node"), js.toString(), file.toString()));
        assertThat(r.ok()).as(r.output()).isTrue();
        String json = r.output().lines().filter(l -> l.startsWith("{\"finished\"")).reduce((a, b) -> b).orElseThrow();
        return new ObjectMapper().readTree(json);
    }

    static String notYet(String codeName) {
        return "{\"ok\": 0, \"codeName\": \"" + codeName + "\"}";
    }

    static long initiates(JsonNode run) {
        return run.path("calls").valueStream().filter(c -> c.path("op").asString("").equals("replSetInitiate")).count();
    }

    /** What initiate.js does wrong across the scenarios; empty when every one behaves. */
    static List<String> initiateViolations(Path tmp, String script) throws IOException {
        List<String> out = new ArrayList<>();
        // First start: mongo-rs-0 refuses while restarting, answers from its temporary standalone, then is ready.
        JsonNode fresh = simulate(tmp, script, "refused", notYet("NoReplicationEnabled"), notYet("NotYetInitialized"),
                NO_PRIMARY, PRIMARY);
        JsonNode initiate = fresh.path("calls").valueStream()
                .filter(c -> c.path("op").asString("").equals("replSetInitiate")).findFirst().orElse(null);
        if (!fresh.path("finished").asBoolean() || initiates(fresh) != 1 || initiate == null
                || !"rs0".equals(initiate.path("arg").path("_id").asString(""))
                || !initiate.path("arg").path("members").toString().contains("mongo-rs-2:27017")) {
            out.add("a fresh set must be initiated once, with the three members, after retries: " + fresh);
        }
        String uri = fresh.path("calls").path(0).path("uri").asString("");
        if (!uri.startsWith("mongodb://root:p%40ss@mongo-rs-0:27017/admin?") || !uri.contains("directConnection=true")) {
            out.add("must connect as root (URL-encoded) straight to mongo-rs-0: " + uri);
        }
        JsonNode again = simulate(tmp, script, PRIMARY);
        if (!again.path("finished").asBoolean() || initiates(again) != 0) {
            out.add("an initiated set must be left as it is: " + again);
        }
        JsonNode never = simulate(tmp, script, notYet("NotYetInitialized"), NO_PRIMARY);
        if (never.path("finished").asBoolean()) {
            out.add("must fail when no primary is elected: " + never);
        }
        return out;
    }

    static String initiateScript() throws IOException {
        return read("deploy/mongo/replicaset/initiate.js");
    }

    @Test
    void initiateRunsOnceWaitsForAPrimaryAndIsIdempotent(@TempDir Path tmp) throws IOException {
        assertThat(initiateViolations(tmp, initiateScript())).isEmpty();
    }

    @Test
    void plantedInitiateErrorsAreCaught(@TempDir Path tmp) throws IOException {
        String script = initiateScript();
        Map<String, String> plants = Map.of(
                "if (status.codeName !== 'NotYetInitialized') {", "initiated once",
                "if (status.ok === 1) {", "left as it is",
                "status.members.some(m => m.stateStr === 'PRIMARY') ? 'primary' : 'waiting for a primary'", "no primary",
                "encodeURIComponent(process.env.MONGO_INITDB_ROOT_PASSWORD)", "as root");
        for (var plant : plants.entrySet()) {
            assertThat(script).as("plant anchor").contains(plant.getKey());
            String to = plant.getKey().startsWith("if") ? "if (false) {"
                    : plant.getKey().startsWith("encode") ? "process.env.MONGO_INITDB_ROOT_PASSWORD" : "'primary'";
            assertThat(initiateViolations(tmp, script.replace(plant.getKey(), to))).as(plant.getKey())
                    .anySatisfy(p -> assertThat(p).contains(plant.getValue()));
        }
    }
}
