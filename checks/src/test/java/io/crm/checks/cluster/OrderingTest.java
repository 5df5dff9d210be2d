package io.crm.checks.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.crm.checks.Repo;
import io.crm.checks.Scratch;
import io.crm.checks.Yamls;

/**
 * The first Argo CD sync cannot deadlock: the root app applies its Applications wave by wave and waits for each wave
 * to be healthy, so whatever a resource needs (a StorageClass for its volume claims, the CRD of its API group, the
 * ClusterIssuer its Ingress names, its namespace, the IngressClass it names) must exist before its wave starts:
 * created by Terraform (an EKS add-on), by a strictly earlier wave, or (a namespace) by the same app through
 * CreateNamespace. Apps from this repository are rendered (kustomize folders, the crm chart with its value files);
 * third-party charts cannot be rendered offline, so {@link #CHARTS} states what each provides, and what they need is
 * read from their values (storageClassName anywhere, serviceMonitor.enabled anywhere, plus the table's own needs).
 */
class OrderingTest {

    /** What a third-party chart provides (CRD API groups, IngressClass from a values path) and always needs. */
    record Chart(Set<String> provides, Set<String> needs, String ingressClassPath) {
    }

    /**
     * Read from each chart's crds/ or templates at the pinned version; a chart not listed fails the check, so a new
     * one cannot slip in unstated. kube-prometheus-stack runs with crds.enabled false (the CRDs come from
     * prometheus-operator-crds) and always needs them for its Prometheus, Alertmanager and ServiceMonitors.
     */
    static final Map<String, Chart> CHARTS = Map.of(
            "sealed-secrets", new Chart(Set.of("crd:bitnami.com"), Set.of(), null),
            "prometheus-operator-crds", new Chart(Set.of("crd:monitoring.coreos.com"), Set.of(), null),
            "kube-prometheus-stack", new Chart(Set.of(), Set.of("crd:monitoring.coreos.com"), null),
            "cert-manager", new Chart(Set.of("crd:cert-manager.io", "crd:acme.cert-manager.io"), Set.of(), null),
            "eck-operator", new Chart(Set.of("crd:elasticsearch.k8s.elastic.co", "crd:kibana.k8s.elastic.co",
                    "crd:apm.k8s.elastic.co", "crd:beat.k8s.elastic.co", "crd:agent.k8s.elastic.co",
                    "crd:enterprisesearch.k8s.elastic.co", "crd:maps.k8s.elastic.co", "crd:logstash.k8s.elastic.co",
                    "crd:stackconfigpolicy.k8s.elastic.co", "crd:autoops.k8s.elastic.co"), Set.of(), null),
            "traefik", new Chart(Set.of("crd:traefik.io", "crd:hub.traefik.io"), Set.of(), "ingressClass.name"),
            "cluster-autoscaler", new Chart(Set.of(), Set.of(), null),
            "fluent-bit", new Chart(Set.of(), Set.of(), null));

    /** Namespaces that exist before Argo CD syncs anything (EKS's own, and Argo CD's). */
    static final Set<String> BUILT_IN_NAMESPACES = Set.of("default", "kube-system", "kube-public", "argocd");

    /** Kinds without a namespace (the ones we ship; anything else in a render is namespaced). */
    static final Set<String> CLUSTER_SCOPED = Set.of("Namespace", "StorageClass", "ClusterIssuer", "ClusterRole",
            "ClusterRoleBinding", "CustomResourceDefinition", "IngressClass", "PriorityClass",
            "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding", "ValidatingWebhookConfiguration",
            "MutatingWebhookConfiguration", "PersistentVolume");

    /** CSI provisioners and the EKS add-on that serves each. */
    static final Map<String, String> PROVISIONERS = Map.of("ebs.csi.aws.com", "aws-ebs-csi-driver");

    /** One Application as the root app sees it. */
    record App(String name, int wave, String namespace, boolean createNamespace, Map<String, Object> spec) {
    }

