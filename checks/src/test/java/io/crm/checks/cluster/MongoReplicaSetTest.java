package io.crm.checks.cluster;

import static io.crm.checks.cluster.AdminSecretWiringTest.list;
import static io.crm.checks.cluster.AdminSecretWiringTest.map;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

import com.marcnuri.helm.Helm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.crm.checks.Scratch;
import io.crm.checks.Tools;
import io.crm.checks.Yamls;

/**
 * MongoDB as a replica set (chart mongodb.architecture=replicaset, kustomize component mongodb-replicaset) and as the
 * standalone it stays in dev and by default: members, keyfile handling, spreading, disruption budget, the set's
 * upkeep script, the app's and the backup's connection, the members' network. Schema validity, the CEL policy,
 * exposure and yamllint of these renders run with every other render (ci/replicaset-values.yaml and values-prod.yaml
 * are among them).
 */
class MongoReplicaSetTest {

    static final String STS = "crm-mongodb";
    static final String HEADLESS = "crm-mongodb";

    /** helm template of a chart folder with hooks rendered as plain objects, one values file and --set pairs. */
    static List<Map<String, Object>> render(Path chart, String valuesFile, Map<String, Object> sets) {
        var cmd = new Helm(chart).template().withName(Rendering.RELEASE).withNamespace("crm")
                .withKubeVersion(Rendering.KUBE_VERSION);
        if (valuesFile != null) {
            cmd = cmd.withValuesFile(chart.resolve(valuesFile));
        }
        for (var set : sets.entrySet()) {
            cmd = cmd.set(set.getKey(), set.getValue());
        }
        return Yamls.parseAll(cmd.call());
    }

    /** A scratch chart (hooks exposed) to plant errors in. */
    static Path chartCopy(Path tmp) {
        Path copy = tmp.resolve("crm");
        Scratch.copyTree(ClusterFiles.chart(), copy);
        Rendering.exposeHelmHooks(copy.resolve("templates"));
        return copy;
    }

    static Path scratchChart() {
        return Rendering.scratchCopy().resolve("charts/crm");
    }

    static Map<String, Object> container(Map<String, Object> pod, String field, String name) {
        return list(pod.get(field)).stream().filter(c -> name.equals(c.get("name"))).findFirst().orElse(null);
    }

    static List<String> strings(Object o) {
        return o instanceof List<?> l ? l.stream().map(String::valueOf).toList() : List.of();
    }

    /** The container's command and args as one text (the embedded scripts included). */
    static String commandLine(Map<String, Object> c) {
        return String.join("\n", strings(c.get("command"))) + "\n" + String.join("\n", strings(c.get("args")));
    }

    /** The pod volume mounted in the container at the folder holding the file (null when none is). */
    static Map<String, Object> volumeHolding(Map<String, Object> pod, Map<String, Object> c, String file) {
        for (Map<String, Object> m : list(c.get("volumeMounts"))) {
            String dir = String.valueOf(m.get("mountPath")).replaceAll("/+$", "");
            if (file.startsWith(dir + "/") && file.indexOf('/', dir.length() + 1) < 0) {
                return list(pod.get("volumes")).stream().filter(v -> Objects.equals(v.get("name"), m.get("name")))
                        .findFirst().orElse(null);
            }
        }
        return null;
    }

    static boolean runsAs999(Map<String, Object> pod, Map<String, Object> c) {
        Object user = Yq.get(c, "securityContext.runAsUser");
        return Integer.valueOf(999).equals(user != null ? user : Yq.get(pod, "securityContext.runAsUser"));
    }

    static boolean selects(Map<String, Object> selector, Map<String, Object> labels) {
        Map<String, Object> match = map(Yq.get(selector, "matchLabels"));
        return !match.isEmpty() && match.entrySet().stream()
                .allMatch(e -> Objects.equals(labels.get(e.getKey()), e.getValue()));
    }

    /** The upkeep script initiates the set only after the set's status said it is not initiated yet. */
    static boolean initiateGuardedByStatus(String script) {
        int status = script.indexOf("replSetGetStatus");
        int notYet = script.indexOf("NotYetInitialized", Math.max(status, 0));
        int initiate = script.indexOf("replSetInitiate", Math.max(notYet, 0));
        return status >= 0 && notYet > status && initiate > notYet;
    }

