package io.crm.checks.cluster;

import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;

/**
 * The custom resources we ship, checked against structural schemas transcribed from their CRDs (the fields we may
 * use, their types, the required ones; unknown fields rejected as with kubectl's strict field validation) plus the
 * cross-field rules each controller enforces at runtime.
 */
final class CrdRules {

    /** A tiny structural schema: type, properties, required keys, element schema. */
    interface Schema {
        void check(String path, Object value, List<String> out);
    }

    static final Pattern DURATION = Pattern.compile("^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$");

    static Schema str() {
        return (p, v, out) -> {
            if (!(v instanceof String)) {
                out.add(p + ": expected string, got " + describe(v));
            }
        };
    }

    static Schema str(Pattern pattern) {
        return (p, v, out) -> {
            if (!(v instanceof String s) || !pattern.matcher(s).matches()) {
                out.add(p + ": expected string matching " + pattern + ", got " + describe(v));
            }
        };
    }

    static Schema oneOf(String... values) {
        Set<String> allowed = Set.of(values);
        return (p, v, out) -> {
            if (!allowed.contains(v)) {
                out.add(p + ": expected one of " + allowed + ", got " + describe(v));
            }
        };
    }

    static Schema integer() {
        return (p, v, out) -> {
            if (!(v instanceof Integer || v instanceof Long)) {
                out.add(p + ": expected integer, got " + describe(v));
            }
        };
    }

    static Schema bool() {
        return (p, v, out) -> {
            if (!(v instanceof Boolean)) {
                out.add(p + ": expected boolean, got " + describe(v));
            }
        };
    }

    /** x-kubernetes-preserve-unknown-fields or int-or-string: any value. */
    static Schema any() {
        return (p, v, out) -> {
        };
    }

    static Schema list(Schema item) {
        return (p, v, out) -> {
            if (!(v instanceof List<?> l)) {
                out.add(p + ": expected list, got " + describe(v));
                return;
            }
            for (int i = 0; i < l.size(); i++) {
                item.check(p + "[" + i + "]", l.get(i), out);
            }
        };
    }

    static Schema mapOf(Schema value) {
        return (p, v, out) -> {
            if (!(v instanceof Map<?, ?> m)) {
                out.add(p + ": expected map, got " + describe(v));
                return;
            }
            m.forEach((k, val) -> value.check(p + "." + k, val, out));
        };
    }

    static final class Obj implements Schema {
        final Map<String, Schema> props = new LinkedHashMap<>();
        final List<String> required = new ArrayList<>();

        Obj field(String name, Schema s) {
            props.put(name, s);
            return this;
        }

        Obj req(String name, Schema s) {
            required.add(name);
            return field(name, s);
        }

        @Override
        public void check(String p, Object v, List<String> out) {
            if (!(v instanceof Map<?, ?> m)) {
                out.add(p + ": expected object, got " + describe(v));
                return;
            }
            for (String r : required) {
                if (!m.containsKey(r)) {
                    out.add(p + ": missing required field " + r);
                }
            }
            m.forEach((k, val) -> {
                Schema s = props.get(String.valueOf(k));
                if (s == null) {
                    out.add(p + ": unknown field " + k);
                } else {
                    s.check(p + "." + k, val, out);
                }
            });
        }
    }

    static Obj obj() {
        return new Obj();
    }

    static String describe(Object v) {
        return v == null ? "null" : v.getClass().getSimpleName() + " " + v;
    }

    static final Schema LABELS = mapOf(str());
    static final Schema METADATA = obj().req("name", str(Pattern.compile("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")))
            .field("namespace", str()).field("labels", LABELS).field("annotations", LABELS)
            .field("finalizers", list(str()));
    static final Schema LABEL_SELECTOR = obj().field("matchLabels", LABELS).field("matchExpressions", list(
            obj().req("key", str()).req("operator", oneOf("In", "NotIn", "Exists", "DoesNotExist"))
                    .field("values", list(str()))));

