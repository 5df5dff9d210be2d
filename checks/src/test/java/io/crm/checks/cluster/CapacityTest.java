package io.crm.checks.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.crm.checks.Repo;
import io.crm.checks.Scratch;
import io.crm.checks.Yamls;

/**
 * Capacity that adds up: the pods of each documented path, with their requests, packed onto the nodes Terraform
 * creates by default (instance type, nodes per zone, zones), in steady state, during a rolling update of the API
 * (its surge pod) and with the API at its HPA maximum on the autoscaler's maximum. The crm chart and the kustomize
 * apps are rendered; third-party charts cannot be rendered here, so their pods come from a table below and their
 * requests from the values the Argo CD apps give them (a component without requests fails: it could not be counted).
 * Each rule also fails on a planted error.
 */
class CapacityTest {

    /** Nominal size of an EC2 instance type; max pods with the VPC CNI default is ENIs x (IPv4 per ENI - 1) + 2. */
    record Instance(int vcpu, int memoryMiB, int enis, int ipsPerEni) {

        int maxPods() {
            return enis * (ipsPerEni - 1) + 2;
        }

        /**
         * The EKS AMI's kubelet reservations: kube-reserved memory 255 MiB + 11 MiB per pod, eviction at 100 MiB, and
         * about 4 % of the nominal memory is never seen by the kubelet (firmware, kernel): a t3a.large reports
         * ~7.1 GiB allocatable, not the 7.3 GiB the formula alone gives.
         */
        long allocatableMemoryMiB() {
            return Math.round(memoryMiB * 0.96) - (255 + 11L * maxPods()) - 100;
        }

        /** kube-reserved CPU: 6 % of the first core, 1 % of the second, 0.5 % of the next two, 0.25 % of the rest. */
        long allocatableMilliCpu() {
            double reserved = 0;
            for (int core = 1; core <= vcpu; core++) {
                reserved += core == 1 ? 60 : core == 2 ? 10 : core <= 4 ? 5 : 2.5;
            }
            return Math.round(vcpu * 1000 - reserved);
        }
    }

    static final Map<String, Instance> INSTANCES = Map.of(
            "t3a.medium", new Instance(2, 4096, 3, 6),
            "t3a.large", new Instance(2, 8192, 3, 12),
            "t3a.xlarge", new Instance(4, 16384, 4, 15),
            "t3a.2xlarge", new Instance(8, 32768, 4, 15),
            "m6a.large", new Instance(2, 8192, 3, 10),
            "m6a.xlarge", new Instance(4, 16384, 4, 15));

    /** One kind of pod: its requests, how many, and whether one runs on every node (DaemonSet). */
    record Pod(String name, long milliCpu, long memoryMiB, int count, boolean perNode) {

        Pod times(int n) {
            return new Pod(name, milliCpu, memoryMiB, n, perNode);
        }
    }

    /**
     * EKS add-ons on every cluster (their published default requests): the VPC CNI, kube-proxy, the EBS CSI node
     * plugin and the Pod Identity agent on each node; CoreDNS, the EBS CSI controller and metrics-server (added by
     * infrastructure/) as Deployments. Host-network pods take no IP but do count against the node's max pods.
     */
    static final List<Pod> KUBE_SYSTEM = List.of(
            new Pod("aws-node", 25, 0, 1, true),
            new Pod("kube-proxy", 100, 0, 1, true),
            new Pod("ebs-csi-node", 30, 120, 1, true),
            new Pod("eks-pod-identity-agent", 0, 0, 1, true),
            new Pod("coredns", 100, 70, 2, false),
            new Pod("ebs-csi-controller", 60, 240, 2, false),
            new Pod("metrics-server", 100, 200, 2, false));

    /** Where a third-party chart's pods take their requests and replica count in its values. */
    record Component(String name, String resourcesPath, String replicasPath, int defaultReplicas, boolean perNode,
            String enabledPath) {

        Component(String name, String resourcesPath, String replicasPath, int defaultReplicas, boolean perNode) {
            this(name, resourcesPath, replicasPath, defaultReplicas, perNode, null);
        }
    }