    static List<App> apps(List<Map<String, Object>> argocd) {
        List<App> out = new ArrayList<>();
        for (Map<String, Object> o : argocd) {
            if (!"Application".equals(o.get("kind")) || "root".equals(Yq.get(o, "metadata.name"))) {
                continue;
            }
            Object wave = Yq.get(o, "metadata.annotations.argocd\\.argoproj\\.io/sync-wave");
            List<?> options = Yq.get(o, "spec.syncPolicy.syncOptions") instanceof List<?> l ? l : List.of();
            out.add(new App(String.valueOf(Yq.get(o, "metadata.name")),
                    wave == null ? 0 : Integer.parseInt(String.valueOf(wave)),
                    String.valueOf(Yq.get(o, "spec.destination.namespace")),
                    options.contains("CreateNamespace=true"), CrdRules.castMap(o.get("spec"))));
        }
        return out;
    }

    /** Sources of an app (single source or the list). */
    static List<Map<String, Object>> sources(App app) {
        return app.spec().get("sources") != null ? CrdRules.maps(app.spec().get("sources"))
                : List.of(CrdRules.castMap(app.spec().get("source")));
    }

    /** Render of a source of this repository: the kustomize folder or the crm chart with its value file. */
    static String renderKey(Map<String, Object> source) {
        String path = String.valueOf(source.get("path")).replaceFirst("^cluster-resources/", "");
        if (path.equals("charts/crm")) {
            List<?> files = (List<?>) Yq.get(source, "helm.valueFiles");
            return "helm:" + (files == null || files.isEmpty() ? "defaults" : files.get(0));
        }
        return "kustomize:" + path;
    }

    /** Helm values of a third-party chart source: its value files ($values/... in this repo), then valuesObject. */
    static Map<String, Object> chartValues(Map<String, Object> source, Path clusterResources) {
        Map<String, Object> values = new LinkedHashMap<>();
        List<?> files = Yq.get(source, "helm.valueFiles") instanceof List<?> l ? l : List.of();
        for (Object f : files) {
            String rel = String.valueOf(f).replaceFirst("^\\$values/cluster-resources/", "");
            values = ClusterFiles.mergeValues(values, Yamls.parseAll(Scratch.read(clusterResources.resolve(rel))).get(0));
        }
        if (Yq.get(source, "helm.valuesObject") instanceof Map<?, ?> m) {
            values = ClusterFiles.mergeValues(values, CrdRules.castMap(m));
        }
        return values;
    }

    /** Every value of {@code key} anywhere in a tree. */
    static void walk(Object node, String key, BiConsumer<Map<?, ?>, Object> found) {
        if (node instanceof Map<?, ?> m) {
            m.forEach((k, v) -> {
                if (key.equals(k)) {
                    found.accept(m, v);
                }
                walk(v, key, found);
            });
        } else if (node instanceof List<?> l) {
            l.forEach(i -> walk(i, key, found));
        }
    }

    static Set<String> storageClasses(Object tree) {
        Set<String> out = new TreeSet<>();
        walk(tree, "storageClassName", (m, v) -> {
            if (v instanceof String s && !s.isBlank()) {
                out.add("storageclass:" + s);
            }
        });
        return out;
    }