    static List<String> expectedHosts(int members) {
        List<String> hosts = new ArrayList<>();
        for (int i = 0; i < members; i++) {
            hosts.add(STS + "-" + i + "." + HEADLESS + ":27017");
        }
        return hosts;
    }

    /** What a render running MongoDB as a replica set of {@code members} named {@code setName} gets wrong. */
    static List<String> replicaSetViolations(List<Map<String, Object>> objs, int members, String setName) {
        List<String> out = new ArrayList<>();
        Map<String, Object> sts = KustomizeTest.find(objs, "StatefulSet", STS);
        if (!Integer.valueOf(members).equals(Yq.get(sts, "spec.replicas"))) {
            out.add("StatefulSet replicas " + Yq.get(sts, "spec.replicas") + ", expected " + members);
        }
        Map<String, Object> pod = map(Yq.get(sts, "spec.template.spec"));
        Map<String, Object> podLabels = map(Yq.get(sts, "spec.template.metadata.labels"));
        Map<String, Object> mongod = container(pod, "containers", "mongodb");
        List<String> args = strings(mongod.get("args"));
        int replSet = args.indexOf("--replSet");
        if (replSet < 0 || replSet + 1 >= args.size() || !args.get(replSet + 1).equals(setName)) {
            out.add("mongod runs without --replSet " + setName + ": " + args);
        }
        if (!args.contains("--bind_ip_all")) {
            out.add("mongod does not listen for the other members (--bind_ip_all): " + args);
        }
        int keyFileArg = args.indexOf("--keyFile");
        String keyFile = keyFileArg >= 0 && keyFileArg + 1 < args.size() ? args.get(keyFileArg + 1) : null;
        if (keyFile == null) {
            out.add("mongod runs without --keyFile: " + args);
        } else {
            Map<String, Object> volume = volumeHolding(pod, mongod, keyFile);
            if (volume == null || !volume.containsKey("emptyDir")) {
                out.add("mongod's keyfile " + keyFile + " is not on an emptyDir (a Secret volume is group-readable, "
                        + "which mongod refuses): " + volume);
            }
            boolean copied = list(pod.get("initContainers")).stream().anyMatch(c -> {
                String script = commandLine(c);
                return script.contains(keyFile)
                        && Pattern.compile("(install -m 0?400|chmod 0?400) ").matcher(script).find()
                        && (runsAs999(pod, c) || script.contains("chown 999"))
                        && volume != null && volume.equals(volumeHolding(pod, c, keyFile));
            });
            if (!copied) {
                out.add("no init container copies the key to " + keyFile + " with mode 0400 for uid 999");
            }
            // The Secret volume the key comes from: when it lists items, the key must be one of them.
            for (Map<String, Object> v : list(pod.get("volumes"))) {
                Object items = Yq.get(v, "secret.items");
                if (items != null && list(items).stream().noneMatch(it -> "mongodb-replica-set-key".equals(it.get("key")))) {
                    out.add("Secret volume " + v.get("name") + " does not mount mongodb-replica-set-key");
                }
            }
        }
        String spread = String.valueOf(Yq.get(pod, "topologySpreadConstraints"));
        boolean zones = list(pod.get("topologySpreadConstraints")).stream().anyMatch(t ->
                "topology.kubernetes.io/zone".equals(t.get("topologyKey")) && selects(map(t.get("labelSelector")), podLabels));
        if (!zones) {
            out.add("members are not spread over zones (topologySpreadConstraints): " + spread);
        }
        Map<String, Object> anti = map(Yq.get(pod, "affinity.podAntiAffinity"));
        List<Map<String, Object>> terms = new ArrayList<>(list(anti.get("requiredDuringSchedulingIgnoredDuringExecution")));
        list(anti.get("preferredDuringSchedulingIgnoredDuringExecution")).forEach(p -> terms.add(map(p.get("podAffinityTerm"))));
        if (terms.stream().noneMatch(t -> "kubernetes.io/hostname".equals(t.get("topologyKey"))
                && selects(map(t.get("labelSelector")), podLabels))) {
            out.add("no pod anti-affinity of the members on kubernetes.io/hostname: " + anti);
        }
        boolean pdb = KustomizeTest.kinds(objs).contains("PodDisruptionBudget") && objs.stream()
                .filter(o -> "PodDisruptionBudget".equals(o.get("kind")))
                .anyMatch(o -> selects(map(Yq.get(o, "spec.selector")), podLabels)
                        && Integer.valueOf(1).equals(Yq.get(o, "spec.maxUnavailable")));
        if (!pdb) {
            out.add("no PodDisruptionBudget with maxUnavailable: 1 selects the members");
        }
        // The upkeep script: a container of the member pod runs a script from a ConfigMap that initiates the set.
        boolean upkeep = list(pod.get("containers")).stream().filter(c -> c != mongod).anyMatch(c ->
                list(c.get("volumeMounts")).stream().anyMatch(m -> {
                    Map<String, Object> v = list(pod.get("volumes")).stream()
                            .filter(vol -> Objects.equals(vol.get("name"), m.get("name"))).findFirst().orElse(Map.of());
                    Object cm = Yq.get(v, "configMap.name");
                    return cm != null && commandLine(c).contains(String.valueOf(m.get("mountPath"))) && objs.stream()
                            .filter(o -> "ConfigMap".equals(o.get("kind")) && cm.equals(Yq.get(o, "metadata.name")))
                            .anyMatch(o -> map(o.get("data")).values().stream()
                                    .anyMatch(s -> initiateGuardedByStatus(String.valueOf(s))));
                }));
        if (!upkeep) {
            out.add("no container of the members runs a script that initiates the set after checking its status");
        }
        if (!Boolean.TRUE.equals(Yq.get(KustomizeTest.find(objs, "Service", HEADLESS), "spec.publishNotReadyAddresses"))) {
            out.add("the headless Service must publish not-ready members (they resolve each other while syncing)");
        }
        String uri = mongodbUri(objs);
        String hosts = uri.replaceFirst("^mongodb://[^@]*@", "").replaceFirst("/.*$", "");
        if (!List.of(hosts.split(",")).equals(expectedHosts(members))) {
            out.add("the app's MONGODB_URI does not list the " + members + " members: " + uri);
        }
        for (String option : List.of("replicaSet=" + setName, "w=majority", "retryWrites=true",
                "readConcernLevel=majority")) {
            if (!uri.matches(".*[?&]" + Pattern.quote(option) + "(&.*)?$")) {
                out.add("the app's MONGODB_URI lacks " + option + ": " + uri);
            }
        }
        out.addAll(backupViolations(objs, setName + "/" + String.join(",", expectedHosts(members)), "secondaryPreferred"));
        boolean members27017 = objs.stream().filter(o -> "NetworkPolicy".equals(o.get("kind")))
                .filter(o -> selects(map(Yq.get(o, "spec.podSelector")), podLabels))
                .anyMatch(o -> admitsMembers(o, "ingress", "from", podLabels) && admitsMembers(o, "egress", "to", podLabels));
        if (!members27017) {
            out.add("no NetworkPolicy lets the members reach each other on 27017 (ingress and egress)");
        }
        return out;
    }