    /** The pods each third-party chart runs (hooks and one-off Jobs aside). A chart not listed here fails the check. */
    static final Map<String, List<Component>> CHARTS = Map.of(
            "cert-manager", List.of(new Component("cert-manager", "resources", "replicaCount", 1, false),
                    new Component("cert-manager-webhook", "webhook.resources", "webhook.replicaCount", 1, false),
                    new Component("cert-manager-cainjector", "cainjector.resources", "cainjector.replicaCount", 1, false)),
            "cluster-autoscaler", List.of(new Component("cluster-autoscaler", "resources", "replicaCount", 1, false)),
            "eck-operator", List.of(new Component("elastic-operator", "resources", "replicaCount", 1, false)),
            "sealed-secrets", List.of(new Component("sealed-secrets", "resources", null, 1, false)),
            "prometheus-operator-crds", List.of(),
            "traefik", List.of(new Component("traefik", "resources", "deployment.replicas", 1, false)),
            "fluent-bit", List.of(new Component("fluent-bit", "resources", null, 1, true)),
            "kube-prometheus-stack", List.of(
                    new Component("prometheus", "prometheus.prometheusSpec.resources", "prometheus.prometheusSpec.replicas", 1, false),
                    new Component("alertmanager", "alertmanager.alertmanagerSpec.resources", "alertmanager.alertmanagerSpec.replicas", 1, false),
                    new Component("grafana", "grafana.resources", "grafana.replicas", 1, false),
                    new Component("prometheus-operator", "prometheusOperator.resources", null, 1, false),
                    new Component("kube-state-metrics", "kube-state-metrics.resources", "kube-state-metrics.replicas", 1, false),
                    new Component("node-exporter", "prometheus-node-exporter.resources", null, 1, true)),
            "argo-cd", List.of(
                    new Component("argocd-application-controller", "controller.resources", "controller.replicas", 1, false),
                    new Component("argocd-server", "server.resources", "server.replicas", 1, false),
                    new Component("argocd-repo-server", "repoServer.resources", "repoServer.replicas", 1, false),
                    new Component("argocd-redis", "redis.resources", null, 1, false),
                    new Component("argocd-applicationset-controller", "applicationSet.resources", "applicationSet.replicas", 1, false),
                    new Component("argocd-notifications-controller", "notifications.resources", null, 1, false),
                    new Component("argocd-dex-server", "dex.resources", null, 1, false, "dex.enabled")));

    /** Platform charts that the stage-1 path installs by hand too (docs/deploy.md, stage 1). */
    static final List<String> STAGE1_CHARTS = List.of("traefik", "cert-manager", "sealed-secrets", "cluster-autoscaler");

    /** The Terraform defaults of infrastructure/envs/prod. */
    record Nodes(String instanceType, int zones, int perZoneDesired, int perZoneMax) {
    }

    /** What the check packs: the pods of each path, and what could not be counted. */
    record Inputs(Nodes nodes, List<Pod> stage1, List<Pod> gitops, Pod api, int apiMin, int apiSurge, int apiMax,
            List<String> problems) {

        Inputs withNodes(Nodes n) {
            return new Inputs(n, stage1, gitops, api, apiMin, apiSurge, apiMax, problems);
        }

        Inputs withApi(Pod a) {
            return new Inputs(nodes, stage1, gitops, a, apiMin, apiSurge, apiMax, problems);
        }
    }

    // ---- reading the files

    static String tfDefault(String variablesTf, String name) {
        String value = ClusterFiles.tfDefault(variablesTf, name);
        if (value == null) {
            throw new AssertionError("infrastructure/envs/prod/variables.tf has no default for " + name);
        }
        return value;
    }

    static Nodes nodes(String variablesTf) {
        return new Nodes(tfDefault(variablesTf, "node_instance_type"),
                Integer.parseInt(tfDefault(variablesTf, "az_count")),
                Integer.parseInt(tfDefault(variablesTf, "nodes_per_zone_desired")),
                Integer.parseInt(tfDefault(variablesTf, "nodes_per_zone_max")));
    }

