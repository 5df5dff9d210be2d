package io.crm.checks.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.crm.checks.Tools;
import io.crm.checks.Scratch;

/** yamllint (strict: warnings fail) over every YAML file of cluster-resources/ except the Helm templates. */
class YamllintTest {

    static Tools.Result yamllint(Path root) {
        return Tools.run(root, ClusterFiles.TOOL_TIMEOUT, Tools.require("yamllint"), "-c", ".yamllint.yaml", "-s", "-f", "parsable", ".");
    }

    @Test
    void clusterResourcesAreClean() {
        Tools.Result r = yamllint(ClusterFiles.clusterResources());
        assertThat(r.ok()).as(r.output()).isTrue();
        assertThat(r.output()).isBlank();
    }

    @Test
    void plantedDuplicateKeyFails(@TempDir Path tmp) {
        Path copy = ClusterFiles.copyOfClusterResources(tmp);
        Scratch.plant(copy.resolve("kustomize/overlays/prod/namespace.yaml"), "  name: crm\n",
                "  name: crm\n  name: crm-prod\n");
        Tools.Result r = yamllint(copy);
        assertThat(r.ok()).isFalse();
        assertThat(r.output()).contains("namespace.yaml").contains("key-duplicates");
    }

    @Test
    void plantedBadIndentationFails(@TempDir Path tmp) {
        Path copy = ClusterFiles.copyOfClusterResources(tmp);
        Scratch.plant(copy.resolve("charts/crm/values.yaml"), "  pullPolicy: IfNotPresent\nimagePullSecrets",
                "  pullPolicy: IfNotPresent\n   # stray\nimagePullSecrets");
        Tools.Result r = yamllint(copy);
        assertThat(r.ok()).isFalse();
        assertThat(r.output()).contains("values.yaml");
    }
}
