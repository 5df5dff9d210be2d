package io.crm.checks.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import com.google.gson.Gson;
import io.kubernetes.client.custom.IntOrString;
import io.kubernetes.client.openapi.JSON;
import io.kubernetes.client.openapi.models.V1ContainerPort;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1Ingress;
import io.kubernetes.client.openapi.models.V1IngressTLS;
import io.kubernetes.client.openapi.models.V1LabelSelector;
import io.kubernetes.client.openapi.models.V1NetworkPolicy;
import io.kubernetes.client.openapi.models.V1NetworkPolicyIngressRule;
import io.kubernetes.client.openapi.models.V1NetworkPolicyPeer;
import io.kubernetes.client.openapi.models.V1NetworkPolicyPort;
import io.kubernetes.client.openapi.models.V1Service;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.crm.checks.Scratch;

/**
 * How the API is exposed, in every render (kustomize base/dev/prod, the chart with each values file): the app
 * Services are ClusterIP (no load balancer, no node port), the NetworkPolicies that select the API pods admit the API
 * port only from the ingress controller's namespace (and the chart's helm test pod) and the management port only from
 * the monitoring namespace, and production puts a TLS Ingress in front of the app Service. The rendered objects are
 * read through the Kubernetes Java models, so selectors, named ports and port ranges mean what the API server says.
 */
class ExposureTest {

    static final int API_PORT = 5000;
    static final int MANAGEMENT_PORT = 8081;
    static final String INGRESS_NAMESPACE = "traefik";
    static final String METRICS_NAMESPACE = "monitoring";
    static final String NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";
    static final String COMPONENT = "app.kubernetes.io/component";

    private static final Gson PLAIN = new Gson();

    static <T> T model(Map<String, Object> obj, Class<T> type) {
        return JSON.deserialize(PLAIN.toJson(obj), type);
    }

    static List<Map<String, Object>> ofKind(List<Map<String, Object>> objs, String kind) {
        return objs.stream().filter(o -> kind.equals(o.get("kind"))).toList();
    }

    /** Everything wrong with the exposure of the API in one render; {@code prod} also requires the TLS Ingress. */
    static List<String> problems(List<Map<String, Object>> objs, boolean prod) {
        return problems(objs, prod, INGRESS_NAMESPACE);
    }