    static boolean admitsMembers(Map<String, Object> policy, String direction, String peers, Map<String, Object> podLabels) {
        return list(Yq.get(policy, "spec." + direction)).stream().anyMatch(rule ->
                list(rule.get(peers)).stream().anyMatch(p -> selects(map(p.get("podSelector")), podLabels)
                        && p.get("namespaceSelector") == null)
                        && list(rule.get("ports")).stream().anyMatch(p -> Integer.valueOf(27017).equals(p.get("port"))));
    }

    static String mongodbUri(List<Map<String, Object>> objs) {
        Map<String, Object> app = KustomizeTest.find(objs, "Deployment", "crm-app");
        Map<String, Object> c = container(map(Yq.get(app, "spec.template.spec")), "containers", "crm-app");
        return list(c.get("env")).stream().filter(e -> "MONGODB_URI".equals(e.get("name")))
                .map(e -> String.valueOf(e.get("value"))).findFirst().orElse("");
    }

    /** The backup CronJob (when the render has one) dumps from these hosts with this read preference. */
    static List<String> backupViolations(List<Map<String, Object>> objs, String hosts, String readPreference) {
        List<String> out = new ArrayList<>();
        objs.stream().filter(o -> "CronJob".equals(o.get("kind")) && "crm-mongodb-backup".equals(Yq.get(o, "metadata.name")))
                .forEach(cron -> {
                    Map<String, Object> pod = map(Yq.get(cron, "spec.jobTemplate.spec.template.spec"));
                    Map<String, Object> dump = container(pod, "initContainers", "mongodump");
                    Map<String, String> env = new java.util.HashMap<>();
                    list(dump.get("env")).forEach(e -> env.put(String.valueOf(e.get("name")), String.valueOf(e.get("value"))));
                    if (!hosts.equals(env.get("MONGODB_HOSTS")) || !readPreference.equals(env.get("MONGODB_READ_PREFERENCE"))) {
                        out.add("backup must dump from " + hosts + " with readPreference " + readPreference + ": " + env);
                    }
                    String script = commandLine(dump);
                    if (!script.contains("--host=\"${MONGODB_HOSTS}\" --readPreference=\"${MONGODB_READ_PREFERENCE}\"")) {
                        out.add("the backup script ignores MONGODB_HOSTS/MONGODB_READ_PREFERENCE");
                    }
                });
        return out;
    }