    static long milliCpu(Object q) {
        if (q == null) {
            return 0;
        }
        String s = String.valueOf(q);
        return s.endsWith("m") ? Long.parseLong(s.substring(0, s.length() - 1)) : Math.round(Double.parseDouble(s) * 1000);
    }

    static long memoryMiB(Object q) {
        if (q == null) {
            return 0;
        }
        Matcher m = Pattern.compile("([0-9.]+)([KMGT]i?)?").matcher(String.valueOf(q));
        if (!m.matches()) {
            throw new IllegalArgumentException("memory quantity " + q);
        }
        double v = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "" : m.group(2);
        double bytes = switch (unit) {
            case "Ki" -> v * 1024;
            case "Mi" -> v * 1024 * 1024;
            case "Gi" -> v * 1024 * 1024 * 1024;
            case "Ti" -> v * 1024 * 1024 * 1024 * 1024;
            case "K" -> v * 1e3;
            case "M" -> v * 1e6;
            case "G" -> v * 1e9;
            case "T" -> v * 1e12;
            default -> v;
        };
        return (long) Math.ceil(bytes / (1024 * 1024));
    }

    /** Requests of a resources block; a limit without a request counts as the request (as Kubernetes defaults it). */
    static long[] requests(Object resources) {
        if (!(resources instanceof Map<?, ?> r)) {
            return null;
        }
        Map<?, ?> req = r.get("requests") instanceof Map<?, ?> m ? m : Map.of();
        Map<?, ?> lim = r.get("limits") instanceof Map<?, ?> m ? m : Map.of();
        Object cpu = req.get("cpu") != null ? req.get("cpu") : lim.get("cpu");
        Object mem = req.get("memory") != null ? req.get("memory") : lim.get("memory");
        if (mem == null) {
            return null;
        }
        return new long[] {milliCpu(cpu), memoryMiB(mem)};
    }

    /** A pod spec's effective requests: its containers' sum, or its largest init container if that is larger. */
    static Pod pod(String name, Object podSpec, int count, boolean perNode, List<String> problems) {
        long cpu = 0;
        long mem = 0;
        Map<?, ?> spec = podSpec instanceof Map<?, ?> m ? m : Map.of();
        for (Map<String, Object> c : CrdRules.maps(spec.get("containers"))) {
            long[] r = requests(c.get("resources"));
            if (r == null) {
                problems.add(name + " container " + c.get("name") + " has no memory request: it cannot be counted");
                continue;
            }
            cpu += r[0];
            mem += r[1];
        }
        for (Map<String, Object> c : CrdRules.maps(spec.get("initContainers"))) {
            long[] r = requests(c.get("resources"));
            if (r != null) {
                cpu = Math.max(cpu, r[0]);
                mem = Math.max(mem, r[1]);
            }
        }
        return new Pod(name, cpu, mem, count, perNode);
    }

    static boolean isHook(Map<String, Object> o) {
        Object annotations = Yq.get(o, "metadata.annotations");
        return annotations instanceof Map<?, ?> a
                && (a.containsKey("helm.sh/hook") || a.containsKey(Rendering.EXPOSED_HOOK));
    }

