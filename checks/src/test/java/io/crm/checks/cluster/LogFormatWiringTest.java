package io.crm.checks.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.crm.checks.Repo;
import io.crm.checks.Scratch;
import io.crm.checks.Tools;
import io.crm.checks.Yamls;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service logs plain text by default (a person in a terminal reads it); everywhere a log pipeline reads it, the
 * deployment sets {@code CRM_LOG_FORMAT=ecs} explicitly: every Kubernetes render of the API (kustomize base and
 * overlays, Helm with each values file) and compose. Without it, Fluent Bit would ship unparsed text lines.
 */
class LogFormatWiringTest {

    static List<String> violations(String source, List<Map<String, Object>> objects) {
        List<String> out = new ArrayList<>();
        for (Map<String, Object> deployment : objects.stream().filter(AdminSecretWiringTest::isApi).toList()) {
            String format = AdminSecretWiringTest.environment(objects, AdminSecretWiringTest.apiContainer(deployment))
                    .get("CRM_LOG_FORMAT");
            if (!"ecs".equals(format)) {
                out.add(source + " " + Rendering.describe(deployment) + ": CRM_LOG_FORMAT is " + format + ", not ecs");
            }
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    static String composeLogFormat(String composeText) {
        Map<String, Object> compose = Yamls.parseAll(composeText).get(0);
        Object value = Yq.get(compose, "services.app.environment.CRM_LOG_FORMAT");
        return value == null ? null : String.valueOf(value);
    }

    @Test
    void everyRenderOfTheApiLogsEcsJson() {
        List<String> all = new ArrayList<>();
        List<String> sources = new ArrayList<>();
        for (AdminSecretWiringTest.Input in : AdminSecretWiringTest.real()) {
            sources.add(in.source());
            all.addAll(violations(in.source(), in.objects()));
        }
        assertThat(sources).contains("kustomize:kustomize/overlays/dev", "kustomize:kustomize/overlays/prod", "helm:defaults",
                "helm:values-prod.yaml");
        assertThat(all).isEmpty();
    }

    @Test
    void composeLogsEcsJson() {
        assertThat(composeLogFormat(Scratch.read(Repo.root().resolve("compose.yaml")))).isEqualTo("ecs");
    }

    @Test
    void plantedPlainLogsAreCaught(@TempDir Path tmp) {
        Path copy = ClusterFiles.copyOfClusterResources(tmp);
        Rendering.prepareDevEnv(copy);
        Scratch.plant(copy.resolve("kustomize/overlays/prod/chart-rendered.yaml"), "  CRM_LOG_FORMAT: \"ecs\"\n", "");
        Tools.Result kustomize = Rendering.kustomize(Path.of(Tools.require("kubectl")),
                copy.resolve("kustomize/overlays/prod"));
        assertThat(kustomize.ok()).as(kustomize.output()).isTrue();
        assertThat(violations("planted", Yamls.parseAll(kustomize.output())))
                .anySatisfy(v -> assertThat(v).contains("CRM_LOG_FORMAT is null"));

        Path chart = copy.resolve("charts/crm");
        Rendering.exposeHelmHooks(chart.resolve("templates"));
        Scratch.plant(chart.resolve("values.yaml"), "  logFormat: ecs", "  logFormat: plain");
        assertThat(violations("planted", Yamls.parseAll(Rendering.helmTemplate(chart, null))))
                .anySatisfy(v -> assertThat(v).contains("CRM_LOG_FORMAT is , not ecs"));

        String compose = Scratch.read(Repo.root().resolve("compose.yaml"));
        assertThat(compose).contains("      CRM_LOG_FORMAT: ecs\n");
        assertThat(composeLogFormat(compose.replace("      CRM_LOG_FORMAT: ecs\n", ""))).isNull();
    }
}