    // monitoring.coreos.com/v1 ServiceMonitor (prometheus-operator CRD, fields used by us and common ones).
    static final Schema SERVICE_MONITOR_SPEC = obj()
            .field("jobLabel", str()).field("targetLabels", list(str())).field("podTargetLabels", list(str()))
            .field("sampleLimit", integer())
            .field("namespaceSelector", obj().field("any", bool()).field("matchNames", list(str())))
            .req("selector", LABEL_SELECTOR)
            .req("endpoints", list(obj().field("port", str()).field("targetPort", any()).field("path", str())
                    .field("scheme", oneOf("http", "https")).field("interval", str(DURATION))
                    .field("scrapeTimeout", str(DURATION)).field("honorLabels", bool())
                    .field("honorTimestamps", bool()).field("params", mapOf(list(str())))
                    .field("relabelings", list(any())).field("metricRelabelings", list(any()))
                    .field("tlsConfig", any()).field("authorization", any()).field("basicAuth", any())));

    // monitoring.coreos.com/v1 PrometheusRule.
    static final Schema PROMETHEUS_RULE_SPEC = obj().req("groups", list(obj()
            .req("name", str()).field("interval", str(DURATION)).field("limit", integer())
            .field("partial_response_strategy", str())
            .field("rules", list(obj().field("alert", str()).field("record", str()).req("expr", any())
                    .field("for", str(DURATION)).field("keep_firing_for", str(DURATION))
                    .field("labels", LABELS).field("annotations", LABELS)))));

    // bitnami.com/v1alpha1 SealedSecret.
    static final Schema SEALED_SECRET_SPEC = obj()
            .req("encryptedData", mapOf(str(Pattern.compile("^[A-Za-z0-9+/]+={0,2}$"))))
            .field("template", obj().field("metadata", obj().field("name", str()).field("namespace", str())
                            .field("labels", LABELS).field("annotations", LABELS))
                    .field("type", str()).field("immutable", bool()).field("data", LABELS));

    static final Schema APP_SOURCE = obj().req("repoURL", str(Pattern.compile("^https://.+")))
            .field("targetRevision", str()).field("path", str()).field("chart", str()).field("ref", str())
            .field("helm", obj().field("releaseName", str()).field("valueFiles", list(str()))
                    .field("valuesObject", any()).field("values", str()).field("parameters", list(any()))
                    .field("ignoreMissingValueFiles", bool()).field("skipCrds", bool()))
            .field("kustomize", any()).field("directory", any());

    // argoproj.io/v1alpha1 Application.
    static final Schema APPLICATION_SPEC = obj().req("project", str()).field("source", APP_SOURCE)
            .field("sources", list(APP_SOURCE))
            .req("destination", obj().field("server", str()).field("name", str()).field("namespace", str()))
            .field("syncPolicy", obj()
                    .field("automated", obj().field("prune", bool()).field("selfHeal", bool())
                            .field("allowEmpty", bool()))
                    .field("syncOptions", list(str()))
                    .field("managedNamespaceMetadata", obj().field("labels", LABELS).field("annotations", LABELS))
                    .field("retry", obj().field("limit", integer()).field("backoff", obj()
                            .field("duration", str()).field("factor", integer()).field("maxDuration", str()))))
            .field("ignoreDifferences", list(obj().field("group", str()).req("kind", str()).field("name", str())
                    .field("namespace", str()).field("jsonPointers", list(str()))
                    .field("jqPathExpressions", list(str()))))
            .field("revisionHistoryLimit", integer());

    static final Schema GROUP_KIND = obj().req("group", str()).req("kind", str());
    static final Schema DESTINATION = obj().field("server", str()).field("name", str()).field("namespace", str());

    // argoproj.io/v1alpha1 AppProject.
    static final Schema APP_PROJECT_SPEC = obj().field("description", str()).req("sourceRepos", list(str()))
            .req("destinations", list(DESTINATION))
            .field("clusterResourceWhitelist", list(GROUP_KIND)).field("clusterResourceBlacklist", list(GROUP_KIND))
            .field("namespaceResourceWhitelist", list(GROUP_KIND))
            .field("namespaceResourceBlacklist", list(GROUP_KIND))
            .field("orphanedResources", obj().field("warn", bool()).field("ignore", list(any())))
            .field("sourceNamespaces", list(str())).field("roles", list(any()));