    /** The pods of rendered manifests (workloads and the ECK custom resources), HPA-owned replicas at their minimum. */
    static List<Pod> workloads(String source, List<Map<String, Object>> objects, List<String> problems) {
        Map<String, Integer> hpaMin = new LinkedHashMap<>();
        for (Map<String, Object> o : objects) {
            if ("HorizontalPodAutoscaler".equals(o.get("kind"))) {
                hpaMin.put(String.valueOf(Yq.get(o, "spec.scaleTargetRef.name")), (Integer) Yq.get(o, "spec.minReplicas"));
            }
        }
        List<Pod> pods = new ArrayList<>();
        for (Map<String, Object> o : objects) {
            String kind = String.valueOf(o.get("kind"));
            String name = source + " " + kind + "/" + Yq.get(o, "metadata.name");
            if (isHook(o)) {
                continue;
            }
            switch (kind) {
                case "Deployment", "StatefulSet" -> {
                    Object replicas = Yq.get(o, "spec.replicas");
                    int n = hpaMin.getOrDefault(String.valueOf(Yq.get(o, "metadata.name")),
                            replicas == null ? 1 : (Integer) replicas);
                    pods.add(pod(name, Yq.get(o, "spec.template.spec"), n, false, problems));
                }
                case "DaemonSet" -> pods.add(pod(name, Yq.get(o, "spec.template.spec"), 1, true, problems));
                // A CronJob's pod while it runs (backups run at night, but a manual run may come any time).
                case "CronJob" -> pods.add(pod(name, Yq.get(o, "spec.jobTemplate.spec.template.spec"), 1, false, problems));
                case "Job" -> pods.add(pod(name, Yq.get(o, "spec.template.spec"), 1, false, problems));
                case "Elasticsearch" -> {
                    for (Map<String, Object> set : CrdRules.maps(Yq.get(o, "spec.nodeSets"))) {
                        pods.add(pod(name + "/" + set.get("name"), Yq.get(set, "podTemplate.spec"),
                                (Integer) set.getOrDefault("count", 1), false, problems));
                    }
                }
                case "Kibana" -> {
                    Object count = Yq.get(o, "spec.count");
                    pods.add(pod(name, Yq.get(o, "spec.podTemplate.spec"), count == null ? 1 : (Integer) count, false, problems));
                }
                default -> {
                    // Not a workload.
                }
            }
        }
        return pods;
    }

    /** A third-party chart's pods from its values (valueFiles in order, then valuesObject, as Argo CD applies them). */
    static List<Pod> chartPods(String chart, Map<String, Object> values, List<String> problems) {
        List<Component> components = CHARTS.get(chart);
        if (components == null) {
            problems.add("chart " + chart + " has no entry in CapacityTest.CHARTS: its pods cannot be counted");
            return List.of();
        }
        List<Pod> pods = new ArrayList<>();
        for (Component c : components) {
            if (c.enabledPath() != null && Boolean.FALSE.equals(Yq.get(values, c.enabledPath()))) {
                continue;
            }
            long[] r = requests(Yq.get(values, c.resourcesPath()));
            if (r == null) {
                problems.add(chart + ": " + c.name() + " has no memory request (" + c.resourcesPath() + ")");
                continue;
            }
            Object replicas = c.replicasPath() == null ? null : Yq.get(values, c.replicasPath());
            int n = replicas instanceof Integer i ? i : c.defaultReplicas();
            pods.add(new Pod(chart + " " + c.name(), r[0], r[1], n, c.perNode()));
        }
        return pods;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> helmValues(Path repo, Map<String, Object> helm) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (Object f : (List<Object>) helm.getOrDefault("valueFiles", List.of())) {
            String file = String.valueOf(f).replaceFirst("^\\$values/", "");
            values = ClusterFiles.mergeValues(values, Yamls.parseAll(Scratch.read(repo.resolve(file))).get(0));
        }
        if (helm.get("valuesObject") instanceof Map<?, ?> m) {
            values = ClusterFiles.mergeValues(values, (Map<String, Object>) m);
        }
        return values;
    }

    /** Every pod of the GitOps path: each Argo CD app (chart or kustomize folder) and Argo CD itself. */
    @SuppressWarnings("unchecked")
    static Map<String, List<Pod>> gitopsPods(Path repo, Map<String, List<Map<String, Object>>> renders, List<String> problems) {
        Map<String, List<Pod>> byApp = new LinkedHashMap<>();
        Path apps = repo.resolve("cluster-resources/argocd/apps");
        for (Path f : ClusterFiles.list(apps, "*.yaml")) {
            Map<String, Object> app = Yamls.parseAll(Scratch.read(f)).get(0);
            String appName = String.valueOf(Yq.get(app, "metadata.name"));
            List<Map<String, Object>> sources = new ArrayList<>();
            if (Yq.get(app, "spec.source") instanceof Map<?, ?> s) {
                sources.add((Map<String, Object>) s);
            }
            sources.addAll(CrdRules.maps(Yq.get(app, "spec.sources")));
            List<Pod> pods = new ArrayList<>();
            for (Map<String, Object> s : sources) {
                Map<String, Object> helm = s.get("helm") instanceof Map<?, ?> h ? (Map<String, Object>) h : Map.of();
                if (s.get("chart") != null) {
                    pods.addAll(chartPods(String.valueOf(s.get("chart")), helmValues(repo, helm), problems));
                } else if (s.get("path") != null) {
                    String path = String.valueOf(s.get("path")).replaceFirst("^cluster-resources/", "");
                    List<Map<String, Object>> objects = renders.get(path);
                    if (objects == null) {
                        problems.add("app " + appName + ": no render of " + path);
                    } else {
                        pods.addAll(workloads(appName, objects, problems));
                    }
                }
            }
            byApp.put(appName, pods);
        }
        Map<String, Object> argocd = Yamls.parseAll(Scratch.read(repo.resolve("cluster-resources/argocd/install/argocd-values.yaml"))).get(0);
        byApp.put("argocd", chartPods("argo-cd", argocd, problems));
        return byApp;
    }