    /** What a render running MongoDB as one standalone member gets wrong. */
    static List<String> standaloneViolations(List<Map<String, Object>> objs) {
        List<String> out = new ArrayList<>();
        Map<String, Object> sts = KustomizeTest.find(objs, "StatefulSet", STS);
        if (!Integer.valueOf(1).equals(Yq.get(sts, "spec.replicas"))) {
            out.add("standalone StatefulSet replicas " + Yq.get(sts, "spec.replicas"));
        }
        Map<String, Object> pod = map(Yq.get(sts, "spec.template.spec"));
        List<String> args = strings(Yq.get(container(pod, "containers", "mongodb"), "args"));
        if (args.contains("--replSet") || args.contains("--keyFile")) {
            out.add("standalone mongod with replica set arguments: " + args);
        }
        if (list(pod.get("containers")).size() != 1 || !list(pod.get("initContainers")).isEmpty()) {
            out.add("standalone member pod with extra containers: "
                    + list(pod.get("containers")).stream().map(c -> c.get("name")).toList());
        }
        if (objs.stream().anyMatch(o -> "ConfigMap".equals(o.get("kind")) && map(o.get("data")).values().stream()
                .anyMatch(s -> String.valueOf(s).contains("replSetInitiate")))) {
            out.add("standalone render ships the replica set's init script");
        }
        Map<String, Object> podLabels = map(Yq.get(sts, "spec.template.metadata.labels"));
        if (objs.stream().anyMatch(o -> "PodDisruptionBudget".equals(o.get("kind"))
                && selects(map(Yq.get(o, "spec.selector")), podLabels))) {
            out.add("standalone render has a PodDisruptionBudget for its single member");
        }
        String uri = mongodbUri(objs);
        if (!uri.matches("mongodb://[^@]+@crm-mongodb:27017/crm_db\\?authSource=crm_db")) {
            out.add("standalone MONGODB_URI changed: " + uri);
        }
        out.addAll(backupViolations(objs, "crm-mongodb:27017", "primary"));
        return out;
    }

    @Test
    void prodAndTheReplicaSetValuesRenderAReplicaSet() {
        var renders = Rendering.all();
        assertThat(replicaSetViolations(renders.get("helm:values-prod.yaml").objects(), 3, "rs0")).isEmpty();
        assertThat(replicaSetViolations(renders.get("helm:ci/replicaset-values.yaml").objects(), 5, "rs1")).isEmpty();
        var defaults = render(scratchChart(), null, Map.of("mongodb.architecture", "replicaset"));
        assertThat(replicaSetViolations(defaults, 3, "rs0")).isEmpty();
        // The chart's own Secret carries a key for the members (made at install, like the passwords).
        Map<String, Object> secret = KustomizeTest.find(defaults, "Secret", "crm-credentials");
        assertThat(String.valueOf(Yq.get(secret, "data.mongodb-replica-set-key"))).matches("[A-Za-z0-9+/=]{100,}");
    }

    @Test
    void defaultsAndDevStayStandalone() {
        var renders = Rendering.all();
        assertThat(standaloneViolations(renders.get("helm:defaults").objects())).isEmpty();
        assertThat(standaloneViolations(renders.get("helm:values-dev.yaml").objects())).isEmpty();
        assertThat(standaloneViolations(render(scratchChart(), "values-prod.yaml",
                Map.of("mongodb.architecture", "standalone")))).isEmpty();
        assertThat(KustomizeTest.find(renders.get("helm:defaults").objects(), "StatefulSet", STS))
                .as("the chart's default").isNotNull();
    }

