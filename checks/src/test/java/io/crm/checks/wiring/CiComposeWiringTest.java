package io.crm.checks.wiring;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.crm.checks.Repo;
import io.crm.checks.Scratch;
import io.crm.checks.Yamls;
import org.junit.jupiter.api.Test;

/**
 * ci.yml's image and end-to-end jobs against the files they drive, as they exist: the image the image job tags is
 * the one compose.yaml runs (name crm-app, tag = commit SHA through CRM_TAG), every variable compose requires gets
 * a value in CI (no .env is committed: the job must create one or set it), and e2e/run.sh is pointed at the port
 * nginx publishes, with the first admin's credentials: a random password made for the run in the file compose mounts
 * as the admin secret, and the same file and email given to e2e/run.sh. Written by different people, so nothing else
 * ties them together before a real pipeline run.
 */
class CiComposeWiringTest {

    private static final Pattern APP_IMAGE = Pattern.compile("^\\$\\{(\\w+):-([^}]+)}:\\$\\{(\\w+)[^}]*}$");
    private static final Pattern PUBLISHED = Pattern.compile(
            "^\\$\\{(\\w+):-([^}]+)}:\\$\\{(\\w+):-([^}]+)}:(\\d+)$");
    private static final Pattern E2E_CALL = Pattern.compile("e2e/run\\.sh \"?http://([^:/\"]+):([^/\"\\s]+)\"?");

    record Inputs(String ci, String compose, String composeTest, String composeReplicaset, String envExample,
            boolean e2eScriptExecutable) {
    }

    /** The compose files of each e2e variant: the stack with the single MongoDB and with the replica set. */
    static final Set<String> FILE_SETS = Set.of("-f compose.yaml -f compose.test.yaml",
            "-f compose.yaml -f compose.test.yaml -f compose.replicaset.yaml");

    static Inputs real() throws Exception {
        Path root = Repo.root();
        return new Inputs(Scratch.read(root.resolve(".github/workflows/ci.yml")), Scratch.read(root.resolve("compose.yaml")),
                Scratch.read(root.resolve("compose.test.yaml")), Scratch.read(root.resolve("compose.replicaset.yaml")),
                Scratch.read(root.resolve(".env.example")), Files.isExecutable(root.resolve("e2e/run.sh")));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object node) {
        return node instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> steps(Map<String, Object> job) {
        return job.get("steps") instanceof List<?> l ? (List<Map<String, Object>>) l : List.of();
    }

    static String str(Object o) {
        return o == null ? null : String.valueOf(o);
    }

    /** NAME=value lines of an env file. */
    static Map<String, String> envFile(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            Matcher m = Pattern.compile("^([A-Z_][A-Z0-9_]*)=(.*)$").matcher(line.strip());
            if (m.matches()) {
                out.put(m.group(1), m.group(2));
            }
        }
        return out;
    }