    static final Pattern GO_DURATION = Pattern.compile("^([0-9]+(\\.[0-9]+)?(ns|us|ms|s|m|h))+$");
    static final Pattern ELASTIC_8 = Pattern.compile("^8\\.[0-9]+\\.[0-9]+$");

    // cert-manager.io/v1 ClusterIssuer (the ACME issuer with HTTP-01 solvers; other issuer types unchecked).
    static final Schema ACME_SOLVER = obj().field("selector", any())
            .field("http01", obj().field("ingress", obj().field("ingressClassName", str()).field("class", str())
                    .field("name", str()).field("serviceType", oneOf("ClusterIP", "NodePort"))
                    .field("podTemplate", any()).field("ingressTemplate", any())).field("gatewayHTTPRoute", any()))
            .field("dns01", any());
    static final Schema CLUSTER_ISSUER_SPEC = obj()
            .field("acme", obj().req("server", str(Pattern.compile("^https://.+"))).field("email", str())
                    .req("privateKeySecretRef", obj().req("name", str()).field("key", str()))
                    .field("solvers", list(ACME_SOLVER)).field("skipTLSVerify", bool()).field("preferredChain", str())
                    .field("disableAccountKeyGeneration", bool()).field("enableDurationFeature", bool())
                    .field("externalAccountBinding", any()).field("caBundle", str()).field("profile", str()))
            .field("ca", any()).field("selfSigned", any()).field("vault", any()).field("venafi", any());

    // traefik.io/v1alpha1 Middleware: the middleware types we use, typed; the others accepted as objects.
    static final List<String> MIDDLEWARE_TYPES = List.of("addPrefix", "basicAuth", "buffering", "chain",
            "circuitBreaker", "compress", "contentType", "digestAuth", "errors", "forwardAuth", "grpcWeb", "headers",
            "inFlightReq", "ipAllowList", "passTLSClientCert", "plugin", "rateLimit", "redirectRegex",
            "redirectScheme", "replacePath", "replacePathRegex", "retry", "stripPrefix", "stripPrefixRegex");
    static final Schema MIDDLEWARE_SPEC;

    static {
        Obj spec = obj();
        MIDDLEWARE_TYPES.forEach(type -> spec.field(type, any()));
        spec.field("redirectScheme", obj().field("scheme", str()).field("port", str()).field("permanent", bool()));
        spec.field("buffering", obj().field("maxRequestBodyBytes", integer()).field("memRequestBodyBytes", integer())
                .field("maxResponseBodyBytes", integer()).field("memResponseBodyBytes", integer())
                .field("retryExpression", str()));
        spec.field("headers", obj().field("stsSeconds", integer()).field("stsIncludeSubdomains", bool())
                .field("stsPreload", bool()).field("forceSTSHeader", bool()).field("contentTypeNosniff", bool())
                .field("browserXssFilter", bool()).field("frameDeny", bool()).field("referrerPolicy", str())
                .field("contentSecurityPolicy", str()).field("customRequestHeaders", LABELS)
                .field("customResponseHeaders", LABELS));
        spec.field("rateLimit", obj().field("average", integer()).field("burst", integer()).field("period", any())
                .field("sourceCriterion", any()));
        MIDDLEWARE_SPEC = spec;
    }

