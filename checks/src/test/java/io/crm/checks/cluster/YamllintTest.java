package io.crm.checks.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** yamllint (strict: warnings fail) over every YAML file of cluster-resources/ except the Helm templates. */
class YamllintTest {

    static Proc.Result yamllint(Path root) {
        return Proc.run(root, Proc.tool("yamllint").toString(), "-c", ".yamllint.yaml", "-s", "-f", "parsable", ".");
    }

    @Test
    void clusterResourcesAreClean() {
        Proc.Result r = yamllint(ClusterFiles.clusterResources());
        assertThat(r.ok()).as(r.output()).isTrue();
        assertThat(r.output()).isBlank();
    }

    @Test
    void plantedDuplicateKeyFails(@TempDir Path tmp) {
        Path copy = ClusterFiles.copyOfClusterResources(tmp);
        ClusterFiles.plant(copy.resolve("kustomize/base/app-pdb.yaml"), "  minAvailable: 1\n",
                "  minAvailable: 1\n  minAvailable: 2\n");
        Proc.Result r = yamllint(copy);
        assertThat(r.ok()).isFalse();
        assertThat(r.output()).contains("app-pdb.yaml").contains("key-duplicates");
    }

    @Test
    void plantedBadIndentationFails(@TempDir Path tmp) {
        Path copy = ClusterFiles.copyOfClusterResources(tmp);
        ClusterFiles.plant(copy.resolve("charts/crm/values.yaml"), "  pullPolicy: IfNotPresent\nimagePullSecrets",
                "  pullPolicy: IfNotPresent\n   # stray\nimagePullSecrets");
        Proc.Result r = yamllint(copy);
        assertThat(r.ok()).isFalse();
        assertThat(r.output()).contains("values.yaml");
    }
}