    static Map<String, List<Map<String, Object>>> realRenders() {
        Map<String, List<Map<String, Object>>> renders = new LinkedHashMap<>();
        Rendering.all().forEach((source, r) -> renders.put(source.replaceFirst("^kustomize:", ""), r.objects()));
        // Argo CD syncs the chart with values-prod.yaml.
        renders.put("charts/crm", Rendering.all().get("helm:values-prod.yaml").objects());
        return renders;
    }

    static Inputs gather(Path repo, Map<String, List<Map<String, Object>>> renders) {
        List<String> problems = new ArrayList<>();
        Nodes nodes = nodes(Scratch.read(repo.resolve("infrastructure/envs/prod/variables.tf")));
        Map<String, List<Pod>> apps = gitopsPods(repo, renders, problems);
        List<Pod> gitops = new ArrayList<>(KUBE_SYSTEM);
        apps.values().forEach(gitops::addAll);

        // The API: its pods are scaled by the HPA (min for the steady state, max at peak) and surge by maxSurge.
        List<Map<String, Object>> crm = renders.get("charts/crm");
        Map<String, Object> deployment = crm.stream().filter(o -> "Deployment".equals(o.get("kind"))
                && "crm-app".equals(Yq.get(o, "metadata.name"))).findFirst().orElseThrow();
        Map<String, Object> hpa = crm.stream().filter(o -> "HorizontalPodAutoscaler".equals(o.get("kind")))
                .findFirst().orElseThrow();
        Pod api = pod("crm-app", Yq.get(deployment, "spec.template.spec"), 1, false, problems);
        Object surge = Yq.get(deployment, "spec.strategy.rollingUpdate.maxSurge");
        int apiMin = (Integer) Yq.get(hpa, "spec.minReplicas");
        int apiSurge = surge instanceof Integer i ? i
                : (int) Math.ceil(apiMin * Integer.parseInt(String.valueOf(surge).replace("%", "")) / 100.0);

        // Stage 1: the prod overlay (the chart's rendering) and the platform charts installed by hand.
        List<Pod> stage1 = new ArrayList<>(KUBE_SYSTEM);
        stage1.addAll(workloads("stage1", renders.get("kustomize/overlays/prod"), problems));
        for (String chart : STAGE1_CHARTS) {
            gitops.stream().filter(p -> p.name().startsWith(chart + " ")).forEach(stage1::add);
        }
        return new Inputs(nodes, stage1, gitops, api, apiMin, apiSurge, (Integer) Yq.get(hpa, "spec.maxReplicas"),
                problems);
    }

    // ---- packing

    /** Result of packing one scenario: pods that found no node, and the totals. */
    record Packing(String scenario, int nodes, long podCount, long podCapacity, long milliCpu, long cpuCapacity,
            long memoryMiB, long memoryCapacity, List<String> unplaced) {

        String describe() {
            return String.format(Locale.ROOT, "%-52s %2d nodes  pods %3d/%3d  cpu %5dm/%5dm (%3d%%)  memory %6d/%6d MiB (%3d%%)%s",
                    scenario, nodes, podCount, podCapacity, milliCpu, cpuCapacity, 100 * milliCpu / cpuCapacity,
                    memoryMiB, memoryCapacity, 100 * memoryMiB / memoryCapacity,
                    unplaced.isEmpty() ? "" : "  UNPLACED " + unplaced);
        }
    }

