package io.crm.checks.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.crm.checks.Tools;
import io.crm.checks.Scratch;
import io.crm.checks.Yamls;

/** The pipeline's GitOps deploy step (scripts/set-image-tag.sh) moves every render to the new commit SHA. */
class ImageTagBumpTest {

    static final String SHA = "0123456789abcdef0123456789abcdef01234567";

    static Tools.Result bump(Path root, String... args) {
        String[] cmd = new String[args.length + 1];
        cmd[0] = root.resolve("scripts/set-image-tag.sh").toString();
        System.arraycopy(args, 0, cmd, 1, args.length);
        return Tools.run(root, ClusterFiles.TOOL_TIMEOUT, cmd);
    }

    @Test
    void bumpedTagReachesHelmAndKustomizeRenders(@TempDir Path tmp) {
        Path copy = ClusterFiles.copyOfClusterResources(tmp);
        Rendering.prepareDevEnv(copy);
        Tools.Result r = bump(copy, SHA);
        assertThat(r.ok()).as(r.output()).isTrue();

        var helm = Yamls.parseAll(Rendering.helmTemplate(copy.resolve("charts/crm"),
                copy.resolve("charts/crm/values-prod.yaml")));
        assertThat((String) Yq.get(KustomizeTest.find(helm, "Deployment", "crm-app"),
                "spec.template.spec.containers.0.image")).endsWith(":" + SHA);
        for (String overlay : new String[] {"kustomize/overlays/prod", "kustomize/overlays/dev"}) {
            var objs = Rendering.renderKustomize(copy, overlay).objects();
            assertThat((String) Yq.get(KustomizeTest.find(objs, "Deployment", "crm-app"),
                    "spec.template.spec.containers.0.image")).endsWith(":" + SHA);
        }
    }

    @Test
    void plantedNonShaTagsAreRefused(@TempDir Path tmp) {
        Path copy = ClusterFiles.copyOfClusterResources(tmp);
        assertThat(bump(copy, "latest").ok()).isFalse();
        assertThat(bump(copy, "v1.2.3").ok()).isFalse();
        assertThat(Scratch.read(copy.resolve("charts/crm/values-prod.yaml")))
                .isEqualTo(Scratch.read(ClusterFiles.chart().resolve("values-prod.yaml")));
    }

    @Test
    void plantedMissingAnchorFails(@TempDir Path tmp) {
        Path copy = ClusterFiles.copyOfClusterResources(tmp);
        Scratch.plant(copy.resolve("charts/crm/values-prod.yaml"), "  tag: \"", "  tagg: \"");
        Tools.Result r = bump(copy, SHA, "prod");
        assertThat(r.ok()).isFalse();
        assertThat(r.output()).contains("values-prod.yaml");
    }
}