    @Test
    void theChecksCatchTheWrongArchitecture() {
        var dev = render(scratchChart(), "values-dev.yaml", Map.of("mongodb.architecture", "replicaset"));
        assertThat(standaloneViolations(dev)).isNotEmpty();
        assertThat(replicaSetViolations(Rendering.all().get("helm:values-dev.yaml").objects(), 3, "rs0"))
                .anySatisfy(p -> assertThat(p).contains("--replSet"))
                .anySatisfy(p -> assertThat(p).contains("PodDisruptionBudget"))
                .anySatisfy(p -> assertThat(p).contains("initiates the set"));
    }

    @Test
    void schemaRejectsAnUnknownArchitectureAndAnEvenMemberCount() {
        Path chart = ClusterFiles.chart();
        assertThatThrownBy(() -> render(chart, null, Map.of("mongodb.architecture", "cluster")))
                .hasMessageContaining("architecture");
        assertThatThrownBy(() -> render(chart, null, Map.of("mongodb.architecture", "replicaset",
                "mongodb.replicaCount", 2))).hasMessageContaining("replicaCount");
        assertThatThrownBy(() -> render(chart, null, Map.of("mongodb.architecture", "replicaset",
                "mongodb.replicaCount", 4))).hasMessageContaining("replicaCount");
        assertThat(replicaSetViolations(render(scratchChart(), null, Map.of("mongodb.architecture", "replicaset",
                "mongodb.replicaCount", 7)), 7, "rs0")).isEmpty();
    }

    @Test
    void plantedChartErrorsAreCaught(@TempDir Path tmp) {
        record Plant(String file, String from, String to, String problem) {
        }
        List<Plant> plants = List.of(
                new Plant("templates/mongodb.yaml", "install -m 0400 ", "install -m 0440 ", "mode 0400"),
                new Plant("templates/mongodb.yaml", "- --keyFile\n            - /etc/mongo-keyfile/keyfile",
                        "- --keyFile\n            - /etc/mongo-secret/mongodb-replica-set-key", "not on an emptyDir"),
                new Plant("templates/mongodb.yaml", "replicas: {{ ternary .Values.mongodb.replicaCount 1",
                        "replicas: {{ ternary 1 1", "StatefulSet replicas 1"),
                new Plant("templates/mongodb.yaml", "topologyKey: topology.kubernetes.io/zone",
                        "topologyKey: kubernetes.io/os", "zones"),
                new Plant("templates/mongodb.yaml", "topologyKey: kubernetes.io/hostname",
                        "topologyKey: topology.kubernetes.io/zone", "anti-affinity"),
                new Plant("templates/mongodb.yaml", "maxUnavailable: 1", "maxUnavailable: 2", "PodDisruptionBudget"),
                new Plant("templates/mongodb.yaml", "publishNotReadyAddresses: true", "publishNotReadyAddresses: false",
                        "not-ready"),
                new Plant("files/mongodb/replicaset-init.js", "admin.runCommand({replSetGetStatus: 1})",
                        "({ok: 0, codeName: 'NotYetInitialized'})", "initiates the set"),
                new Plant("templates/deployment.yaml", "?replicaSet=%s&w=majority&", "?w=majority&", "replicaSet=rs0"),
                new Plant("templates/_helpers.tpl", "(printf \"%s-mongodb-%d.%s-mongodb:27017\"",
                        "(printf \"%s-mongodb-%d.%s-mongodb:27018\"", "does not list the 3 members"),
                new Plant("templates/backup-cronjob.yaml", "                  value: secondaryPreferred",
                        "                  value: primary", "readPreference secondaryPreferred"));
        int i = 0;
        for (Plant plant : plants) {
            Path chart = chartCopy(tmp.resolve("plant-" + i++));
            Scratch.plant(chart.resolve(plant.file()), plant.from(), plant.to());
            var objs = render(chart, "values-prod.yaml", Map.of());
            assertThat(replicaSetViolations(objs, 3, "rs0")).as(plant.from())
                    .anySatisfy(p -> assertThat(p).contains(plant.problem()));
        }
        // The members' NetworkPolicy: without its egress rule the members cannot reach each other.
        Path chart = chartCopy(tmp.resolve("plant-policy"));
        Scratch.plant(chart.resolve("templates/networkpolicy.yaml"),
                "  policyTypes:\n    - Ingress\n    - Egress\n  ingress:\n    - from:\n        - podSelector:\n"
                        + "            matchLabels:\n              {{- $mongo | nindent 14 }}\n      ports:\n"
                        + "        - port: 27017\n          protocol: TCP\n  egress:",
                "  policyTypes:\n    - Ingress\n    - Egress\n  ingress:\n    - from:\n        - podSelector:\n"
                        + "            matchLabels:\n              {{- $mongo | nindent 14 }}\n      ports:\n"
                        + "        - port: 27017\n          protocol: TCP\n  egress: []\n  unused:");
        assertThat(replicaSetViolations(render(chart, "values-prod.yaml", Map.of()), 3, "rs0"))
                .anySatisfy(p -> assertThat(p).contains("NetworkPolicy"));
    }