    static List<String> problems(List<Map<String, Object>> objs, boolean prod, String ingressNamespace) {
        List<String> out = new ArrayList<>();
        V1Deployment app = ofKind(objs, "Deployment").stream().map(o -> model(o, V1Deployment.class))
                .filter(d -> "api".equals(labels(d.getSpec().getTemplate().getMetadata().getLabels()).get(COMPONENT)))
                .findFirst().orElse(null);
        if (app == null) {
            out.add("no API Deployment (component api)");
            return out;
        }
        Map<String, String> podLabels = app.getSpec().getTemplate().getMetadata().getLabels();
        List<V1ContainerPort> containerPorts = app.getSpec().getTemplate().getSpec().getContainers().get(0).getPorts();

        List<V1Service> services = new ArrayList<>();
        for (Map<String, Object> o : ofKind(objs, "Service")) {
            V1Service svc = model(o, V1Service.class);
            if (svc.getSpec().getSelector() != null && selects(svc.getSpec().getSelector(), podLabels)) {
                services.add(svc);
                String type = Objects.requireNonNullElse(svc.getSpec().getType(), "ClusterIP");
                if (!"ClusterIP".equals(type)) {
                    out.add("Service " + svc.getMetadata().getName() + " of the API pods is " + type
                            + ", must be ClusterIP (the API is reached through the TLS Ingress)");
                }
            }
        }

        boolean isolated = false;
        boolean apiFromIngress = false;
        boolean metricsFromMonitoring = false;
        for (Map<String, Object> o : ofKind(objs, "NetworkPolicy")) {
            V1NetworkPolicy np = model(o, V1NetworkPolicy.class);
            String name = np.getMetadata().getName();
            if (!selects(np.getSpec().getPodSelector(), podLabels)) {
                continue;
            }
            List<String> types = np.getSpec().getPolicyTypes();
            if (types == null || types.contains("Ingress")) {
                isolated = true;
            }
            for (V1NetworkPolicyIngressRule rule : nullToEmpty(np.getSpec().getIngress())) {
                boolean api = covers(rule, API_PORT, containerPorts);
                boolean metrics = covers(rule, MANAGEMENT_PORT, containerPorts);
                if (!api && !metrics) {
                    continue;
                }
                List<V1NetworkPolicyPeer> from = nullToEmpty(rule.getFrom());
                if (from.isEmpty()) {
                    out.add("NetworkPolicy " + name + " admits " + (api ? "port " + API_PORT : "port " + MANAGEMENT_PORT)
                            + " from every source");
                    continue;
                }
                for (V1NetworkPolicyPeer peer : from) {
                    boolean ingressController = fromNamespace(peer, ingressNamespace);
                    boolean prometheus = fromNamespace(peer, METRICS_NAMESPACE);
                    if (api && !ingressController && !isHelmTestPod(peer)) {
                        out.add("NetworkPolicy " + name + " admits port " + API_PORT + " from " + describe(peer)
                                + " (only namespace " + ingressNamespace + " and the helm test pod may)");
                    }
                    if (metrics && !prometheus) {
                        out.add("NetworkPolicy " + name + " admits port " + MANAGEMENT_PORT + " from "
                                + describe(peer) + " (only namespace " + METRICS_NAMESPACE + " may)");
                    }
                    apiFromIngress |= api && ingressController;
                    metricsFromMonitoring |= metrics && prometheus;
                }
            }
        }
        if (!isolated) {
            out.add("no NetworkPolicy isolates the API pods for ingress: every source reaches every port");
        }
        if (!apiFromIngress) {
            out.add("no NetworkPolicy admits port " + API_PORT + " from namespace " + ingressNamespace);
        }
        if (!metricsFromMonitoring) {
            out.add("no NetworkPolicy admits port " + MANAGEMENT_PORT + " from namespace " + METRICS_NAMESPACE
                    + " (Prometheus)");
        }

        if (prod) {
            List<String> serviceNames = services.stream().map(s -> s.getMetadata().getName()).toList();
            boolean tlsIngress = ofKind(objs, "Ingress").stream().map(o -> model(o, V1Ingress.class))
                    .anyMatch(ing -> !nullToEmpty(ing.getSpec().getTls()).isEmpty()
                            && nullToEmpty(ing.getSpec().getTls()).stream().map(V1IngressTLS::getSecretName)
                                    .allMatch(Objects::nonNull)
                            && nullToEmpty(ing.getSpec().getRules()).stream()
                                    .flatMap(r -> r.getHttp() == null ? java.util.stream.Stream.empty()
                                            : r.getHttp().getPaths().stream())
                                    .anyMatch(p -> p.getBackend().getService() != null
                                            && serviceNames.contains(p.getBackend().getService().getName())));
            if (!tlsIngress) {
                out.add("no Ingress with TLS routes to the API Service " + serviceNames);
            }
        }
        return out;
    }

    static Map<String, String> labels(Map<String, String> labels) {
        return labels == null ? Map.of() : labels;
    }

