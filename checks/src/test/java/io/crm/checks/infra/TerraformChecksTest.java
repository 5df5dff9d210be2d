package io.crm.checks.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.crm.checks.Repo;
import io.crm.checks.Scratch;
import io.crm.checks.Tools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Offline verification of infrastructure/: fmt, init against the machine's local provider directory (no registry),
 * validate and `terraform test` (mock AWS provider) for every root, each also shown to fail on a planted error.
 */
class TerraformChecksTest {

    private static final Path INFRA = Repo.root().resolve("infrastructure");
    private static Path work;
    private static Path pluginDir;
    private static Path terraform;

    @BeforeAll
    static void locateTools() throws IOException {
        terraform = Tools.which(System.getenv().getOrDefault("TERRAFORM", "terraform")).orElse(null);
        if (terraform == null) {
            fail("terraform not found on PATH: it is part of the machine image (/usr/local/bin/terraform, 1.11.x);"
                    + " scripts/install-test-tools.sh cannot install it (no HashiCorp downloads here)");
        }
        pluginDir = Path.of(System.getenv().getOrDefault("TF_PLUGIN_DIR", "/opt/tf-plugins"));
        Path provider = pluginDir.resolve("registry.terraform.io/hashicorp/aws");
        if (!Files.isDirectory(provider)) {
            fail("local Terraform provider directory " + provider + " is absent: these machines carry hashicorp/aws"
                    + " 5.100.0 under /opt/tf-plugins (machine image, not a registry). Set TF_PLUGIN_DIR to another"
                    + " copy; without it terraform init/validate/test cannot run offline");
        }
        work = Files.createTempDirectory("tf-checks");
        Files.writeString(work.resolve("empty.tfrc"), "");
    }

    @AfterAll
    static void cleanUp() {
        Scratch.deleteTree(work);
    }

    static List<Path> roots(Path infra) throws IOException {
        List<Path> roots = new ArrayList<>();
        roots.add(infra.resolve("bootstrap"));
        try (Stream<Path> envs = Files.list(infra.resolve("envs"))) {
            envs.filter(Files::isDirectory).sorted().forEach(roots::add);
        }
        return roots;
    }

    private static Tools.Result tf(Path dir, String dataDirName, long timeoutSeconds, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(terraform.toString());
        cmd.addAll(List.of(args));
        // Empty CLI config: no credentials helpers, no provider_installation overrides from the user's ~/.terraformrc.
        // Separate data dir: nothing is written into the repository's roots.
        Map<String, String> env = Map.of(
                "TF_CLI_CONFIG_FILE", work.resolve("empty.tfrc").toString(),
                "TF_DATA_DIR", work.resolve("data-" + dataDirName).toString(),
                "TF_IN_AUTOMATION", "1",
                "CHECKPOINT_DISABLE", "1");
        return Tools.run(dir, Duration.ofSeconds(timeoutSeconds), env, cmd);
    }

    private static Tools.Result init(Path root, String key) {
        return tf(root, key, 120, "init", "-backend=false", "-input=false", "-no-color",
                "-plugin-dir=" + pluginDir, "-lockfile=readonly");
    }

    private static String key(Path root) {
        return root.getParent().getFileName() + "-" + root.getFileName() + "-" + Math.abs(root.hashCode());
    }

    @Test
    void formatIsCanonical() {
        Tools.Result r = tf(INFRA, "fmt", 60, "fmt", "-check", "-recursive", "-no-color");
        assertThat(r.ok()).as("terraform fmt -check -recursive:\n%s", r.output()).isTrue();
    }

    @Test
    void everyRootHasPinnedVersionsAndCommittedLockFile() throws IOException {
        for (Path root : roots(INFRA)) {
            assertThat(root.resolve(".terraform.lock.hcl")).as("lock file of %s", root).exists();
            String versions = Files.readString(root.resolve("versions.tf"));
            assertThat(versions).contains("required_version").contains("version = \"~> 5.100\"");
        }
        assertThat(Files.readString(INFRA.resolve("envs/prod/backend.tf")))
                .contains("backend \"s3\"").contains("use_lockfile = true").contains("encrypt      = true");
    }

    @Test
    void everyRootInitsOfflineAndValidates() throws IOException {
        for (Path root : roots(INFRA)) {
            String k = key(root);
            Tools.Result init = init(root, k);
            assertThat(init.ok()).as("terraform init in %s:\n%s", root, init.output()).isTrue();
            Tools.Result validate = tf(root, k, 120, "validate", "-no-color");
            assertThat(validate.ok()).as("terraform validate in %s:\n%s", root, validate.output()).isTrue();
        }
    }

