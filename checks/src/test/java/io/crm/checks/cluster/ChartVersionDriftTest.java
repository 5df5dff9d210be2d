package io.crm.checks.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.crm.checks.Repo;
import io.crm.checks.Scratch;
import io.crm.checks.Yamls;

/**
 * Component versions live in one place: a third-party chart's version is its Argo CD Application's targetRevision,
 * and every `helm install ... --version` in the docs (stage 1 installs the same charts by hand) names that version;
 * a chart without an Application (Argo CD itself) has one version across the docs. The Cluster Autoscaler runs the
 * minor of the cluster Terraform creates. Each rule also fails on a planted error.
 */
class ChartVersionDriftTest {

    private static final Pattern HELM_INSTALL = Pattern.compile(
            "helm (?:install|upgrade --install) \\S+ [\\w.-]+/([\\w.-]+) --version (\\S+)");

    static Map<String, String> appVersions(Path apps) {
        Map<String, String> versions = new LinkedHashMap<>();
        for (Path f : ClusterFiles.list(apps, "*.yaml")) {
            Map<String, Object> app = Yamls.parseAll(Scratch.read(f)).get(0);
            List<Map<String, Object>> sources = new ArrayList<>(CrdRules.maps(Yq.get(app, "spec.sources")));
            if (Yq.get(app, "spec.source") instanceof Map<?, ?> s) {
                @SuppressWarnings("unchecked")
                Map<String, Object> single = (Map<String, Object>) s;
                sources.add(single);
            }
            sources.stream().filter(s -> s.get("chart") != null)
                    .forEach(s -> versions.put(String.valueOf(s.get("chart")), String.valueOf(s.get("targetRevision"))));
        }
        return versions;
    }

    static List<String> violations(Map<String, String> apps, Map<String, String> docs, String autoscalerApp,
            String variablesTf) {
        List<String> out = new ArrayList<>();
        Map<String, String> seen = new LinkedHashMap<>();
        docs.forEach((file, text) -> {
            Matcher m = HELM_INSTALL.matcher(text);
            while (m.find()) {
                String chart = m.group(1);
                String version = m.group(2);
                String expected = apps.getOrDefault(chart, seen.get(chart));
                if (expected != null && !expected.equals(version)) {
                    out.add(file + " installs " + chart + " " + version + ", but the cluster runs " + expected);
                }
                seen.putIfAbsent(chart, version);
            }
        });
        String kubernetes = CapacityTest.tfDefault(variablesTf, "kubernetes_version");
        Matcher tag = Pattern.compile("(?m)^\\s+tag: v?(\\d+\\.\\d+)\\.\\d+\\s*$").matcher(autoscalerApp);
        if (!tag.find() || !tag.group(1).equals(kubernetes)) {
            out.add("cluster-autoscaler image " + (tag.find(0) ? tag.group(1) : "(chart default)")
                    + " is not the cluster's minor " + kubernetes + " (infrastructure kubernetes_version)");
        }
        return out;
    }

    static Map<String, String> docs() {
        Map<String, String> docs = new LinkedHashMap<>();
        for (Path f : ClusterFiles.list(Repo.root().resolve("docs"), "*.md")) {
            docs.put("docs/" + f.getFileName(), Scratch.read(f));
        }
        docs.put("README.md", Scratch.read(Repo.root().resolve("README.md")));
        docs.put("cluster-resources/README.md", Scratch.read(ClusterFiles.clusterResources().resolve("README.md")));
        return docs;
    }

    static String autoscaler() {
        return Scratch.read(ClusterFiles.clusterResources().resolve("argocd/apps/cluster-autoscaler.yaml"));
    }

    static String variables() {
        return Scratch.read(Repo.root().resolve("infrastructure/envs/prod/variables.tf"));
    }

    @Test
    void everyChartHasOneVersion() {
        Map<String, String> apps = appVersions(ClusterFiles.clusterResources().resolve("argocd/apps"));
        assertThat(apps).containsKeys("traefik", "cert-manager", "sealed-secrets", "cluster-autoscaler");
        Map<String, String> docs = docs();
        assertThat(String.join("\n", docs.values())).as("the docs install the stage-1 charts by version")
                .contains("jetstack/cert-manager --version", "traefik/traefik --version");
        assertThat(violations(apps, docs, autoscaler(), variables())).isEmpty();
    }

    @Test
    void plantedDriftFails() {
        Map<String, String> apps = appVersions(ClusterFiles.clusterResources().resolve("argocd/apps"));
        Map<String, String> docs = new LinkedHashMap<>(docs());
        String deploy = docs.get("docs/deploy.md");
        docs.put("docs/deploy.md", deploy.replace("traefik/traefik --version " + apps.get("traefik"),
                "traefik/traefik --version 30.0.0"));
        assertThat(violations(apps, docs, autoscaler(), variables()))
                .containsExactly("docs/deploy.md installs traefik 30.0.0, but the cluster runs " + apps.get("traefik"));
        docs.put("docs/deploy.md", deploy + "\n$ helm install argocd argo/argo-cd --version 1.0.0\n");
        assertThat(violations(apps, docs, autoscaler(), variables()))
                .anySatisfy(v -> assertThat(v).contains("installs argo-cd 1.0.0"));
        assertThat(violations(apps, docs(), autoscaler(), variables().replace("default     = \"1.35\"",
                "default     = \"1.36\""))).anySatisfy(v -> assertThat(v).contains("not the cluster's minor 1.36"));
    }
}
