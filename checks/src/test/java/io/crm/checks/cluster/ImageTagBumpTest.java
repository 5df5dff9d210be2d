package io.crm.checks.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pipeline's GitOps deploy step (scripts/set-image-tag.sh) moves every render to the new commit SHA. */
class ImageTagBumpTest {

    static final String SHA = "0123456789abcdef0123456789abcdef01234567";

    static Proc.Result bump(Path root, String... args) {
        String[] cmd = new String[args.length + 1];
        cmd[0] = root.resolve("scripts/set-image-tag.sh").toString();
        System.arraycopy(args, 0, cmd, 1, args.length);
        return Proc.run(root, cmd);
    }

    @Test
    void bumpedTagReachesHelmAndKustomizeRenders(@TempDir Path tmp) {
        Path copy = ClusterFiles.copyOfClusterResources(tmp);
        Rendering.prepareDevEnv(copy);
        Proc.Result r = bump(copy, SHA);
        assertThat(r.ok()).as(r.output()).isTrue();

        var helm = ClusterFiles.parseAll(Rendering.helmTemplate(copy.resolve("charts/crm"),
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
        assertThat(ClusterFiles.read(copy.resolve("charts/crm/values-prod.yaml")))
                .isEqualTo(ClusterFiles.read(ClusterFiles.chart().resolve("values-prod.yaml")));
    }

    @Test
    void plantedMissingAnchorFails(@TempDir Path tmp) {
        Path copy = ClusterFiles.copyOfClusterResources(tmp);
        ClusterFiles.plant(copy.resolve("charts/crm/values-prod.yaml"), "  tag: \"", "  tagg: \"");
        Proc.Result r = bump(copy, SHA, "prod");
        assertThat(r.ok()).isFalse();
        assertThat(r.output()).contains("values-prod.yaml");
    }
}