    @Test
    void everyRootPassesItsTerraformTests() throws IOException {
        for (Path root : roots(INFRA)) {
            assertThat(root.resolve("tests")).as("%s has terraform tests", root).isDirectory();
            String k = key(root);
            Tools.Result init = init(root, k);
            assertThat(init.ok()).as("terraform init in %s:\n%s", root, init.output()).isTrue();
            Tools.Result test = tf(root, k, 300, "test", "-no-color");
            assertThat(test.ok()).as("terraform test in %s:\n%s", root, test.output()).isTrue();
            assertThat(test.output()).contains("Success!").doesNotContain(" 0 passed");
        }
    }

    // ---- planted errors: each check must fail on a broken copy

    private static Path brokenCopy(String name) {
        Path copy = work.resolve("broken-" + name);
        Scratch.copyTree(INFRA, copy, ".terraform");
        return copy;
    }

    @Test
    void fmtCheckFailsOnMisformattedFile() throws IOException {
        Path copy = brokenCopy("fmt");
        Path f = copy.resolve("modules/ecr/main.tf");
        Scratch.plant(f, "  name = var.name", "  name     =    var.name");
        Tools.Result r = tf(copy, "fmt-broken", 60, "fmt", "-check", "-recursive", "-no-color");
        assertThat(r.ok()).as("fmt -check must fail:\n%s", r.output()).isFalse();
        assertThat(r.output()).contains("modules/ecr/main.tf");
    }

    @Test
    void validateFailsOnUndeclaredReference() throws IOException {
        Path copy = brokenCopy("validate");
        Path f = copy.resolve("envs/prod/main.tf");
        Scratch.plant(f, "az_count           = var.az_count",
                "az_count           = var.no_such_variable");
        Path root = copy.resolve("envs/prod");
        assertThat(init(root, "validate-broken").ok()).isTrue();
        Tools.Result r = tf(root, "validate-broken", 120, "validate", "-no-color");
        assertThat(r.ok()).as("validate must fail:\n%s", r.output()).isFalse();
        assertThat(r.output()).contains("no_such_variable");
    }

    @Test
    void initFailsWithoutTheProviderDirectory() throws IOException {
        Path emptyPlugins = Files.createDirectories(work.resolve("no-plugins"));
        Tools.Result r = tf(INFRA.resolve("envs/prod"), "no-plugins", 60, "init", "-backend=false", "-input=false",
                "-no-color", "-plugin-dir=" + emptyPlugins);
        assertThat(r.ok()).as("init without the provider must fail:\n%s", r.output()).isFalse();
    }

    @Test
    void terraformTestFailsOnMutableEcrTags() throws IOException {
        assertProdTestFails("test", "modules/ecr/main.tf", "\"IMMUTABLE\"",
                "\"MUTABLE\"", "IMMUTABLE");
    }

    @Test
    void terraformTestFailsOnWildcardOidcSubject() throws IOException {
        assertProdTestFails("oidc", "modules/github-oidc-roles/main.tf", "ref:refs/heads/${var.push_branch}",
                "*", "main branch");
    }

    @Test
    void terraformTestFailsWithoutTheZoneLabelForScaleFromZero() throws IOException {
        String label = "\"k8s.io/cluster-autoscaler/node-template/label/topology.kubernetes.io/zone\"";
        assertProdTestFails("zone-label", "modules/eks/main.tf", label + " = zone", label + " = \"any\"",
                "their zone's node-template");
    }

    @Test
    void terraformTestFailsWhenReleaseImagesCanExpire() throws IOException {
        assertProdTestFails("release-images", "modules/ecr/variables.tf", "default     = 100000",
                "default     = 10", "unreachable count");
    }

    /** Plants one change into a copy of infrastructure/ and expects envs/prod's terraform test to fail with a message. */
    private static void assertProdTestFails(String name, String file, String from, String to, String expected)
            throws IOException {
        Path copy = brokenCopy(name);
        Scratch.plant(copy.resolve(file), from, to);
        Path root = copy.resolve("envs/prod");
        assertThat(init(root, name + "-broken").ok()).isTrue();
        Tools.Result r = tf(root, name + "-broken", 300, "test", "-no-color");
        assertThat(r.ok()).as("terraform test must fail:\n%s", r.output()).isFalse();
        assertThat(r.output()).contains(expected);
    }
}
