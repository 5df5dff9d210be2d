package io.crm.checks.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.crm.checks.Scratch;

/**
 * One source of truth for the app's topology: the Helm chart. Stage 1's plain manifests (kustomize/overlays/<env>/chart-rendered.yaml,
 * applied by `kubectl apply -k kustomize/overlays/<env>`) are the chart rendered with the environment's values and
 * kustomize/stage1-values.yaml, committed so that an operator needs no Helm. This check renders them again and fails
 * on any drift; `-Dstage1.write=true` rewrites them instead.
 */
class Stage1RenderTest {

    /** Environment → the namespace its overlay deploys to (the chart renders namespaced names and URIs). */
    static final Map<String, String> ENVIRONMENTS = Map.of("dev", "crm-dev", "prod", "crm");

    static String header(String env, String namespace) {
        return "# GENERATED from charts/crm: do not edit. The chart rendered for stage 1 (" + env + "):\n"
                + "#   helm template crm charts/crm -n " + namespace + " --kube-version " + Rendering.KUBE_VERSION
                + " --no-hooks -f charts/crm/values-" + env + ".yaml -f kustomize/stage1-values.yaml\n"
                + "# Regenerate: ./mvnw -B -ntp -f checks/pom.xml test -Dtest=Stage1RenderTest -Dstage1.write=true\n";
    }

    /** The rendering of one environment from a cluster-resources tree. */
    static String render(Path clusterResources, String env) {
        String namespace = ENVIRONMENTS.get(env);
        Path chart = clusterResources.resolve("charts/crm");
        String manifests = Rendering.helmTemplate(chart, namespace, List.of(chart.resolve("values-" + env + ".yaml"),
                clusterResources.resolve("kustomize/stage1-values.yaml")));
        return header(env, namespace) + manifests.strip() + "\n";
    }

    static Path committed(Path clusterResources, String env) {
        return clusterResources.resolve("kustomize/overlays/" + env + "/chart-rendered.yaml");
    }

    @Test
    void committedStage1ManifestsAreTheChartsRendering() {
        Path real = ClusterFiles.clusterResources();
        boolean write = Boolean.getBoolean("stage1.write");
        for (String env : ENVIRONMENTS.keySet()) {
            String fresh = render(real, env);
            Path file = committed(real, env);
            if (write) {
                Scratch.write(file, fresh);
            }
            assertThat(Files.exists(file) ? Scratch.read(file) : "")
                    .as("%s drifted from the chart: regenerate with -Dstage1.write=true (see the file's header)", file)
                    .isEqualTo(fresh);
        }
    }

    @Test
    void theRenderingCarriesTheStage1Overrides() {
        String prod = render(ClusterFiles.clusterResources(), "prod");
        assertThat(prod).contains("image: \"crm-app:0000000000000000000000000000000000000000\"")
                .contains("name: crm-credentials").doesNotContain("kind: ServiceMonitor")
                .doesNotContain("kind: PrometheusRule").contains("kind: HorizontalPodAutoscaler");
    }

    @Test
    void plantedChartChangeIsReportedAsDrift(@TempDir Path tmp) {
        Path copy = ClusterFiles.copyOfClusterResources(tmp);
        Scratch.plant(copy.resolve("charts/crm/values-prod.yaml"), "  maxReplicas: 6", "  maxReplicas: 7");
        assertThat(render(copy, "prod")).isNotEqualTo(Scratch.read(committed(copy, "prod")));
        assertThat(render(copy, "dev")).isEqualTo(Scratch.read(committed(copy, "dev")));
    }
}