    /**
     * First-fit decreasing by memory onto identical nodes, after one of each per-node pod on every node: the
     * scheduler spreads rather than packs, so a pod that fits nowhere here would stay Pending there too.
     */
    static Packing pack(String scenario, Instance type, int nodeCount, List<Pod> pods) {
        long[] cpu = new long[nodeCount];
        long[] mem = new long[nodeCount];
        int[] count = new int[nodeCount];
        long totalCpu = 0;
        long totalMem = 0;
        long totalPods = 0;
        for (Pod p : pods) {
            if (p.perNode()) {
                for (int n = 0; n < nodeCount; n++) {
                    cpu[n] += p.milliCpu();
                    mem[n] += p.memoryMiB();
                    count[n]++;
                }
                totalCpu += p.milliCpu() * nodeCount;
                totalMem += p.memoryMiB() * nodeCount;
                totalPods += nodeCount;
            }
        }
        List<Pod> singles = new ArrayList<>();
        for (Pod p : pods) {
            if (!p.perNode()) {
                for (int i = 0; i < p.count(); i++) {
                    singles.add(p.times(1));
                }
            }
        }
        singles.sort(Comparator.comparingLong(Pod::memoryMiB).thenComparingLong(Pod::milliCpu).reversed());
        List<String> unplaced = new ArrayList<>();
        for (Pod p : singles) {
            totalCpu += p.milliCpu();
            totalMem += p.memoryMiB();
            totalPods++;
            boolean placed = false;
            for (int n = 0; n < nodeCount && !placed; n++) {
                if (cpu[n] + p.milliCpu() <= type.allocatableMilliCpu() && mem[n] + p.memoryMiB() <= type.allocatableMemoryMiB()
                        && count[n] + 1 <= type.maxPods()) {
                    cpu[n] += p.milliCpu();
                    mem[n] += p.memoryMiB();
                    count[n]++;
                    placed = true;
                }
            }
            if (!placed) {
                unplaced.add(p.name() + " (" + p.milliCpu() + "m, " + p.memoryMiB() + " MiB)");
            }
        }
        boolean daemonsFit = java.util.stream.IntStream.range(0, nodeCount).allMatch(n -> count[n] <= type.maxPods());
        if (!daemonsFit) {
            unplaced.add("per-node pods exceed max pods");
        }
        return new Packing(scenario, nodeCount, totalPods, (long) type.maxPods() * nodeCount, totalCpu,
                type.allocatableMilliCpu() * nodeCount, totalMem, type.allocatableMemoryMiB() * nodeCount, unplaced);
    }

    static List<Packing> scenarios(Inputs in) {
        Instance type = INSTANCES.get(in.nodes().instanceType());
        if (type == null) {
            throw new AssertionError("instance type " + in.nodes().instanceType() + " is not in CapacityTest.INSTANCES");
        }
        int desired = in.nodes().zones() * in.nodes().perZoneDesired();
        int max = in.nodes().zones() * in.nodes().perZoneMax();
        List<Pod> surge = new ArrayList<>(in.gitops());
        surge.add(in.api().times(in.apiSurge()));
        List<Pod> peak = new ArrayList<>(in.gitops());
        peak.add(in.api().times(Math.max(0, in.apiMax() - in.apiMin()) + in.apiSurge()));
        List<Pod> stage1Surge = new ArrayList<>(in.stage1());
        stage1Surge.add(in.api().times(in.apiSurge()));
        return List.of(
                pack("stage 1 (kubectl apply -k), rolling update", type, desired, stage1Surge),
                pack("GitOps (Argo CD, monitoring, logging), steady", type, desired, in.gitops()),
                pack("GitOps, rolling update of the API (surge)", type, desired, surge),
                pack("GitOps, API at HPA max + surge, autoscaler max", type, max, peak));
    }

