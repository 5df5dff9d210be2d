package io.crm.checks.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.crm.checks.Scratch;
import io.crm.checks.Yamls;

/** Every rendered object is valid: built-in kinds against the Kubernetes models, CRDs against their schemas. */
class ManifestSchemaTest {

    @Test
    void everyRenderedObjectIsStrictlyValid() {
        List<String> problems = new ArrayList<>();
        int builtIn = 0;
        int custom = 0;
        for (var render : Rendering.all().values()) {
            assertThat(render.objects()).as(render.source()).isNotEmpty();
            for (Map<String, Object> obj : render.objects()) {
                List<String> p;
                if (KubeSchema.isCustomResource(obj)) {
                    custom++;
                    p = CrdRules.validate(obj, render.objects());
                } else {
                    builtIn++;
                    p = KubeSchema.validate(obj);
                }
                p.forEach(msg -> problems.add(render.source() + " " + Rendering.describe(obj) + ": " + msg));
            }
        }
        assertThat(problems).isEmpty();
        assertThat(builtIn).isGreaterThan(100);
        assertThat(custom).as("ServiceMonitor, PrometheusRule, SealedSecret, Applications, AppProjects, "
                + "ClusterIssuer, Middlewares, ServersTransport, Elasticsearch, Kibana").isGreaterThanOrEqualTo(30);
    }