    static List<String> violations(Inputs in) {
        List<String> out = new ArrayList<>();
        Map<String, Object> ci = Yamls.parseAll(in.ci()).get(0);
        Map<String, Object> wfEnv = map(ci.get("env"));
        String imageName = str(wfEnv.get("IMAGE_NAME"));
        String imageTag = str(wfEnv.get("IMAGE_TAG"));
        if (!"crm-app".equals(imageName) || !"${{ github.sha }}".equals(imageTag)) {
            out.add("ci.yml env must name the image crm-app tagged with the commit SHA: IMAGE_NAME=" + imageName
                    + " IMAGE_TAG=" + imageTag);
        }
        Map<String, Object> jobs = map(ci.get("jobs"));

        // The image job tags exactly IMAGE_NAME:IMAGE_TAG, which the e2e and publish jobs then load.
        boolean tagged = steps(map(jobs.get("image"))).stream()
                .anyMatch(s -> "${{ env.IMAGE_NAME }}:${{ env.IMAGE_TAG }}".equals(str(map(s.get("with")).get("tags"))));
        if (!tagged) {
            out.add("image job does not tag the image ${{ env.IMAGE_NAME }}:${{ env.IMAGE_TAG }}");
        }

        Map<String, Object> e2e = map(jobs.get("e2e"));
        Map<String, Object> e2eEnv = map(e2e.get("env"));
        StringBuilder run = new StringBuilder();
        steps(e2e).forEach(s -> run.append(s.get("run") == null ? "" : s.get("run") + "\n"));
        String script = run.toString();
        if (!script.contains("docker load")) {
            out.add("e2e job does not load the image built by the image job");
        }

        // compose.yaml's app image: ${NAME_VAR:-name}:${TAG_VAR...}
        Map<String, Object> compose = Yamls.parseAll(in.compose()).get(0);
        Map<String, Object> services = map(compose.get("services"));
        String appImage = str(map(services.get("app")).get("image"));
        Matcher image = APP_IMAGE.matcher(appImage == null ? "" : appImage);
        if (!image.matches()) {
            out.add("compose app image is not ${NAME:-name}:${TAG}: " + appImage);
        } else {
            String nameVar = image.group(1);
            String tagVar = image.group(3);
            String runName = e2eEnv.containsKey(nameVar) ? str(e2eEnv.get(nameVar)) : image.group(2);
            if (!runName.equals(imageName) && !runName.equals("${{ env.IMAGE_NAME }}")) {
                out.add("compose would run image " + runName + ", the pipeline builds " + imageName);
            }
            String runTag = str(e2eEnv.get(tagVar));
            if (!imageTag.equals(runTag) && !"${{ env.IMAGE_TAG }}".equals(runTag)) {
                out.add("e2e job must set " + tagVar + " (compose's app tag) to the image tag " + imageTag + ", got " + runTag);
            }
        }

        // A matrix job runs once per include entry, ${{ matrix.KEY }} standing for that entry's value. In each run
        // every compose command uses the same files, the runs cover both FILE_SETS, and `up` never builds (it tests
        // the built image).
        List<String> runs = new ArrayList<>();
        Object include = map(map(e2e.get("strategy")).get("matrix")).get("include");
        for (Object entry : include instanceof List<?> l ? l : List.of()) {
            String expanded = script;
            for (var kv : map(entry).entrySet()) {
                expanded = expanded.replace("${{ matrix." + kv.getKey() + " }}", str(kv.getValue()));
            }
            runs.add(expanded);
        }
        if (runs.isEmpty()) {
            runs.add(script);
        }
        Set<String> covered = new LinkedHashSet<>();
        boolean upNoBuild = true;
        for (String variant : runs) {
            Matcher composeCmd = Pattern.compile("docker compose((?: -f \\S+)+) (up|logs|down)([^\\n]*)").matcher(variant);
            Set<String> fileSets = new LinkedHashSet<>();
            boolean up = false;
            while (composeCmd.find()) {
                fileSets.add(composeCmd.group(1).strip());
                up |= composeCmd.group(2).equals("up") && composeCmd.group(3).contains("--no-build");
            }
            upNoBuild &= up;
            if (fileSets.size() != 1 || !FILE_SETS.containsAll(fileSets)) {
                out.add("e2e compose commands must all use the same one of " + FILE_SETS + ": " + fileSets);
            }
            covered.addAll(fileSets);
        }
        if (!covered.containsAll(FILE_SETS)) {
            out.add("e2e must run with each of " + FILE_SETS + " (standalone and replica set), ran " + covered);
        }
        if (!upNoBuild) {
            out.add("e2e job must start the stack with docker compose ... up --no-build");
        }

        // e2e/run.sh checks what /ready says the store is: on the replica set that is where transactions are proved.
        String expect = steps(e2e).stream()
                .filter(st -> str(st.get("run")) != null && str(st.get("run")).contains("e2e/run.sh"))
                .map(st -> str(map(st.get("env")).get("E2E_EXPECT_TOPOLOGY"))).filter(v -> v != null)
                .findFirst().orElse("");
        for (Object entry : include instanceof List<?> l ? l : List.of()) {
            String value = expect;
            for (var kv : map(entry).entrySet()) {
                value = value.replace("${{ matrix." + kv.getKey() + " }}", str(kv.getValue()));
            }
            String wanted = String.valueOf(map(entry).get("compose-files")).contains("compose.replicaset.yaml")
                    ? "replicaSet" : "standalone";
            if (!wanted.equals(value)) {
                out.add("e2e/run.sh must be given E2E_EXPECT_TOPOLOGY=" + wanted + " for "
                        + map(entry).get("compose-files") + ", got '" + value + "'");
            }
        }

        // Values in CI: the job env, plus the env file the job creates (no .env is committed).
        Map<String, String> fileValues = new LinkedHashMap<>();
        if (script.contains("cp .env.example .env") || script.contains("--env-file .env.example")) {
            fileValues.putAll(envFile(in.envExample()));
        }
        Set<String> required = new LinkedHashSet<>();
        Matcher req = Pattern.compile("\\$\\{(\\w+):\\?").matcher(in.compose() + "\n" + in.composeTest() + "\n"
                + in.composeReplicaset());
        while (req.find()) {
            required.add(req.group(1));
        }
        for (String name : required) {
            if (!e2eEnv.containsKey(name) && !fileValues.containsKey(name)) {
                out.add("compose requires " + name + " but the e2e job neither sets it nor creates an env file defining it");
            }
        }

        // e2e/run.sh must reach the port nginx publishes, on the address it binds.
        Object ports = map(services.get("nginx")).get("ports");
        String published = ports instanceof List<?> l && l.size() == 1 ? str(l.get(0)) : null;
        Matcher pub = PUBLISHED.matcher(published == null ? "" : published);
        Matcher call = E2E_CALL.matcher(script);
        if (!pub.matches()) {
            out.add("nginx must publish one port as ${BIND:-addr}:${PORT:-port}:80: " + ports);
        } else if (!call.find()) {
            out.add("e2e job does not run e2e/run.sh http://HOST:PORT");
        } else {
            String bind = e2eEnv.containsKey(pub.group(1)) ? str(e2eEnv.get(pub.group(1)))
                    : fileValues.getOrDefault(pub.group(1), pub.group(2));
            String port = e2eEnv.containsKey(pub.group(3)) ? str(e2eEnv.get(pub.group(3)))
                    : fileValues.getOrDefault(pub.group(3), pub.group(4));
            String host = call.group(1);
            if (!host.equals(bind) && !(bind.equals("0.0.0.0") && host.equals("127.0.0.1"))) {
                out.add("e2e/run.sh calls host " + host + " but nginx binds " + bind);
            }
            // The step's shell sees only the job env (never the compose env file): a variable must be set there.
            String urlPort = call.group(2);
            Matcher var = Pattern.compile("^\\$\\{?(\\w+)}?$").matcher(urlPort);
            String resolved = var.matches() ? str(e2eEnv.get(var.group(1))) : urlPort;
            if (!port.equals(resolved)) {
                out.add("e2e/run.sh calls port " + urlPort + " (= " + resolved + ") but nginx publishes " + port);
            }
        }
        out.addAll(adminCredentialViolations(compose, e2eEnv, script));
        if (!in.e2eScriptExecutable()) {
            out.add("e2e/run.sh is missing or not executable");
        }
        return out;
    }

