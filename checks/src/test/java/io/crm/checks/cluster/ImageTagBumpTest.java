package io.crm.checks.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.crm.checks.Scratch;
import io.crm.checks.Tools;
import io.crm.checks.Yamls;

/**
 * The pipeline's GitOps deploy step (scripts/set-image-tag.sh) moves every render to the new commit SHA, and never
 * backwards: a slower run of an older commit leaves a newer tag alone. Each case runs in a real git repository.
 */
class ImageTagBumpTest {

    /** A git repository holding a copy of cluster-resources/, with commits older, newer and a diverged one. */
    record History(Path clusterResources, String older, String newer, String diverged) {
    }

    static History history(Path tmp) {
        Path copy = ClusterFiles.copyOfClusterResources(tmp);
        Rendering.prepareDevEnv(copy);
        git(tmp, "init", "-q", "-b", "main");
        git(tmp, "add", "-A");
        git(tmp, "commit", "-q", "-m", "cluster resources");
        String older = git(tmp, "rev-parse", "HEAD");
        git(tmp, "commit", "-q", "--allow-empty", "-m", "newer");
        String newer = git(tmp, "rev-parse", "HEAD");
        git(tmp, "checkout", "-q", "-b", "side", older);
        git(tmp, "commit", "-q", "--allow-empty", "-m", "diverged");
        String diverged = git(tmp, "rev-parse", "HEAD");
        git(tmp, "checkout", "-q", "main");
        return new History(copy, older, newer, diverged);
    }

    static String git(Path repo, String... args) {
        String[] cmd = new String[args.length + 1];
        cmd[0] = "git";
        System.arraycopy(args, 0, cmd, 1, args.length);
        Tools.Result r = Tools.run(repo, ClusterFiles.TOOL_TIMEOUT, Map.of(
                "GIT_AUTHOR_NAME", "checks", "GIT_AUTHOR_EMAIL", "checks@crm.local",
                "GIT_COMMITTER_NAME", "checks", "GIT_COMMITTER_EMAIL", "checks@crm.local"), java.util.List.of(cmd));
        assertThat(r.ok()).as("git %s: %s", String.join(" ", args), r.output()).isTrue();
        return r.output().strip();
    }

    static Tools.Result bump(Path root, String... args) {
        String[] cmd = new String[args.length + 1];
        cmd[0] = root.resolve("scripts/set-image-tag.sh").toString();
        System.arraycopy(args, 0, cmd, 1, args.length);
        return Tools.run(root, ClusterFiles.TOOL_TIMEOUT, cmd);
    }

    static String prodTag(Path root) {
        return (String) Yq.get(Yamls.parseAll(Scratch.read(root.resolve("charts/crm/values-prod.yaml"))).get(0),
                "image.tag");
    }

    @Test
    void bumpedTagReachesHelmAndKustomizeRenders(@TempDir Path tmp) {
        History h = history(tmp);
        Tools.Result r = bump(h.clusterResources(), h.newer());
        assertThat(r.ok()).as(r.output()).isTrue();

        var helm = Yamls.parseAll(Rendering.helmTemplate(h.clusterResources().resolve("charts/crm"),
                h.clusterResources().resolve("charts/crm/values-prod.yaml")));
        assertThat((String) Yq.get(KustomizeTest.find(helm, "Deployment", "crm-app"),
                "spec.template.spec.containers.0.image")).endsWith(":" + h.newer());
        for (String overlay : new String[] {"kustomize/overlays/prod", "kustomize/overlays/dev"}) {
            var objs = Rendering.renderKustomize(h.clusterResources(), overlay).objects();
            assertThat((String) Yq.get(KustomizeTest.find(objs, "Deployment", "crm-app"),
                    "spec.template.spec.containers.0.image")).endsWith(":" + h.newer());
        }
    }

    @Test
    void aTagMovesForwardAndNeverBackwards(@TempDir Path tmp) {
        History h = history(tmp);
        assertThat(bump(h.clusterResources(), h.older(), "prod").ok()).isTrue();
        assertThat(prodTag(h.clusterResources())).isEqualTo(h.older());

        assertThat(bump(h.clusterResources(), h.newer(), "prod").ok()).isTrue();
        assertThat(prodTag(h.clusterResources())).isEqualTo(h.newer());

        // The slower run of the older commit arrives last: it succeeds without writing.
        Tools.Result late = bump(h.clusterResources(), h.older(), "prod");
        assertThat(late.ok()).as(late.output()).isTrue();
        assertThat(late.output()).contains("is newer than");
        assertThat(prodTag(h.clusterResources())).isEqualTo(h.newer());
    }

    @Test
    void plantedDivergedOrUnknownCommitsAreRefused(@TempDir Path tmp) {
        History h = history(tmp);
        assertThat(bump(h.clusterResources(), h.newer(), "prod").ok()).isTrue();

        Tools.Result diverged = bump(h.clusterResources(), h.diverged(), "prod");
        assertThat(diverged.ok()).isFalse();
        assertThat(diverged.output()).contains("diverged");
        Tools.Result unknown = bump(h.clusterResources(), "0123456789abcdef0123456789abcdef01234567", "prod");
        assertThat(unknown.ok()).isFalse();
        assertThat(prodTag(h.clusterResources())).isEqualTo(h.newer());
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
        History h = history(tmp);
        Scratch.plant(h.clusterResources().resolve("charts/crm/values-prod.yaml"), "  tag: \"", "  tagg: \"");
        Tools.Result r = bump(h.clusterResources(), h.newer(), "prod");
        assertThat(r.ok()).isFalse();
        assertThat(r.output()).contains("values-prod.yaml");
    }
}