    @Test
    void stage1ProdIsTheReplicaSetAndDevStaysSingle() {
        var prod = Rendering.all().get("kustomize:kustomize/overlays/prod").objects();
        var dev = Rendering.all().get("kustomize:kustomize/overlays/dev").objects();
        assertThat(replicaSetViolations(prod, 3, "rs0")).isEmpty();
        assertThat(standaloneViolations(dev)).isEmpty();
    }

    @Test
    void plantedStage1ErrorsAreCaught(@TempDir Path tmp) {
        Path kubectl = Path.of(Tools.require("kubectl"));
        Path copy = ClusterFiles.copyOfClusterResources(tmp);
        Rendering.prepareDevEnv(copy);
        // Hand edits of the committed rendering (Stage1RenderTest also reports them as drift).
        Path rendered = copy.resolve("kustomize/overlays/prod/chart-rendered.yaml");
        Scratch.plant(rendered, "  replicas: 3\n", "  replicas: 1\n");
        Scratch.plant(rendered, "install -m 0400 /etc/mongo-secret/", "install -m 0440 /etc/mongo-secret/");
        Tools.Result r = Rendering.kustomize(kubectl, copy.resolve("kustomize/overlays/prod"));
        assertThat(r.ok()).as(r.output()).isTrue();
        assertThat(replicaSetViolations(Yamls.parseAll(r.output()), 3, "rs0"))
                .anySatisfy(p -> assertThat(p).contains("StatefulSet replicas 1"))
                .anySatisfy(p -> assertThat(p).contains("with mode 0400 for uid 999"));
        // Prod rendered from the dev values would be a standalone again.
        Path copy2 = ClusterFiles.copyOfClusterResources(tmp.resolve("second"));
        Scratch.write(copy2.resolve("kustomize/overlays/prod/chart-rendered.yaml"),
                Scratch.read(copy2.resolve("kustomize/overlays/dev/chart-rendered.yaml")));
        Tools.Result r2 = Rendering.kustomize(kubectl, copy2.resolve("kustomize/overlays/prod"));
        assertThat(r2.ok()).as(r2.output()).isTrue();
        assertThat(replicaSetViolations(Yamls.parseAll(r2.output()), 3, "rs0")).hasSizeGreaterThan(5);
    }