    /** The admin secret file compose mounts gets a random password in the job, and e2e/run.sh signs in with it. */
    static List<String> adminCredentialViolations(Map<String, Object> compose, Map<String, Object> e2eEnv, String script) {
        List<String> out = new ArrayList<>();
        Map<String, Object> appEnv = map(map(map(compose.get("services")).get("app")).get("environment"));
        String mountedAt = str(appEnv.get("CRM_ADMIN_PASSWORD_FILE"));
        String secretName = mountedAt == null ? null : mountedAt.replaceFirst("^/run/secrets/", "");
        String fileSpec = secretName == null ? null : str(map(map(compose.get("secrets")).get(secretName)).get("file"));
        if (fileSpec == null) {
            out.add("compose mounts no admin password secret file (CRM_ADMIN_PASSWORD_FILE -> secrets." + secretName + ".file)");
            return out;
        }
        Matcher var = Pattern.compile("^\\$\\{(\\w+):-([^}]+)}$").matcher(fileSpec);
        String hostFile = var.matches() ? (e2eEnv.containsKey(var.group(1)) ? str(e2eEnv.get(var.group(1))) : var.group(2))
                : fileSpec;
        hostFile = hostFile.replaceFirst("^\\./", "");
        Matcher generated = Pattern.compile("(?m)^.*(openssl rand|/dev/urandom).*>\\s*(?:\\./)?"
                + Pattern.quote(hostFile) + "\\s*$").matcher(script);
        if (!generated.find()) {
            out.add("e2e job does not write a random admin password to " + hostFile + " (the compose secret file)");
        }
        Matcher call = Pattern.compile("(?m)^.*e2e/run\\.sh.*$").matcher(script);
        String line = call.find() ? call.group() : "";
        boolean passesFile = line.matches(".*\\bCRM_ADMIN_PASSWORD_FILE=(?:\\./)?" + Pattern.quote(hostFile) + "\\s.*")
                || ("./" + hostFile).equals(str(e2eEnv.get("CRM_ADMIN_PASSWORD_FILE")))
                || hostFile.equals(str(e2eEnv.get("CRM_ADMIN_PASSWORD_FILE")));
        if (!passesFile) {
            out.add("e2e/run.sh is not given CRM_ADMIN_PASSWORD_FILE=" + hostFile + ": " + line.strip());
        }
        // The step shell sees the job env only, not compose's .env: the email must be set where both read it.
        if (String.valueOf(appEnv.get("CRM_ADMIN_EMAIL")).contains("${CRM_ADMIN_EMAIL") && !e2eEnv.containsKey("CRM_ADMIN_EMAIL")) {
            out.add("e2e job env must set CRM_ADMIN_EMAIL (compose's admin and e2e/run.sh's sign-in must agree)");
        }
        return out;
    }