    // traefik.io/v1alpha1 ServersTransport (HTTP towards the backends).
    static final Schema SERVERS_TRANSPORT_SPEC = obj().field("serverName", str()).field("insecureSkipVerify", bool())
            .field("rootCAsSecrets", list(str())).field("rootCAs", list(any())).field("certificatesSecrets", list(str()))
            .field("maxIdleConnsPerHost", integer()).field("disableHTTP2", bool()).field("peerCertURI", str())
            .field("spiffe", any())
            .field("forwardingTimeouts", obj().field("dialTimeout", str(GO_DURATION))
                    .field("responseHeaderTimeout", str(GO_DURATION)).field("idleConnTimeout", str(GO_DURATION))
                    .field("readIdleTimeout", str(GO_DURATION)).field("pingTimeout", str(GO_DURATION)));

    // elasticsearch.k8s.elastic.co/v1 Elasticsearch (ECK); podTemplate is a partial PodTemplateSpec, checked by rules.
    static final Schema CLAIM_TEMPLATE = obj().req("metadata", obj().req("name", str()).field("labels", LABELS)
                    .field("annotations", LABELS))
            .req("spec", obj().field("storageClassName", str()).req("accessModes", list(str()))
                    .req("resources", obj().req("requests", obj().req("storage", str()))));
    static final Schema ELASTICSEARCH_SPEC = obj().req("version", str(ELASTIC_8)).field("image", str())
            .req("nodeSets", list(obj().req("name", str()).req("count", integer()).field("config", any())
                    .field("podTemplate", any()).field("volumeClaimTemplates", list(CLAIM_TEMPLATE))))
            .field("http", any()).field("transport", any()).field("auth", any()).field("secureSettings", any())
            .field("updateStrategy", any()).field("podDisruptionBudget", any()).field("monitoring", any())
            .field("volumeClaimDeletePolicy", oneOf("DeleteOnScaledownOnly", "DeleteOnScaledownAndClusterDeletion"));

    // kibana.k8s.elastic.co/v1 Kibana (ECK).
    static final Schema KIBANA_SPEC = obj().req("version", str(ELASTIC_8)).field("image", str())
            .field("count", integer()).req("elasticsearchRef", obj().req("name", str()).field("namespace", str())
                    .field("serviceName", str()))
            .field("config", any()).field("http", any()).field("podTemplate", any()).field("secureSettings", any())
            .field("monitoring", any());

    static final Map<String, Schema> SPECS = Map.of(
            "monitoring.coreos.com/v1 ServiceMonitor", SERVICE_MONITOR_SPEC,
            "monitoring.coreos.com/v1 PrometheusRule", PROMETHEUS_RULE_SPEC,
            "bitnami.com/v1alpha1 SealedSecret", SEALED_SECRET_SPEC,
            "argoproj.io/v1alpha1 Application", APPLICATION_SPEC,
            "argoproj.io/v1alpha1 AppProject", APP_PROJECT_SPEC,
            "cert-manager.io/v1 ClusterIssuer", CLUSTER_ISSUER_SPEC,
            "traefik.io/v1alpha1 Middleware", MIDDLEWARE_SPEC,
            "traefik.io/v1alpha1 ServersTransport", SERVERS_TRANSPORT_SPEC,
            "elasticsearch.k8s.elastic.co/v1 Elasticsearch", ELASTICSEARCH_SPEC,
            "kibana.k8s.elastic.co/v1 Kibana", KIBANA_SPEC);

    private static final Map<String, BiConsumer<Map<String, Object>, List<String>>> SEMANTICS = Map.of(
            "ServiceMonitor", CrdRules::serviceMonitorRules,
            "PrometheusRule", CrdRules::prometheusRuleRules,
            "SealedSecret", CrdRules::sealedSecretRules,
            "Application", CrdRules::applicationRules,
            "AppProject", CrdRules::appProjectRules,
            "ClusterIssuer", CrdRules::clusterIssuerRules,
            "Middleware", CrdRules::middlewareRules,
            "ServersTransport", (o, out) -> { },
            "Elasticsearch", CrdRules::elasticsearchRules,
            "Kibana", CrdRules::kibanaRules);

    private CrdRules() {
    }