    static Map<String, Object> deployment() {
        return Rendering.all().get("kustomize:kustomize/overlays/prod").objects().stream()
                .filter(o -> "Deployment".equals(o.get("kind"))).findFirst().map(ManifestSchemaTest::copy).orElseThrow();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> container(Map<String, Object> deployment) {
        return (Map<String, Object>) Yq.get(deployment, "spec.template.spec.containers.0");
    }

    @Test
    void realDeploymentIsValidAndPlantedUnknownFieldFails() {
        assertThat(KubeSchema.validate(deployment())).isEmpty();
        Map<String, Object> d = deployment();
        container(d).put("imagePullPolicyy", "Always");
        assertThat(KubeSchema.validate(d)).singleElement().asString().contains("imagePullPolicyy");
    }

    @Test
    @SuppressWarnings("unchecked")
    void plantedUnknownFieldDeepInsideFails() {
        Map<String, Object> d = deployment();
        ((Map<String, Object>) Yq.get(d, "spec.template.spec.containers.0.readinessProbe.httpGet")).put("host2", "x");
        assertThat(KubeSchema.validate(d)).singleElement().asString().contains("host2");
    }

    @Test
    @SuppressWarnings("unchecked")
    void plantedQuotedNumberFailsTheRoundTrip() {
        Map<String, Object> d = deployment();
        ((Map<String, Object>) Yq.get(d, "spec.template.spec.containers.0.ports.0")).put("containerPort", "5000");
        assertThat(KubeSchema.validate(d)).singleElement().asString().contains("containerPort");
    }

    @Test
    void plantedMissingRequiredFieldFails() {
        Map<String, Object> d = deployment();
        container(d).remove("name");
        assertThat(KubeSchema.validate(d)).isNotEmpty().anySatisfy(m -> assertThat(m).contains("name"));
    }

    @Test
    void plantedUnknownKindFails() {
        Map<String, Object> d = deployment();
        d.put("kind", "Deploymnet");
        assertThat(KubeSchema.validate(d)).singleElement().asString().contains("unknown");
    }

    static List<Map<String, Object>> prodHelm() {
        return Rendering.all().get("helm:values-prod.yaml").objects();
    }

    @Test
    void plantedServiceMonitorErrorsFail() {
        Map<String, Object> sm = copy(KustomizeTest.find(prodHelm(), "ServiceMonitor", "crm-app"));
        assertThat(CrdRules.validate(sm, List.of())).isEmpty();
        castMap(Yq.get(sm, "spec.endpoints.0")).put("interval", "30 seconds");
        castMap(sm.get("spec")).remove("selector");
        castMap(sm.get("spec")).put("endpoint", List.of());
        assertThat(String.join("\n", CrdRules.validate(sm, List.of())))
                .contains("interval").contains("missing required field selector").contains("unknown field endpoint");
    }

    @Test
    void plantedPrometheusRuleErrorFails() {
        Map<String, Object> rule = copy(KustomizeTest.find(prodHelm(), "PrometheusRule", "crm-alerts"));
        assertThat(CrdRules.validate(rule, List.of())).isEmpty();
        castMap(Yq.get(rule, "spec.groups.0.rules.0")).put("record", "crm:errors:ratio");
        assertThat(CrdRules.validate(rule, List.of())).anySatisfy(m -> assertThat(m).contains("exactly one of alert or record"));
    }

    @Test
    void plantedSealedSecretErrorsFail() {
        var objs = Rendering.all().get("kustomize:sealed-secrets/crm").objects();
        Map<String, Object> s = copy(KustomizeTest.find(objs, "SealedSecret", "crm-credentials"));
        assertThat(CrdRules.validate(s, objs)).isEmpty();
        castMap(Yq.get(s, "spec.encryptedData")).put("mongodb-app-password", "not base64!");
        assertThat(CrdRules.validate(s, objs)).singleElement().asString().contains("mongodb-app-password");
        Map<String, Object> renamed = copy(KustomizeTest.find(objs, "SealedSecret", "crm-credentials"));
        castMap(Yq.get(renamed, "spec.template.metadata")).put("name", "other");
        assertThat(CrdRules.validate(renamed, objs)).singleElement().asString().contains("differs");
    }

    @Test
    void plantedApplicationErrorsFail() {
        var objs = Rendering.all().get("kustomize:argocd").objects();
        Map<String, Object> app = copy(KustomizeTest.find(objs, "Application", "traefik"));
        assertThat(CrdRules.validate(app, objs)).isEmpty();
        castMap(Yq.get(app, "spec.sources.0")).put("targetRevision", "4.*");
        castMap(Yq.get(app, "spec.destination")).put("namespace", "default");
        assertThat(String.join("\n", CrdRules.validate(app, objs)))
                .contains("must pin an exact version").contains("destination default not in project");
        Map<String, Object> crm = copy(KustomizeTest.find(objs, "Application", "crm"));
        castMap(Yq.get(crm, "spec.source")).put("repoURL", "https://github.com/someone-else/fork.git");
        assertThat(String.join("\n", CrdRules.validate(crm, objs))).contains("not in project crm");
        castMap(Yq.get(crm, "spec.syncPolicy")).remove("retry");
        assertThat(String.join("\n", CrdRules.validate(crm, objs))).contains("crm has no syncPolicy.retry");
        Map<String, Object> project = copy(KustomizeTest.find(objs, "AppProject", "crm"));
        ((List<Object>) castMap(project.get("spec")).get("sourceRepos")).add("*");
        assertThat(CrdRules.validate(project, objs)).singleElement().asString().contains("any source repository");
    }

    @Test
    void plantedIssuerMiddlewareAndTransportErrorsFail() {
        var issuers = Rendering.all().get("kustomize:cert-manager").objects();
        Map<String, Object> issuer = copy(KustomizeTest.find(issuers, "ClusterIssuer", "letsencrypt-prod"));
        assertThat(CrdRules.validate(issuer, issuers)).isEmpty();
        castMap(Yq.get(issuer, "spec.acme.solvers.0.http01.ingress")).put("class", "traefik");
        castMap(Yq.get(issuer, "spec.acme")).remove("email");
        assertThat(String.join("\n", CrdRules.validate(issuer, issuers)))
                .contains("exactly one of ingressClassName, class or name").contains("needs an email");

        Map<String, Object> redirect = copy(KustomizeTest.find(prodHelm(), "Middleware", "crm-app-https-redirect"));
        assertThat(CrdRules.validate(redirect, prodHelm())).isEmpty();
        castMap(Yq.get(redirect, "spec.redirectScheme")).put("scheme", "http");
        castMap(redirect.get("spec")).put("buffering", Map.of("maxRequestBodyBytes", "10m"));
        assertThat(String.join("\n", CrdRules.validate(redirect, prodHelm())))
                .contains("maxRequestBodyBytes: expected integer");
        castMap(redirect.get("spec")).remove("buffering");
        assertThat(String.join("\n", CrdRules.validate(redirect, prodHelm()))).contains("must redirect to https");

        Map<String, Object> transport = copy(KustomizeTest.find(prodHelm(), "ServersTransport", "crm-app"));
        assertThat(CrdRules.validate(transport, prodHelm())).isEmpty();
        castMap(Yq.get(transport, "spec.forwardingTimeouts")).put("dialTimeout", "5 seconds");
        assertThat(CrdRules.validate(transport, prodHelm())).singleElement().asString().contains("dialTimeout");
    }

    @Test
    void plantedElasticsearchAndKibanaErrorsFail() {
        var objs = Rendering.all().get("kustomize:logging").objects();
        Map<String, Object> es = copy(KustomizeTest.find(objs, "Elasticsearch", "logs"));
        Map<String, Object> kb = copy(KustomizeTest.find(objs, "Kibana", "logs"));
        assertThat(CrdRules.validate(es, objs)).isEmpty();
        assertThat(CrdRules.validate(kb, objs)).isEmpty();
        castMap(Yq.get(es, "spec.nodeSets.0.volumeClaimTemplates.0.metadata")).put("name", "data");
        castMap(Yq.get(es, "spec.nodeSets.0.podTemplate.spec.containers.0")).remove("resources");
        assertThat(String.join("\n", CrdRules.validate(es, objs)))
                .contains("volumeClaimTemplate named elasticsearch-data").contains("needs resources");
        castMap(es.get("spec")).put("version", "7.17.0");
        assertThat(String.join("\n", CrdRules.validate(es, objs))).contains("version: expected string matching");
        castMap(kb.get("spec")).put("version", "8.0.0");
        assertThat(CrdRules.validate(kb, objs)).singleElement().asString().contains("differs from Elasticsearch");
        castMap(Yq.get(kb, "spec.elasticsearchRef")).put("name", "other");
        assertThat(CrdRules.validate(kb, objs)).singleElement().asString().contains("unknown Elasticsearch other");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> castMap(Object o) {
        return (Map<String, Object>) o;
    }

    /** Deep, mutable copy through a YAML round trip. */
    static Map<String, Object> copy(Map<String, Object> obj) {
        return Yamls.parseAll(Yamls.yaml().dump(obj)).get(0);
    }
}