    /**
     * mongosh's globals for the upkeep script under node: Mongo connections to a fake set described by SCENARIO
     * (this pod, member count, what replSetGetStatus and replSetGetConfig answer, which members answer a ping);
     * prints every command the script sent. sleep() ends the run after one round.
     */
    static final String SIMULATOR = """
            const vm = require('vm');
            const fs = require('fs');
            const scenario = JSON.parse(process.env.SCENARIO);
            const calls = [];
            class Stop {}
            class Mongo {
              constructor(uri) {
                this.uri = uri;
                this.host = uri.replace(/^mongodb:\\/\\/([^@]*@)?/, '').replace(/\\/.*$/, '');
                if (this.host !== '127.0.0.1:27017' && !scenario.answering.includes(this.host)) {
                  throw new Error('connect ECONNREFUSED ' + this.host);
                }
              }
              getDB(name) {
                return { runCommand: (cmd) => {
                  const op = Object.keys(cmd)[0];
                  calls.push({host: this.host, db: name, op, arg: cmd[op], authenticated: this.uri.includes('@')});
                  if (op === 'replSetGetStatus') return scenario.status;
                  if (op === 'replSetGetConfig') return {ok: 1, config: JSON.parse(JSON.stringify(scenario.config))};
                  return {ok: 1};
                }};
              }
              close() {}
            }
            const files = {
              readFileSync: (f) => f.startsWith('/etc/mongo-secret/') ? 'secret\\n' : fs.readFileSync(f),
              writeFileSync: () => {},
            };
            try {
              vm.runInNewContext(fs.readFileSync(process.argv[2], 'utf8'), {
                require: (m) => m === 'fs' ? files : require(m),
                process: {env: {POD_NAME: scenario.pod, HEADLESS_SERVICE: 'crm-mongodb', REPLICA_SET_NAME: 'rs0',
                                REPLICA_COUNT: String(scenario.count)}},
                Mongo, print: (...a) => console.error(...a), sleep: () => { throw new Stop(); },
              });
            } catch (e) {
              if (!(e instanceof Stop)) { console.error(String(e)); process.exit(1); }
            }
            console.log(JSON.stringify({calls}));
            """;

    static final String H0 = "crm-mongodb-0.crm-mongodb:27017";
    static final String H1 = "crm-mongodb-1.crm-mongodb:27017";
    static final String H2 = "crm-mongodb-2.crm-mongodb:27017";

    /** The commands one round of the script sends in a scenario (JSON), except the pings. */
    static List<Map<String, Object>> simulate(Path tmp, String script, String scenario) {
        Path js = tmp.resolve("simulator.js");
        Path file = tmp.resolve("replicaset-init.js");
        Scratch.write(js, SIMULATOR);
        Scratch.write(file, script);
        Tools.Result r = Tools.run(tmp, ClusterFiles.TOOL_TIMEOUT, Map.of("SCENARIO", scenario),
                List.of(Tools.require("node"), js.toString(), file.toString()));
        assertThat(r.ok()).as(r.output()).isTrue();
        String json = r.output().lines().filter(l -> l.startsWith("{\"calls\"")).reduce((a, b) -> b).orElseThrow();
        return list(Yamls.parseAll(json).get(0).get("calls")).stream().filter(c -> !"ping".equals(c.get("op"))).toList();
    }

    static String status(String state) {
        return state.startsWith("{") ? state : "{\"ok\": 0, \"codeName\": \"" + state + "\"}";
    }

    static String scenario(String pod, String status, List<String> configured, List<String> answering) {
        StringBuilder members = new StringBuilder();
        for (int i = 0; i < configured.size(); i++) {
            members.append(i == 0 ? "" : ",").append("{\"_id\": ").append(i).append(", \"host\": \"")
                    .append(configured.get(i)).append("\"}");
        }
        return "{\"pod\": \"" + pod + "\", \"count\": 3, \"status\": " + status(status)
                + ", \"config\": {\"_id\": \"rs0\", \"version\": 4, \"members\": [" + members + "]}, \"answering\": "
                + answering.stream().map(h -> "\"" + h + "\"").toList() + "}";
    }

    static String primary(String state) {
        return "{\"ok\": 1, \"members\": [{\"self\": true, \"stateStr\": \"" + state + "\"}]}";
    }

    static List<String> ops(List<Map<String, Object>> calls) {
        return calls.stream().map(c -> String.valueOf(c.get("op"))).toList();
    }