    /** EKS add-ons that Terraform installs (aws_eks_addon addon_name literals and add-on map keys). */
    static Set<String> terraformAddons(Path infrastructure) {
        Set<String> out = new TreeSet<>();
        Pattern name = Pattern.compile("addon_name\\s*=\\s*\"([a-z0-9-]+)\"");
        Pattern mapKey = Pattern.compile("(?m)^\\s*\"([a-z0-9-]+)\"\\s*=\\s*\\{");
        try (Stream<Path> files = Files.walk(infrastructure)) {
            for (Path tf : files.filter(f -> f.toString().endsWith(".tf")).toList()) {
                String text = Scratch.read(tf);
                if (!text.contains("aws_eks_addon")) {
                    continue;
                }
                Matcher m = name.matcher(text);
                while (m.find()) {
                    out.add(m.group(1));
                }
                // for_each over a map of add-ons: its quoted keys (e.g. "vpc-cni" = { ... }).
                m = mapKey.matcher(text);
                while (m.find()) {
                    out.add(m.group(1));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** What one app provides and needs; needs map to the object that needs them (for the message). */
    record Inventory(Set<String> provides, Map<String, String> needs, List<String> problems) {
    }

    static String group(Map<String, Object> obj) {
        String apiVersion = String.valueOf(obj.get("apiVersion"));
        return apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
    }

    static Inventory inventory(App app, Map<String, List<Map<String, Object>>> renders, Path clusterResources) {
        Set<String> provides = new LinkedHashSet<>();
        Map<String, String> needs = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        if (app.createNamespace()) {
            provides.add("namespace:" + app.namespace());
        }
        BiConsumer<String, String> need = (what, by) -> needs.putIfAbsent(what, by);
        for (Map<String, Object> source : sources(app)) {
            if (source.get("ref") != null) {
                continue; // a value-files source only
            }
            Object chart = source.get("chart");
            if (chart != null) {
                Chart known = CHARTS.get(String.valueOf(chart));
                if (known == null) {
                    problems.add(app.name() + ": chart " + chart + " is not in OrderingTest.CHARTS (state what it "
                            + "provides and needs)");
                    continue;
                }
                Map<String, Object> values = chartValues(source, clusterResources);
                provides.addAll(known.provides());
                if (known.ingressClassPath() != null && Yq.get(values, known.ingressClassPath()) != null) {
                    provides.add("ingressclass:" + Yq.get(values, known.ingressClassPath()));
                }
                if (Boolean.TRUE.equals(Yq.get(values, "crds.enabled")) && chart.equals("kube-prometheus-stack")) {
                    provides.add("crd:monitoring.coreos.com");
                }
                String by = "chart " + chart;
                known.needs().forEach(n -> need.accept(n, by));
                storageClasses(values).forEach(n -> need.accept(n, by + " values"));
                walk(values, "serviceMonitor", (m, v) -> {
                    if (v instanceof Map<?, ?> sm && Boolean.TRUE.equals(sm.get("enabled"))) {
                        need.accept("crd:monitoring.coreos.com", by + " values serviceMonitor.enabled");
                    }
                });
                need.accept("namespace:" + app.namespace(), by + " (destination)");
                continue;
            }
            String key = renderKey(source);
            List<Map<String, Object>> objs = renders.get(key);
            if (objs == null) {
                problems.add(app.name() + ": " + key + " is not rendered by the checks (add it to Rendering)");
                continue;
            }
            for (Map<String, Object> o : objs) {
                String kind = String.valueOf(o.get("kind"));
                String name = String.valueOf(Yq.get(o, "metadata.name"));
                String by = kind + "/" + name;
                switch (kind) {
                    case "Namespace" -> provides.add("namespace:" + name);
                    case "StorageClass" -> {
                        provides.add("storageclass:" + name);
                        String addon = PROVISIONERS.get(String.valueOf(o.get("provisioner")));
                        need.accept(addon == null ? "provisioner:" + o.get("provisioner") : "addon:" + addon, by);
                    }
                    case "ClusterIssuer" -> provides.add("clusterissuer:" + name);
                    case "IngressClass" -> provides.add("ingressclass:" + name);
                    case "CustomResourceDefinition" -> provides.add("crd:" + Yq.get(o, "spec.group"));
                    default -> {
                    }
                }
                if (KubeSchema.modelClass(o) == null || KubeSchema.isCustomResource(o)) {
                    need.accept("crd:" + group(o), by);
                }
                if (!CLUSTER_SCOPED.contains(kind)) {
                    Object ns = Yq.get(o, "metadata.namespace");
                    need.accept("namespace:" + (ns == null ? app.namespace() : ns), by);
                }
                storageClasses(o).forEach(n -> need.accept(n, by));
                if ("HorizontalPodAutoscaler".equals(kind)) {
                    // The HPA reads the resource metrics API: without metrics-server it never scales.
                    need.accept("addon:metrics-server", by);
                }
                if ("Ingress".equals(kind)) {
                    Object issuer = Yq.get(o, "metadata.annotations.cert-manager\\.io/cluster-issuer");
                    if (issuer != null) {
                        need.accept("clusterissuer:" + issuer, by);
                    }
                    Object cls = Yq.get(o, "spec.ingressClassName");
                    if (cls != null) {
                        need.accept("ingressclass:" + cls, by);
                    }
                }
                if ("Certificate".equals(kind) && "ClusterIssuer".equals(Yq.get(o, "spec.issuerRef.kind"))) {
                    need.accept("clusterissuer:" + Yq.get(o, "spec.issuerRef.name"), by);
                }
            }
        }
        return new Inventory(provides, needs, problems);
    }

    /** Every need that nothing satisfies in time, with the app, its wave and what needs it. */
    static List<String> problems(List<App> apps, Map<String, List<Map<String, Object>>> renders, Path clusterResources,
            Set<String> addons) {
        List<String> out = new ArrayList<>();
        Map<App, Inventory> inv = new LinkedHashMap<>();
        for (App app : apps) {
            Inventory i = inventory(app, renders, clusterResources);
            inv.put(app, i);
            out.addAll(i.problems());
        }
        Set<String> before = new TreeSet<>();
        BUILT_IN_NAMESPACES.forEach(ns -> before.add("namespace:" + ns));
        addons.forEach(a -> before.add("addon:" + a));
        inv.forEach((app, i) -> i.needs().forEach((need, by) -> {
            boolean earlier = inv.entrySet().stream()
                    .anyMatch(e -> e.getKey().wave() < app.wave() && e.getValue().provides().contains(need));
            boolean sameAppNamespace = need.equals("namespace:" + app.namespace()) && app.createNamespace();
            if (before.contains(need) || earlier || sameAppNamespace) {
                return;
            }
            List<String> later = inv.entrySet().stream().filter(e -> e.getValue().provides().contains(need))
                    .map(e -> e.getKey().name() + " (wave " + e.getKey().wave() + ")").toList();
            out.add(app.name() + " (wave " + app.wave() + ") " + by + " needs " + need + ", "
                    + (later.isEmpty() ? "which nothing creates" : "created only by " + String.join(", ", later)));
        }));
        return out;
    }

    static Map<String, List<Map<String, Object>>> realRenders() {
        Map<String, List<Map<String, Object>>> out = new LinkedHashMap<>();
        Rendering.all().forEach((k, r) -> out.put(k, r.objects()));
        return out;
    }

    static List<App> realApps() {
        return apps(Rendering.all().get("kustomize:argocd").objects());
    }

    static List<String> realProblems(List<App> apps, Map<String, List<Map<String, Object>>> renders) {
        return problems(apps, renders, ClusterFiles.clusterResources(), terraformAddons(Repo.root().resolve("infrastructure")));
    }

    static List<App> withWave(List<App> apps, String name, int wave) {
        return apps.stream().map(a -> a.name().equals(name)
                ? new App(a.name(), wave, a.namespace(), a.createNamespace(), a.spec()) : a).toList();
    }

    @Test
    void everyAppFindsWhatItNeedsInAnEarlierWave() {
        List<App> apps = realApps();
        assertThat(apps).extracting(App::name).contains("platform-prerequisites", "cert-manager", "cluster-issuers",
                "traefik", "eck-operator", "logging", "cluster-autoscaler", "crm");
        assertThat(terraformAddons(Repo.root().resolve("infrastructure"))).contains("aws-ebs-csi-driver", "metrics-server");
        assertThat(realProblems(apps, realRenders())).isEmpty();
    }

    @Test
    void theStorageClassAndSharedNamespacesComeFirst() {
        List<App> apps = realApps();
        int first = apps.stream().mapToInt(App::wave).min().orElseThrow();
        App platform = apps.stream().filter(a -> a.name().equals("platform-prerequisites")).findFirst().orElseThrow();
        assertThat(platform.wave()).isEqualTo(first);
        assertThat(apps.stream().filter(a -> a.wave() == first)).hasSize(1);
    }

    @Test
    void plantedStorageClassAppInWaveZeroFails() {
        List<String> problems = realProblems(withWave(realApps(), "platform-prerequisites", 0), realRenders());
        assertThat(String.join("\n", problems))
                .contains("kube-prometheus-stack (wave -6) chart kube-prometheus-stack values needs storageclass:gp3, "
                        + "created only by platform-prerequisites (wave 0)")
                .contains("logging (wave -5) Elasticsearch/logs needs storageclass:gp3")
                .contains("crm (wave 0) StatefulSet/crm-mongodb needs storageclass:gp3");
    }

    @Test
    void plantedServiceMonitorBeforeItsCrdFails() {
        // Fluent Bit's values enable a ServiceMonitor; in the CRD provider's wave it would fail its first sync.
        List<String> problems = realProblems(withWave(realApps(), "fluent-bit", -9), realRenders());
        assertThat(problems).singleElement().asString().isEqualTo("fluent-bit (wave -9) chart fluent-bit values "
                + "serviceMonitor.enabled needs crd:monitoring.coreos.com, created only by prometheus-operator-crds "
                + "(wave -9)");
        // The crm chart's ServiceMonitor and PrometheusRule, the same.
        problems = realProblems(withWave(realApps(), "crm", -9), realRenders());
        assertThat(String.join("\n", problems)).contains("crm (wave -9) PrometheusRule/crm-alerts needs "
                + "crd:monitoring.coreos.com, created only by prometheus-operator-crds (wave -9)");
        // A chart whose values enable a ServiceMonitor counts too.
        problems = realProblems(withWave(realApps(), "traefik", -10), realRenders());
        assertThat(String.join("\n", problems))
                .contains("traefik (wave -10) chart traefik values serviceMonitor.enabled needs crd:monitoring.coreos.com");
    }

    @Test
    void plantedUnknownClusterIssuerFails(@TempDir Path tmp) {
        Path copy = ClusterFiles.copyOfClusterResources(tmp);
        Path chart = copy.resolve("charts/crm");
        Rendering.exposeHelmHooks(chart.resolve("templates"));
        Scratch.plant(chart.resolve("values-prod.yaml"), "ingress:\n  enabled: true\n",
                "ingress:\n  enabled: true\n  clusterIssuer: letsencrypt-staging\n");
        Map<String, List<Map<String, Object>>> renders = realRenders();
        renders.put("helm:values-prod.yaml", Rendering.renderHelm(chart, chart.resolve("values-prod.yaml")).objects());
        assertThat(realProblems(realApps(), renders)).singleElement().asString()
                .isEqualTo("crm (wave 0) Ingress/crm-app needs clusterissuer:letsencrypt-staging, which nothing creates");
    }

    @Test
    void plantedUnlistedChartAndMissingAddonFail() {
        List<App> apps = new ArrayList<>(realApps());
        App traefik = apps.stream().filter(a -> a.name().equals("traefik")).findFirst().orElseThrow();
        Map<String, Object> spec = ManifestSchemaTest.copy(traefik.spec());
        CrdRules.castMap(CrdRules.maps(spec.get("sources")).get(0)).put("chart", "haproxy-ingress");
        apps.replaceAll(a -> a == traefik ? new App(a.name(), a.wave(), a.namespace(), a.createNamespace(), spec) : a);
        assertThat(String.join("\n", realProblems(apps, realRenders())))
                .contains("traefik: chart haproxy-ingress is not in OrderingTest.CHARTS")
                .contains("needs crd:traefik.io, which nothing creates")
                .contains("crm (wave 0) Ingress/crm-app needs ingressclass:traefik, which nothing creates");
        List<String> noEbs = problems(realApps(), realRenders(), ClusterFiles.clusterResources(),
                Set.of("vpc-cni", "metrics-server"));
        assertThat(noEbs).singleElement().asString()
                .contains("StorageClass/gp3 needs addon:aws-ebs-csi-driver, which nothing creates");
        List<String> noMetrics = problems(realApps(), realRenders(), ClusterFiles.clusterResources(),
                Set.of("vpc-cni", "aws-ebs-csi-driver"));
        assertThat(noMetrics).singleElement().asString()
                .contains("HorizontalPodAutoscaler/crm-app needs addon:metrics-server, which nothing creates");
    }
}