    static <T> List<T> nullToEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }

    /**
     * matchLabels must all be on the pod. matchExpressions are taken to match: that can only over-count the
     * policies that admit traffic, which makes this check stricter, never laxer.
     */
    static boolean selects(V1LabelSelector selector, Map<String, String> podLabels) {
        if (selector == null) {
            return true;
        }
        return labels(selector.getMatchLabels()).entrySet().stream()
                .allMatch(e -> e.getValue().equals(podLabels.get(e.getKey())));
    }

    static boolean selects(Map<String, String> serviceSelector, Map<String, String> podLabels) {
        return !serviceSelector.isEmpty() && serviceSelector.entrySet().stream()
                .allMatch(e -> e.getValue().equals(podLabels.get(e.getKey())));
    }

    /** Whether the rule admits {@code port}: no ports means all; a named port is resolved on the container. */
    static boolean covers(V1NetworkPolicyIngressRule rule, int port, List<V1ContainerPort> containerPorts) {
        List<V1NetworkPolicyPort> ports = nullToEmpty(rule.getPorts());
        if (ports.isEmpty()) {
            return true;
        }
        for (V1NetworkPolicyPort p : ports) {
            IntOrString value = p.getPort();
            if (value == null) {
                return true; // protocol only: every port
            }
            int number;
            if (value.isInteger()) {
                number = value.getIntValue();
            } else {
                number = nullToEmpty(containerPorts).stream().filter(c -> value.getStrValue().equals(c.getName()))
                        .map(V1ContainerPort::getContainerPort).findFirst().orElse(-1);
            }
            int end = p.getEndPort() != null ? p.getEndPort() : number;
            if (number <= port && port <= end) {
                return true;
            }
        }
        return false;
    }

    /** A peer that is exactly "pods of namespace NAME" (any pod selector in it narrows further, which is fine). */
    static boolean fromNamespace(V1NetworkPolicyPeer peer, String namespace) {
        return peer.getIpBlock() == null && peer.getNamespaceSelector() != null
                && namespace.equals(labels(peer.getNamespaceSelector().getMatchLabels()).get(NAMESPACE_NAME_LABEL))
                && nullToEmpty(peer.getNamespaceSelector().getMatchExpressions()).isEmpty();
    }

    /** The chart's helm test pod: same namespace (no namespaceSelector), selected by its component label. */
    static boolean isHelmTestPod(V1NetworkPolicyPeer peer) {
        return peer.getIpBlock() == null && peer.getNamespaceSelector() == null && peer.getPodSelector() != null
                && "test".equals(labels(peer.getPodSelector().getMatchLabels()).get(COMPONENT));
    }

    static String describe(V1NetworkPolicyPeer peer) {
        return PLAIN.toJson(JSON.getGson().toJsonTree(peer));
    }

    static boolean isProd(String source) {
        return source.contains("prod");
    }

    @Test
    void everyRenderExposesTheApiOnlyThroughTheIngress() {
        List<String> out = new ArrayList<>();
        int checked = 0;
        for (Rendering.Render render : Rendering.all().values()) {
            if (ofKind(render.objects(), "Deployment").isEmpty()) {
                continue; // sealed secrets, argocd, policies, logging: no API workload
            }
            checked++;
            problems(render.objects(), isProd(render.source()), INGRESS_NAMESPACE)
                    .forEach(p -> out.add(render.source() + ": " + p));
        }
        assertThat(checked).as("renders with the API").isGreaterThanOrEqualTo(6);
        assertThat(out).isEmpty();
    }

    @Test
    void plantedLoadBalancerInProdValuesFails(@TempDir Path tmp) {
        Path copy = ClusterFiles.copyOfClusterResources(tmp);
        Path chart = copy.resolve("charts/crm");
        Scratch.write(chart.resolve("values-prod.yaml"),
                Scratch.read(chart.resolve("values-prod.yaml")) + "service:\n  type: LoadBalancer\n");
        // The chart's schema refuses it already; with the schema entry removed the render shows the exposure.
        Scratch.plant(chart.resolve("values.schema.json"), "\"enum\": [\n            \"ClusterIP\"\n          ]",
                "\"enum\": [\n            \"ClusterIP\",\n            \"LoadBalancer\"\n          ]");
        var objs = Rendering.renderHelm(chart, chart.resolve("values-prod.yaml")).objects();
        assertThat(problems(objs, true)).singleElement().asString()
                .contains("Service crm-app of the API pods is LoadBalancer");
    }

    @Test
    void plantedLoadBalancerIsRefusedByTheChartSchema(@TempDir Path tmp) {
        Path copy = ClusterFiles.copyOfClusterResources(tmp);
        Path chart = copy.resolve("charts/crm");
        Scratch.write(chart.resolve("values-prod.yaml"),
                Scratch.read(chart.resolve("values-prod.yaml")) + "service:\n  type: NodePort\n");
        assertThatThrownBy(() -> Rendering.helmTemplate(chart, chart.resolve("values-prod.yaml")))
                .hasMessageContaining("/service/type");
    }

    @Test
    void plantedPolicyAdmittingTheApiPortFromEverywhereFails(@TempDir Path tmp) {
        Path copy = ClusterFiles.copyOfClusterResources(tmp);
        Rendering.prepareDevEnv(copy);
        // Stage 1 applies the chart's rendering: a hand edit of it that opens port 5000 to every source is caught.
        Scratch.plant(copy.resolve("kustomize/overlays/prod/chart-rendered.yaml"), """
                    - from:
                        - namespaceSelector:
                            matchLabels:
                              kubernetes.io/metadata.name: traefik
                        - podSelector:
                            matchLabels:
                              app.kubernetes.io/name: crm
                              app.kubernetes.io/instance: crm
                              app.kubernetes.io/component: test
                      ports:
                        - port: 5000
                """, """
                    - ports:
                        - port: 5000
                """);
        var objs = Rendering.renderKustomize(copy, "kustomize/overlays/prod").objects();
        assertThat(problems(objs, true))
                .anySatisfy(p -> assertThat(p).endsWith("admits port 5000 from every source"))
                .contains("no NetworkPolicy admits port 5000 from namespace traefik");
    }

    @Test
    void plantedChartPolicyErrorsFail(@TempDir Path tmp) {
        Path copy = ClusterFiles.copyOfClusterResources(tmp);
        Path chart = copy.resolve("charts/crm");
        // Any namespace (an empty namespaceSelector) on the API port, and metrics open to the ingress namespace.
        Scratch.plant(chart.resolve("templates/networkpolicy.yaml"), """
                        - namespaceSelector:
                            matchLabels:
                              kubernetes.io/metadata.name: {{ .Values.networkPolicy.ingressNamespace }}
                """, """
                        - namespaceSelector: {}
                """);
        Scratch.plant(chart.resolve("values-prod.yaml"), "ingress:\n", "networkPolicy:\n  metricsNamespace: "
                + INGRESS_NAMESPACE + "\ningress:\n");
        var objs = Rendering.renderHelm(chart, chart.resolve("values-prod.yaml")).objects();
        assertThat(String.join("\n", problems(objs, true)))
                .contains("admits port 5000 from {\"namespaceSelector\":{\"matchExpressions\":[],\"matchLabels\":{}}}")
                .contains("admits port 8081 from")
                .contains("no NetworkPolicy admits port 5000 from namespace " + INGRESS_NAMESPACE)
                .contains("no NetworkPolicy admits port 8081 from namespace monitoring");
    }

    @Test
    void plantedMissingTlsIngressFails(@TempDir Path tmp) {
        Path copy = ClusterFiles.copyOfClusterResources(tmp);
        Path chart = copy.resolve("charts/crm");
        Scratch.plant(chart.resolve("values-prod.yaml"), "ingress:\n  enabled: true\n", "ingress:\n  enabled: false\n");
        var objs = Rendering.renderHelm(chart, chart.resolve("values-prod.yaml")).objects();
        assertThat(problems(objs, true)).singleElement().asString().startsWith("no Ingress with TLS");
    }

    // ---- Production as Argo CD syncs it: the crm chart with values-prod.yaml and every other Application ----

    /** The ingress controller: the one chart whose values may ask for a LoadBalancer Service. */
    static final String INGRESS_CONTROLLER_CHART = "traefik";
    static final String ISSUER_ANNOTATION = "cert-manager.io/cluster-issuer";
    static final String ENTRYPOINTS = "traefik.ingress.kubernetes.io/router.entrypoints";
    static final String MIDDLEWARES = "traefik.ingress.kubernetes.io/router.middlewares";

    /** Every "type: LoadBalancer/NodePort" in a tree (a Service's spec.type, a chart's service.type, ECK's http). */
    static List<String> exposedTypes(Object tree) {
        List<String> out = new ArrayList<>();
        OrderingTest.walk(tree, "type", (m, v) -> {
            if ("LoadBalancer".equals(v) || "NodePort".equals(v)) {
                out.add(String.valueOf(v));
            }
        });
        return out;
    }

    /** An Ingress on the web entrypoint whose middlewares (all in its render) only redirect to https. */
    static boolean redirectsToHttpsOnly(Map<String, Object> ingress, List<Map<String, Object>> objs, String namespace) {
        Object entrypoints = Yq.get(ingress, "metadata.annotations." + ENTRYPOINTS.replace(".", "\\."));
        Object middlewares = Yq.get(ingress, "metadata.annotations." + MIDDLEWARES.replace(".", "\\."));
        if (!"web".equals(entrypoints) || middlewares == null || Yq.get(ingress, "spec.tls") != null) {
            return false;
        }
        for (String ref : String.valueOf(middlewares).split(",")) {
            String name = ref.trim().replaceFirst("@kubernetescrd$", "").replaceFirst("^" + namespace + "-", "");
            boolean redirect = ofKind(objs, "Middleware").stream()
                    .anyMatch(m -> name.equals(Yq.get(m, "metadata.name"))
                            && "https".equals(Yq.get(m, "spec.redirectScheme.scheme")));
            if (!redirect) {
                return false;
            }
        }
        return true;
    }

    /**
     * Production exposure across the Argo CD apps: no LoadBalancer or NodePort anywhere but the ingress controller's
     * (which must be one), and every Ingress serves TLS with a certificate from a ClusterIssuer that
     * cluster-resources/cert-manager installs, or only redirects plain HTTP to HTTPS.
     */
    static List<String> prodProblems(List<OrderingTest.App> apps, Map<String, List<Map<String, Object>>> renders,
            Path clusterResources) {
        List<String> out = new ArrayList<>();
        List<String> issuers = ofKind(renders.getOrDefault("kustomize:cert-manager", List.of()), "ClusterIssuer")
                .stream().map(i -> String.valueOf(Yq.get(i, "metadata.name"))).toList();
        boolean controllerExposed = false;
        for (OrderingTest.App app : apps) {
            for (Map<String, Object> source : OrderingTest.sources(app)) {
                if (source.get("ref") != null) {
                    continue;
                }
                if (source.get("chart") != null) {
                    Map<String, Object> values = OrderingTest.chartValues(source, clusterResources);
                    List<String> types = exposedTypes(values);
                    if (INGRESS_CONTROLLER_CHART.equals(source.get("chart"))) {
                        controllerExposed |= "LoadBalancer".equals(Yq.get(values, "service.type"));
                    } else if (!types.isEmpty()) {
                        out.add(app.name() + ": chart " + source.get("chart") + " values ask for a " + types
                                + " Service; only the ingress controller is exposed");
                    }
                    continue;
                }
                List<Map<String, Object>> objs = renders.get(OrderingTest.renderKey(source));
                if (objs == null) {
                    out.add(app.name() + ": " + OrderingTest.renderKey(source) + " is not rendered by the checks");
                    continue;
                }
                for (Map<String, Object> o : objs) {
                    List<String> types = exposedTypes(o.get("spec"));
                    if (!types.isEmpty()) {
                        out.add(app.name() + ": " + Rendering.describe(o) + " is exposed as " + types
                                + "; only the ingress controller's Service may be");
                    }
                }
                for (Map<String, Object> ing : ofKind(objs, "Ingress")) {
                    String what = app.name() + ": Ingress " + Yq.get(ing, "metadata.name");
                    if (redirectsToHttpsOnly(ing, objs, app.namespace())) {
                        continue;
                    }
                    List<Map<String, Object>> tls = CrdRules.maps(Yq.get(ing, "spec.tls"));
                    if (tls.isEmpty() || tls.stream().anyMatch(x -> x.get("secretName") == null)) {
                        out.add(what + " has no tls with a secretName (and does not only redirect to HTTPS)");
                    }
                    Object issuer = Yq.get(ing, "metadata.annotations." + ISSUER_ANNOTATION.replace(".", "\\."));
                    if (issuer == null) {
                        out.add(what + " has no " + ISSUER_ANNOTATION + " annotation: nothing issues its certificate");
                    } else if (!issuers.contains(String.valueOf(issuer))) {
                        out.add(what + " names ClusterIssuer " + issuer + ", but cluster-resources/cert-manager "
                                + "installs " + issuers);
                    }
                }
            }
        }
        if (!controllerExposed) {
            out.add("the ingress controller (chart " + INGRESS_CONTROLLER_CHART + ") has no LoadBalancer Service");
        }
        return out;
    }

    static List<String> realProdProblems(Map<String, List<Map<String, Object>>> renders) {
        return prodProblems(OrderingTest.realApps(), renders, ClusterFiles.clusterResources());
    }

    @Test
    void productionExposesOnlyTheIngressControllerAndEveryIngressHasAnInstalledIssuer() {
        var renders = OrderingTest.realRenders();
        assertThat(ofKind(renders.get("helm:values-prod.yaml"), "Ingress")).hasSize(2);
        assertThat(realProdProblems(renders)).isEmpty();
    }

    static Map<String, List<Map<String, Object>>> withProdChart(Path tmp, String plantOld, String plantNew,
            String file) {
        Path copy = ClusterFiles.copyOfClusterResources(tmp);
        Path chart = copy.resolve("charts/crm");
        Rendering.exposeHelmHooks(chart.resolve("templates"));
        Scratch.plant(chart.resolve(file), plantOld, plantNew);
        var renders = OrderingTest.realRenders();
        renders.put("helm:values-prod.yaml", Rendering.renderHelm(chart, chart.resolve("values-prod.yaml")).objects());
        return renders;
    }

    @Test
    void plantedAppLoadBalancerInProdFails(@TempDir Path tmp) {
        // The chart schema refuses it (see plantedLoadBalancerIsRefusedByTheChartSchema); a template edit is
        // what could still slip through.
        var renders = withProdChart(tmp, "type: {{ .Values.service.type }}", "type: LoadBalancer",
                "templates/service.yaml");
        assertThat(realProdProblems(renders)).singleElement().asString()
                .isEqualTo("crm: Service/crm-app is exposed as [LoadBalancer]; only the ingress controller's Service may be");
        // A third-party chart asking for one fails too, and the controller without one.
        List<OrderingTest.App> apps = OrderingTest.realApps().stream().map(a -> {
            if (!a.name().equals("traefik")) {
                return a;
            }
            Map<String, Object> spec = ManifestSchemaTest.copy(a.spec());
            CrdRules.castMap(CrdRules.maps(spec.get("sources")).get(0)).put("chart", "ingress-nginx");
            return new OrderingTest.App(a.name(), a.wave(), a.namespace(), a.createNamespace(), spec);
        }).toList();
        assertThat(prodProblems(apps, OrderingTest.realRenders(), ClusterFiles.clusterResources()))
                .containsExactly("traefik: chart ingress-nginx values ask for a [LoadBalancer] Service; only the "
                        + "ingress controller is exposed",
                        "the ingress controller (chart traefik) has no LoadBalancer Service");
    }

    @Test
    void plantedIngressWithoutTlsFails(@TempDir Path tmp) {
        var renders = withProdChart(tmp, """
                  {{- if .Values.ingress.tls.enabled }}
                  tls:
                """, """
                  {{- if false }}
                  tls:
                """, "templates/ingress.yaml");
        assertThat(realProdProblems(renders)).singleElement().asString()
                .isEqualTo("crm: Ingress crm-app has no tls with a secretName (and does not only redirect to HTTPS)");
    }

    @Test
    void plantedRedirectIngressThatServesFails(@TempDir Path tmp) {
        // The HTTP Ingress without its redirect middleware would serve the API in clear text.
        var renders = withProdChart(tmp, "router.middlewares: {{ $redirect | quote }}",
                "router.middlewares: {{ $limits | quote }}", "templates/ingress.yaml");
        assertThat(String.join("\n", realProdProblems(renders)))
                .contains("crm: Ingress crm-app-http has no tls with a secretName");
    }

    @Test
    void plantedIssuerNotInstalledFails(@TempDir Path tmp) {
        var renders = withProdChart(tmp, "ingress:\n  enabled: true\n",
                "ingress:\n  enabled: true\n  clusterIssuer: letsencrypt-staging\n", "values-prod.yaml");
        assertThat(realProdProblems(renders)).singleElement().asString()
                .isEqualTo("crm: Ingress crm-app names ClusterIssuer letsencrypt-staging, but cluster-resources/"
                        + "cert-manager installs [letsencrypt-prod]");
    }
}