    /** Schema and controller rules for one custom resource; {@code all} is its render, for cross references. */
    static List<String> validate(Map<String, Object> obj, List<Map<String, Object>> all) {
        List<String> out = new ArrayList<>();
        String key = obj.get("apiVersion") + " " + obj.get("kind");
        Schema spec = SPECS.get(key);
        if (spec == null) {
            out.add("no schema for custom resource " + key);
            return out;
        }
        obj().req("apiVersion", str()).req("kind", str()).req("metadata", METADATA).req("spec", spec)
                .check(String.valueOf(obj.get("kind")), obj, out);
        if (out.isEmpty()) {
            SEMANTICS.get(String.valueOf(obj.get("kind"))).accept(obj, out);
            if ("Application".equals(obj.get("kind"))) {
                applicationInProject(obj, all, out);
            }
            if ("Kibana".equals(obj.get("kind"))) {
                kibanaMatchesElasticsearch(obj, all, out);
            }
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> maps(Object list) {
        return list == null ? List.of() : (List<Map<String, Object>>) list;
    }

    static void serviceMonitorRules(Map<String, Object> sm, List<String> out) {
        for (Map<String, Object> ep : maps(Yq.get(sm, "spec.endpoints"))) {
            if (ep.containsKey("port") == ep.containsKey("targetPort")) {
                out.add("ServiceMonitor endpoint needs exactly one of port or targetPort: " + ep);
            }
        }
    }

    static void prometheusRuleRules(Map<String, Object> rule, List<String> out) {
        for (Map<String, Object> group : maps(Yq.get(rule, "spec.groups"))) {
            for (Map<String, Object> r : maps(group.get("rules"))) {
                if (r.containsKey("alert") == r.containsKey("record")) {
                    out.add("rule needs exactly one of alert or record: " + r);
                }
                if (r.containsKey("record") && (r.containsKey("for") || r.containsKey("annotations"))) {
                    out.add("recording rule with alert-only fields: " + r);
                }
            }
        }
    }

    static void sealedSecretRules(Map<String, Object> s, List<String> out) {
        // Strict scope (kubeseal's default): the ciphertext is bound to this exact name and namespace.
        Object name = Yq.get(s, "metadata.name");
        Object templateName = Yq.get(s, "spec.template.metadata.name");
        if (templateName != null && !templateName.equals(name)) {
            out.add("SealedSecret template name " + templateName + " differs from " + name);
        }
        Object ns = Yq.get(s, "metadata.namespace");
        Object templateNs = Yq.get(s, "spec.template.metadata.namespace");
        if (ns == null) {
            out.add("SealedSecret needs metadata.namespace (strict scope binds the ciphertext to it)");
        } else if (templateNs != null && !templateNs.equals(ns)) {
            out.add("SealedSecret template namespace " + templateNs + " differs from " + ns);
        }
        Object data = Yq.get(s, "spec.encryptedData");
        if (data instanceof Map<?, ?> m) {
            if (m.isEmpty()) {
                out.add("SealedSecret has no encryptedData");
            }
            m.forEach((k, v) -> {
                try {
                    if (Base64.getDecoder().decode(String.valueOf(v)).length == 0) {
                        out.add("empty encryptedData " + k);
                    }
                } catch (IllegalArgumentException e) {
                    out.add("encryptedData " + k + " is not base64");
                }
            });
        }
    }

    static void applicationRules(Map<String, Object> app, List<String> out) {
        boolean single = Yq.get(app, "spec.source") != null;
        boolean multi = Yq.get(app, "spec.sources") != null;
        if (single == multi) {
            out.add("Application needs exactly one of spec.source or spec.sources");
        }
        Object dest = Yq.get(app, "spec.destination");
        if (dest instanceof Map<?, ?> d && d.containsKey("server") == d.containsKey("name")) {
            out.add("Application destination needs exactly one of server or name");
        }
        List<Map<String, Object>> sources = multi ? maps(Yq.get(app, "spec.sources"))
                : single ? List.of((Map<String, Object>) castMap(Yq.get(app, "spec.source"))) : List.of();
        for (Map<String, Object> src : sources) {
            Object chart = src.get("chart");
            Object rev = src.get("targetRevision");
            // Exact versions only (jetstack's charts are versioned with a leading "v").
            if (chart != null && (rev == null || !String.valueOf(rev).matches("^v?[0-9]+\\.[0-9]+\\.[0-9]+$"))) {
                out.add("Helm chart " + chart + " must pin an exact version, got " + rev);
            }
            if (chart == null && src.get("path") == null && src.get("ref") == null) {
                out.add("source needs chart, path or ref: " + src);
            }
            if (rev != null && List.of("HEAD", "*", "latest").contains(String.valueOf(rev))) {
                out.add("floating targetRevision " + rev);
            }
        }
        // A failed sync (a CRD or webhook of an earlier wave not served yet) is retried, not left failed.
        Object retry = Yq.get(app, "spec.syncPolicy.retry");
        if (!(retry instanceof Map<?, ?> r) || !(r.get("limit") instanceof Integer limit) || limit < 1
                || !(r.get("backoff") instanceof Map)) {
            out.add("Application " + Yq.get(app, "metadata.name") + " has no syncPolicy.retry with limit and backoff");
        }
    }

    static void clusterIssuerRules(Map<String, Object> issuer, List<String> out) {
        Map<?, ?> spec = (Map<?, ?>) issuer.get("spec");
        long types = List.of("acme", "ca", "selfSigned", "vault", "venafi").stream().filter(spec::containsKey).count();
        if (types != 1) {
            out.add("ClusterIssuer needs exactly one issuer type, has " + spec.keySet());
        }
        Object email = Yq.get(issuer, "spec.acme.email");
        if (spec.containsKey("acme") && (!(email instanceof String e) || !e.contains("@"))) {
            out.add("ACME ClusterIssuer needs an email for expiry notices, got " + email);
        }
        if (spec.containsKey("acme") && maps(Yq.get(issuer, "spec.acme.solvers")).isEmpty()) {
            out.add("ACME ClusterIssuer has no solvers: no certificate can be issued");
        }
        for (Map<String, Object> solver : maps(Yq.get(issuer, "spec.acme.solvers"))) {
            Object ingress = Yq.get(solver, "http01.ingress");
            if (ingress instanceof Map<?, ?> i
                    && List.of("ingressClassName", "class", "name").stream().filter(i::containsKey).count() != 1) {
                out.add("HTTP-01 solver needs exactly one of ingressClassName, class or name: " + i);
            }
        }
    }

    static void middlewareRules(Map<String, Object> mw, List<String> out) {
        Map<?, ?> spec = (Map<?, ?>) mw.get("spec");
        if (spec.size() != 1) {
            out.add("Middleware " + Yq.get(mw, "metadata.name") + " needs exactly one middleware type, has "
                    + spec.keySet());
        }
        Object scheme = Yq.get(mw, "spec.redirectScheme.scheme");
        if (spec.containsKey("redirectScheme") && !"https".equals(scheme)) {
            out.add("redirectScheme must redirect to https, got " + scheme);
        }
    }

    /** Every ECK node set and Kibana sets container resources (the operator's defaults are sized for no one). */
    static void requestsSet(String what, Object podTemplate, String container, List<String> out) {
        Map<String, Object> c = maps(Yq.get(podTemplate, "spec.containers")).stream()
                .filter(x -> container.equals(x.get("name"))).findFirst().orElse(null);
        if (c == null || Yq.get(c, "resources.requests.memory") == null || Yq.get(c, "resources.limits.memory") == null) {
            out.add(what + ": container " + container + " needs resources.requests and limits.memory");
        }
    }

    static void elasticsearchRules(Map<String, Object> es, List<String> out) {
        for (Map<String, Object> set : maps(Yq.get(es, "spec.nodeSets"))) {
            String what = "Elasticsearch nodeSet " + set.get("name");
            requestsSet(what, set.get("podTemplate"), "elasticsearch", out);
            List<Map<String, Object>> claims = maps(set.get("volumeClaimTemplates"));
            // Under any other name ECK adds its default data claim (1Gi of the default class) beside it.
            if (claims.stream().noneMatch(c -> "elasticsearch-data".equals(Yq.get(c, "metadata.name")))) {
                out.add(what + " needs a volumeClaimTemplate named elasticsearch-data");
            }
            claims.forEach(c -> {
                if (Yq.get(c, "spec.storageClassName") == null) {
                    out.add(what + " claim " + Yq.get(c, "metadata.name") + " names no storageClassName");
                }
            });
        }
    }

    static void kibanaRules(Map<String, Object> kb, List<String> out) {
        requestsSet("Kibana " + Yq.get(kb, "metadata.name"), Yq.get(kb, "spec.podTemplate"), "kibana", out);
    }

    /** Kibana runs the version of the Elasticsearch it names, which must be in the same render. */
    static void kibanaMatchesElasticsearch(Map<String, Object> kb, List<Map<String, Object>> all, List<String> out) {
        Object ref = Yq.get(kb, "spec.elasticsearchRef.name");
        Map<String, Object> es = all.stream().filter(o -> "Elasticsearch".equals(o.get("kind")))
                .filter(o -> ref != null && ref.equals(Yq.get(o, "metadata.name"))).findFirst().orElse(null);
        if (es == null) {
            out.add("Kibana " + Yq.get(kb, "metadata.name") + " names unknown Elasticsearch " + ref);
        } else if (!Yq.get(es, "spec.version").equals(Yq.get(kb, "spec.version"))) {
            out.add("Kibana version " + Yq.get(kb, "spec.version") + " differs from Elasticsearch "
                    + Yq.get(es, "spec.version"));
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> castMap(Object o) {
        return (Map<String, Object>) o;
    }

    static void appProjectRules(Map<String, Object> p, List<String> out) {
        for (Object repo : (List<?>) Yq.get(p, "spec.sourceRepos")) {
            if (String.valueOf(repo).contains("*")) {
                out.add("AppProject " + Yq.get(p, "metadata.name") + " allows any source repository: " + repo);
            }
        }
        for (Map<String, Object> d : maps(Yq.get(p, "spec.destinations"))) {
            if ("*".equals(d.get("namespace")) || "*".equals(d.get("server"))) {
                out.add("AppProject " + Yq.get(p, "metadata.name") + " allows any destination: " + d);
            }
        }
    }

    /** An Application's sources and destination must be allowed by its AppProject (when shipped in the same render). */
    static void applicationInProject(Map<String, Object> app, List<Map<String, Object>> all, List<String> out) {
        String project = String.valueOf(Yq.get(app, "spec.project"));
        if ("default".equals(project)) {
            return;
        }
        Map<String, Object> proj = all.stream().filter(o -> "AppProject".equals(o.get("kind")))
                .filter(o -> project.equals(Yq.get(o, "metadata.name"))).findFirst().orElse(null);
        if (proj == null) {
            out.add("Application " + Yq.get(app, "metadata.name") + " uses unknown project " + project);
            return;
        }
        List<?> repos = (List<?>) Yq.get(proj, "spec.sourceRepos");
        List<Map<String, Object>> sources = Yq.get(app, "spec.sources") != null ? maps(Yq.get(app, "spec.sources"))
                : List.of(castMap(Yq.get(app, "spec.source")));
        for (Map<String, Object> src : sources) {
            if (!repos.contains(src.get("repoURL"))) {
                out.add("Application " + Yq.get(app, "metadata.name") + " source " + src.get("repoURL")
                        + " not in project " + project);
            }
        }
        Object ns = Yq.get(app, "spec.destination.namespace");
        boolean allowed = maps(Yq.get(proj, "spec.destinations")).stream()
                .anyMatch(d -> d.get("namespace").equals(ns)
                        && d.get("server").equals(Yq.get(app, "spec.destination.server")));
        if (!allowed) {
            out.add("Application " + Yq.get(app, "metadata.name") + " destination " + ns + " not in project " + project);
        }
    }
}
