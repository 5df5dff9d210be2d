package io.crm.checks.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;

import io.crm.checks.Scratch;
import io.crm.checks.Yamls;

/** The real Helm (helm-java) lints the chart strictly and templates it with its defaults and each values file. */
class HelmChartTest {

    /**
     * helm lint --strict on a copy of the chart whose values.yaml is the defaults merged with one values file
     * (helm-java's lint takes no -f), so each environment's values are linted, schema included.
     */
    static LintResult lint(Path chart, Path valuesFile, Path tmp) {
        Path copy = tmp.resolve("lint-" + (valuesFile == null ? "defaults" : valuesFile.getFileName()) + "/crm");
        Scratch.copyTree(chart, copy);
        if (valuesFile != null) {
            Map<String, Object> merged = ClusterFiles.mergeValues(
                    Yamls.parseAll(Scratch.read(chart.resolve("values.yaml"))).get(0),
                    Yamls.parseAll(Scratch.read(valuesFile)).get(0));
            Scratch.write(copy.resolve("values.yaml"), Yamls.yaml().dump(merged));
        }
        return new Helm(copy).lint().strict().call();
    }

    @Test
    void lintStrictPassesForDefaultsAndEveryValuesFile(@TempDir Path tmp) {
        Path chart = ClusterFiles.chart();
        List<Path> files = new ArrayList<>();
        files.add(null);
        files.addAll(Rendering.valuesFiles(chart));
        assertThat(files).hasSizeGreaterThanOrEqualTo(4);
        for (Path values : files) {
            LintResult result = lint(chart, values, tmp);
            assertThat(result.isFailed()).as("lint %s: %s", values, result.getMessages()).isFalse();
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void templateRendersDefaultsAndEveryValuesFile() {
        var renders = Rendering.all();
        assertThat(renders.keySet()).contains("helm:defaults", "helm:values-dev.yaml", "helm:values-prod.yaml",
                "helm:ci/external-mongodb-values.yaml");

        var defaults = renders.get("helm:defaults").objects();
        Map<String, Object> app = KustomizeTest.find(defaults, "Deployment", "crm-app");
        assertThat(Yq.get(app, "spec.template.spec.containers.0.image"))
                .as("image.tag defaults to the chart appVersion")
                .isEqualTo("123456789012.dkr.ecr.us-east-1.amazonaws.com/crm-app:1.0.0");
        assertThat(Yq.get(app, "spec.replicas")).isEqualTo(2);
        assertThat((String) Yq.get(app, "spec.template.metadata.annotations.checksum/config")).matches("[0-9a-f]{64}");
        assertThat(Yq.get(app, "spec.template.spec.securityContext.runAsNonRoot")).isEqualTo(true);
        assertThat(KustomizeTest.kinds(defaults)).contains("StatefulSet", "Secret", "PodDisruptionBudget",
                "NetworkPolicy", "Pod").doesNotContain("ServiceMonitor", "HorizontalPodAutoscaler", "StorageClass");
        Map<String, Object> testPod = KustomizeTest.find(defaults, "Pod", "crm-test-endpoints");
        assertThat(Yq.get(testPod, "metadata.annotations." + Rendering.EXPOSED_HOOK.replace(".", "\\."))).isEqualTo("test");
        assertThat(Scratch.read(ClusterFiles.chart().resolve("templates/tests/test-endpoints.yaml")))
                .contains("helm.sh/hook: test");
        assertThat((String) Yq.get(testPod, "spec.containers.0.command.2")).contains("/health").contains("/ready");

        var prod = renders.get("helm:values-prod.yaml").objects();
        Map<String, Object> prodApp = KustomizeTest.find(prod, "Deployment", "crm-app");
        assertThat((Map<Object, Object>) Yq.get(prodApp, "spec")).doesNotContainKey("replicas");
        assertThat(KustomizeTest.kinds(prod)).contains("HorizontalPodAutoscaler", "Ingress", "ServiceMonitor",
                "PrometheusRule", "CronJob", "Middleware", "ServersTransport")
                .doesNotContain("Secret", "StorageClass");
        Map<String, Object> ingress = KustomizeTest.find(prod, "Ingress", "crm-app");
        assertThat(Yq.get(ingress, "spec.ingressClassName")).isEqualTo("traefik");
        assertThat((Map<String, Object>) Yq.get(ingress, "metadata.annotations"))
                .containsEntry("traefik.ingress.kubernetes.io/router.entrypoints", "websecure")
                .containsEntry("traefik.ingress.kubernetes.io/router.tls", "true")
                .containsEntry("traefik.ingress.kubernetes.io/router.middlewares",
                        "crm-crm-app-limits@kubernetescrd,crm-crm-app-headers@kubernetescrd")
                .doesNotContainKeys("nginx.ingress.kubernetes.io/ssl-redirect");
        assertThat(Yq.get(KustomizeTest.find(prod, "Middleware", "crm-app-limits"), "spec.buffering.maxRequestBodyBytes"))
                .isEqualTo(10485760);
        assertThat(Yq.get(KustomizeTest.find(prod, "Service", "crm-app"),
                "metadata.annotations.traefik\\.ingress\\.kubernetes\\.io/service\\.serverstransport"))
                .isEqualTo("crm-crm-app@kubernetescrd");
        Map<String, Object> sm = KustomizeTest.find(prod, "ServiceMonitor", "crm-app");
        assertThat(Yq.get(sm, "metadata.labels.release")).isEqualTo("kube-prometheus-stack");
        assertThat(Yq.get(sm, "spec.endpoints.0.port")).isEqualTo("management");
        assertThat(Yq.get(sm, "spec.endpoints.0.path")).isEqualTo("/actuator/prometheus");
        Map<String, Object> mgmt = KustomizeTest.find(prod, "Service", "crm-app-management");
        assertThat(Yq.get(mgmt, "spec.ports.0.port")).isEqualTo(8081);
        Map<String, Object> dashboard = KustomizeTest.find(prod, "ConfigMap", "crm-dashboard");
        assertThat(Yq.get(dashboard, "metadata.labels.grafana_dashboard")).isEqualTo("1");

        var external = renders.get("helm:ci/external-mongodb-values.yaml").objects();
        Map<String, Object> extApp = KustomizeTest.find(external, "Deployment", "crm-app");
        assertThat((String) Yq.get(extApp, "spec.template.spec.containers.0.image")).contains("@sha256:");
        assertThat(KustomizeTest.kinds(external)).doesNotContain("StatefulSet", "Secret");
    }

    @Test
    void schemaRejectsAWrongType() {
        Path chart = ClusterFiles.chart();
        assertThatThrownBy(() -> new Helm(chart).template().withName("crm").set("replicaCount", "two").call())
                .hasMessageContaining("replicaCount");
        assertThatThrownBy(() -> new Helm(chart).template().withName("crm").set("mongodb.enabled", "maybe").call())
                .hasMessageContaining("enabled");
    }

    @Test
    void latestTagAndTooShortGracePeriodAreRefused() {
        Path chart = ClusterFiles.chart();
        assertThatThrownBy(() -> new Helm(chart).template().withName("crm").set("image.tag", "latest").call())
                .hasMessageContaining("image/tag");
        assertThatThrownBy(() -> new Helm(chart).template().withName("crm").withKubeVersion(Rendering.KUBE_VERSION)
                .set("terminationGracePeriodSeconds", 25).call())
                .hasMessageContaining("terminationGracePeriodSeconds");
    }

    @Test
    void plantedTemplateErrorFailsLint(@TempDir Path tmp) {
        Path copy = tmp.resolve("src/crm");
        Scratch.copyTree(ClusterFiles.chart(), copy);
        Scratch.plant(copy.resolve("templates/service.yaml"), "type: {{ .Values.service.type }}",
                "type: {{ .Values.service.type ");
        LintResult result = new Helm(copy).lint().strict().call();
        assertThat(result.isFailed()).isTrue();
    }

    @Test
    void plantedWrongTypeInAValuesFileFailsLint(@TempDir Path tmp) {
        Path values = tmp.resolve("values-broken.yaml");
        Scratch.write(values, "hpa:\n  enabled: true\n  minReplicas: \"2\"\n");
        LintResult result = lint(ClusterFiles.chart(), values, tmp);
        assertThat(result.isFailed()).isTrue();
        assertThat(String.join("\n", result.getMessages())).contains("minReplicas");
    }
}
