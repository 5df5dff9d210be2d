package io.crm.checks.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.crm.checks.Shellcheck;
import io.crm.checks.Tools;
import io.crm.checks.Scratch;

/** shellcheck over the scripts of cluster-resources/ (kubeseal workflow, GitOps image bump). */
class ShellcheckTest {

    static final String SCRIPT = "sealed-secrets/seal-crm-credentials.sh";
    static final String SET_TAG = "scripts/set-image-tag.sh";
    static final String SEAL_GRAFANA = "sealed-secrets/seal-grafana-admin.sh";

    static Tools.Result shellcheck(Path root) {
        return Shellcheck.run(root, List.of(SCRIPT, SET_TAG, SEAL_GRAFANA));
    }

    @Test
    void scriptsAreClean() {
        Tools.Result r = shellcheck(ClusterFiles.clusterResources());
        assertThat(r.ok()).as(r.output()).isTrue();
    }

    @Test
    void plantedUnquotedExpansionFails(@TempDir Path tmp) {
        Path copy = ClusterFiles.copyOfClusterResources(tmp);
        Scratch.plant(copy.resolve(SCRIPT), "mv \"$target.tmp\" \"$target\"", "mv $target.tmp $target");
        Tools.Result r = shellcheck(copy);
        assertThat(r.ok()).isFalse();
        assertThat(r.output()).contains("SC2086");
    }
}