    static List<String> violations(Inputs in) {
        List<String> out = new ArrayList<>(in.problems());
        for (Packing p : scenarios(in)) {
            if (!p.unplaced().isEmpty() || p.memoryMiB() > p.memoryCapacity() || p.milliCpu() > p.cpuCapacity()
                    || p.podCount() > p.podCapacity()) {
                out.add(p.describe());
            }
        }
        return out;
    }

    // ---- tests

    static Inputs real() {
        return gather(Repo.root(), realRenders());
    }

    @Test
    void everyDocumentedPathFitsTheDefaultCluster() {
        Inputs in = real();
        Instance type = INSTANCES.get(in.nodes().instanceType());
        System.out.printf(Locale.ROOT, "%s: %d zones x %d nodes (max %d); per node %dm CPU, %d MiB, %d pods allocatable%n",
                in.nodes().instanceType(), in.nodes().zones(), in.nodes().perZoneDesired(), in.nodes().perZoneMax(),
                type.allocatableMilliCpu(), type.allocatableMemoryMiB(), type.maxPods());
        scenarios(in).forEach(p -> System.out.println(p.describe()));
        assertThat(violations(in)).isEmpty();
        // The sums cover the real workload: the API, MongoDB, Elasticsearch, Prometheus and Argo CD are counted.
        assertThat(in.gitops()).extracting(Pod::name).anyMatch(n -> n.contains("StatefulSet/crm-mongodb"))
                .anyMatch(n -> n.contains("Elasticsearch/")).anyMatch(n -> n.contains("prometheus"))
                .anyMatch(n -> n.contains("argocd-repo-server")).anyMatch(n -> n.contains("Deployment/crm-app"));
        assertThat(in.apiSurge()).isPositive();
    }

    @Test
    void plantedSmallNodesFail() {
        Inputs in = real();
        Nodes n = in.nodes();
        assertThat(violations(in.withNodes(new Nodes("t3a.medium", n.zones(), n.perZoneDesired(), n.perZoneMax()))))
                .anySatisfy(v -> assertThat(v).startsWith("GitOps"));
        // The seed's single node: not even stage 1 fits with its surge.
        assertThat(violations(in.withNodes(new Nodes("t3a.medium", 1, 1, 1))))
                .anySatisfy(v -> assertThat(v).startsWith("stage 1"));
    }

    @Test
    void plantedOversizedApiFails() {
        Inputs in = real();
        Instance type = INSTANCES.get(in.nodes().instanceType());
        // An API pod as large as a whole node: no node has room for it next to the per-node pods.
        Pod huge = new Pod(in.api().name(), in.api().milliCpu(), type.allocatableMemoryMiB(), 1, false);
        assertThat(violations(in.withApi(huge))).anySatisfy(v -> assertThat(v).contains("UNPLACED [crm-app"));
    }

    @Test
    void plantedComponentWithoutRequestsFails(@TempDir Path tmp) {
        Path repo = tmp.resolve("repo");
        Scratch.copyTree(Repo.root().resolve("cluster-resources"), repo.resolve("cluster-resources"));
        Scratch.copyTree(Repo.root().resolve("infrastructure/envs/prod"), repo.resolve("infrastructure/envs/prod"));
        Path traefik = repo.resolve("cluster-resources/traefik/values.yaml");
        UnaryOperator<String> dropResources = s -> s.replaceFirst("(?m)^resources:\\n(  .*\\n)+", "");
        Scratch.write(traefik, dropResources.apply(Scratch.read(traefik)));
        assertThat(Files.exists(traefik)).isTrue();
        assertThat(violations(gather(repo, realRenders())))
                .anySatisfy(v -> assertThat(v).isEqualTo("traefik: traefik has no memory request (resources)"));
        // A chart the table does not know cannot be counted either.
        Path app = repo.resolve("cluster-resources/argocd/apps/traefik.yaml");
        Scratch.plant(app, "chart: traefik", "chart: traefik-next");
        assertThat(violations(gather(repo, realRenders())))
                .anySatisfy(v -> assertThat(v).contains("chart traefik-next has no entry"));
    }
}