    /** What the upkeep script does wrong across the scenarios; empty when every one behaves. */
    static List<String> upkeepViolations(Path tmp, String script) {
        List<String> out = new ArrayList<>();
        // Member 0 of a set not initiated yet: initiates it with itself, as root on its own mongod.
        var calls = simulate(tmp, script, scenario("crm-mongodb-0", "NotYetInitialized", List.of(), List.of(H1, H2)));
        var initiate = calls.stream().filter(c -> "replSetInitiate".equals(c.get("op"))).toList();
        if (initiate.size() != 1 || !"rs0".equals(Yq.get(initiate.get(0), "arg._id"))
                || !H0.equals(Yq.get(initiate.get(0), "arg.members.0.host"))
                || !Boolean.TRUE.equals(initiate.get(0).get("authenticated"))
                || !"127.0.0.1:27017".equals(initiate.get(0).get("host"))) {
            out.add("member 0 of an uninitiated set must initiate rs0 with itself, as root: " + calls);
        }
        // Nobody else initiates, and nothing happens while the entrypoint's temporary standalone mongod runs.
        for (String other : List.of("crm-mongodb-1", "crm-mongodb-2")) {
            var c = simulate(tmp, script, scenario(other, "NotYetInitialized", List.of(), List.of(H0, H1, H2)));
            if (ops(c).contains("replSetInitiate") || ops(c).contains("replSetReconfig")) {
                out.add(other + " must wait to be added, not initiate: " + c);
            }
        }
        var standalone = simulate(tmp, script, scenario("crm-mongodb-0", "NoReplicationEnabled", List.of(), List.of()));
        if (ops(standalone).contains("replSetInitiate") || ops(standalone).contains("replSetReconfig")) {
            out.add("a mongod without --replSet (the entrypoint's first start) must be left alone: " + standalone);
        }
        // The primary adds the first missing member that answers, one per round, keeping the others.
        var add = simulate(tmp, script, scenario("crm-mongodb-0", primary("PRIMARY"), List.of(H0), List.of(H1, H2)));
        var reconfig = add.stream().filter(c -> "replSetReconfig".equals(c.get("op"))).toList();
        if (ops(add).contains("replSetInitiate") || reconfig.size() != 1
                || !Integer.valueOf(5).equals(Yq.get(reconfig.get(0), "arg.version"))
                || !List.of(H0, H1).equals(list(Yq.get(reconfig.get(0), "arg.members")).stream()
                        .map(m -> String.valueOf(m.get("host"))).toList())) {
            out.add("the primary must add the next answering member with the next config version: " + add);
        }
        var failedOver = simulate(tmp, script, scenario("crm-mongodb-1", primary("PRIMARY"), List.of(H0, H1),
                List.of(H0, H2)));
        if (!failedOver.stream().anyMatch(c -> "replSetReconfig".equals(c.get("op"))
                && String.valueOf(Yq.get(c, "arg.members")).contains(H2))) {
            out.add("a primary other than member 0 must add missing members too: " + failedOver);
        }
        // Nothing to do: a member that does not answer yet, a complete set, a secondary.
        for (String s : List.of(
                scenario("crm-mongodb-0", primary("PRIMARY"), List.of(H0), List.of()),
                scenario("crm-mongodb-0", primary("PRIMARY"), List.of(H0, H1, H2), List.of(H0, H1, H2)),
                scenario("crm-mongodb-2", primary("SECONDARY"), List.of(H0), List.of(H0, H1, H2)))) {
            var c = simulate(tmp, script, s);
            if (ops(c).contains("replSetInitiate") || ops(c).contains("replSetReconfig")) {
                out.add("must change nothing in " + s + ": " + c);
            }
        }
        return out;
    }

    static String upkeepScript() {
        return Scratch.read(ClusterFiles.chart().resolve("files/mongodb/replicaset-init.js"));
    }

    @Test
    void theUpkeepScriptInitiatesOnceAndAddsAnsweringMembers(@TempDir Path tmp) {
        assertThat(upkeepViolations(tmp, upkeepScript())).isEmpty();
    }

    @Test
    void plantedUpkeepErrorsAreCaught(@TempDir Path tmp) {
        String script = upkeepScript();
        Map<String, String> plants = Map.of(
                "if (status.codeName !== 'NotYetInitialized') {", "left alone",
                "if (ordinal !== 0) {", "not initiate",
                "const next = missing.find(answers);", "must change nothing",
                "config.version += 1;", "next config version",
                "if (!status.members.some(m => m.self && m.stateStr === 'PRIMARY')) {", "must change nothing");
        for (var plant : plants.entrySet()) {
            assertThat(script).contains(plant.getKey());
            String broken = script.replace(plant.getKey(), plant.getKey().startsWith("const next")
                    ? "const next = missing[0];" : plant.getKey().startsWith("config.version") ? "" : "if (false) {");
            assertThat(upkeepViolations(tmp, broken)).as(plant.getKey())
                    .anySatisfy(p -> assertThat(p).contains(plant.getValue()));
        }
    }
}