    @Test
    void ciRunsComposeAndTheE2eScriptAsTheyAre() throws Exception {
        assertThat(violations(real())).isEmpty();
    }

    static Inputs withCi(Inputs in, String from, String to) {
        assertThat(in.ci()).as("plant anchor").contains(from);
        return new Inputs(in.ci().replace(from, to), in.compose(), in.composeTest(), in.composeReplicaset(),
                in.envExample(), in.e2eScriptExecutable());
    }

    @Test
    void plantedMismatchesAreCaught() throws Exception {
        Inputs in = real();
        assertThat(violations(withCi(in, "      CRM_TAG: ${{ github.sha }}", "      APP_TAG: ${{ github.sha }}")))
                .anySatisfy(v -> assertThat(v).contains("must set CRM_TAG"));
        assertThat(violations(withCi(in, "          cp .env.example .env\n", "")))
                .anySatisfy(v -> assertThat(v).contains("requires MONGO_ROOT_PASSWORD"));
        assertThat(violations(withCi(in, "e2e/run.sh \"http://127.0.0.1:${CRM_HTTP_PORT}\"",
                "e2e/run.sh \"http://127.0.0.1:${HTTP_PORT}\""))).anySatisfy(v -> assertThat(v).contains("calls port"));
        assertThat(violations(withCi(in, "e2e/run.sh \"http://127.0.0.1:${CRM_HTTP_PORT}\"",
                "e2e/run.sh \"http://localhost:8080\""))).anySatisfy(v -> assertThat(v).contains("calls host localhost"));
        assertThat(violations(withCi(in, "tags: ${{ env.IMAGE_NAME }}:${{ env.IMAGE_TAG }}",
                "tags: crm:${{ env.IMAGE_TAG }}"))).anySatisfy(v -> assertThat(v).contains("image job does not tag"));
        assertThat(violations(withCi(in, "up -d --no-build --wait", "up -d --build --wait")))
                .anySatisfy(v -> assertThat(v).contains("--no-build"));
        assertThat(violations(withCi(in, "docker compose ${{ matrix.compose-files }} down -v",
                "docker compose -f compose.yaml down -v"))).anySatisfy(v -> assertThat(v).contains("must all use"));
        assertThat(violations(withCi(in, "          - mongodb: replicaset\n"
                + "            compose-files: -f compose.yaml -f compose.test.yaml -f compose.replicaset.yaml\n"
                + "            topology: replicaSet\n", "")))
                .anySatisfy(v -> assertThat(v).contains("standalone and replica set"));
        assertThat(violations(withCi(in, "            topology: replicaSet\n", "            topology: standalone\n")))
                .anySatisfy(v -> assertThat(v).contains("E2E_EXPECT_TOPOLOGY=replicaSet"));
        assertThat(violations(withCi(in, "          E2E_EXPECT_TOPOLOGY: ${{ matrix.topology }}\n", "")))
                .anySatisfy(v -> assertThat(v).contains("E2E_EXPECT_TOPOLOGY=standalone"));
        assertThat(violations(withCi(in, "          openssl rand -hex 24 > secrets/crm-admin-password\n", "")))
                .anySatisfy(v -> assertThat(v).contains("does not write a random admin password"));
        assertThat(violations(withCi(in, "CRM_ADMIN_PASSWORD_FILE=secrets/crm-admin-password e2e/run.sh", "e2e/run.sh")))
                .anySatisfy(v -> assertThat(v).contains("is not given CRM_ADMIN_PASSWORD_FILE"));
        assertThat(violations(withCi(in, "      CRM_ADMIN_EMAIL: e2e-admin@example.com\n", "")))
                .anySatisfy(v -> assertThat(v).contains("must set CRM_ADMIN_EMAIL"));
        Inputs renamed = new Inputs(in.ci(), in.compose().replace("${CRM_IMAGE:-crm-app}", "${CRM_IMAGE:-crm}"),
                in.composeTest(), in.composeReplicaset(), in.envExample(), true);
        assertThat(violations(renamed)).anySatisfy(v -> assertThat(v).contains("would run image crm"));
        Inputs newVar = new Inputs(in.ci(), in.compose(), in.composeTest() + "    environment:\n      X: ${CRM_NEW_SECRET:?set it}\n",
                in.composeReplicaset(), in.envExample(), true);
        assertThat(violations(newVar)).anySatisfy(v -> assertThat(v).contains("requires CRM_NEW_SECRET"));
    }
}
