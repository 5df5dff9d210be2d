package io.crm.checks.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.marcnuri.helm.Helm;
import io.kubernetes.client.openapi.models.V1LabelSelector;
import io.kubernetes.client.openapi.models.V1NetworkPolicy;
import io.kubernetes.client.openapi.models.V1NetworkPolicyEgressRule;
import io.kubernetes.client.openapi.models.V1NetworkPolicyIngressRule;
import io.kubernetes.client.openapi.models.V1NetworkPolicyPeer;
import io.kubernetes.client.openapi.models.V1NetworkPolicyPort;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.crm.checks.Scratch;

/**
 * The chart's scheduled restore test (restoreTest.*, off by default), rendered with ci/restore-test-values.yaml: the
 * CronJob's wiring (the backup job's bucket, prefix, region and IRSA service account), its network (S3/STS over 443
 * and DNS out, nothing in, never the live MongoDB) and the schema. Schema validity, the CEL policy and yamllint of
 * this render run with every other render (ManifestSchemaTest, PolicyTest, YamllintTest); the embedded scripts are
 * shellchecked and run against stand-ins in EmbeddedScriptsTest.
 */
class RestoreTestChartTest {

    static final String SOURCE = "helm:ci/restore-test-values.yaml";
    static final String CRON_JOB = "crm-mongodb-restore-test";
    static final String POD = "spec.jobTemplate.spec.template";

    static List<Map<String, Object>> rendered() {
        return Rendering.all().get(SOURCE).objects();
    }

    @Test
    void offByDefaultAndInEveryEnvironmentFile() {
        for (String source : List.of("helm:defaults", "helm:values-dev.yaml", "helm:values-prod.yaml")) {
            List<Map<String, Object>> objs = Rendering.all().get(source).objects();
            assertThat(objs).as(source).noneMatch(o -> String.valueOf(Yq.get(o, "metadata.name")).contains("restore"));
        }
    }

    @Test
    void runsWithTheBackupJobsBucketAndServiceAccount() {
        var objs = rendered();
        Map<String, Object> test = KustomizeTest.find(objs, "CronJob", CRON_JOB);
        Map<String, Object> backup = KustomizeTest.find(objs, "CronJob", "crm-mongodb-backup");
        assertThat(Yq.get(test, "spec.schedule")).isEqualTo("47 4 * * *");
        assertThat(Yq.get(test, "spec.concurrencyPolicy")).isEqualTo("Forbid");
        assertThat(Yq.get(test, POD + ".spec.serviceAccountName"))
                .isEqualTo(Yq.get(backup, POD + ".spec.serviceAccountName")).isEqualTo("crm-backup");
        assertThat(Yq.get(test, POD + ".spec.automountServiceAccountToken")).isEqualTo(false);
        assertThat(Yq.get(test, POD + ".metadata.labels.app\\.kubernetes\\.io/component")).isEqualTo("restore-test");
        for (String env : List.of("BACKUP_BUCKET", "BACKUP_PREFIX", "AWS_REGION")) {
            assertThat(env(test, "initContainers.0", env)).as(env).isEqualTo(env(backup, "containers.0", env));
        }
        assertThat(env(test, "initContainers.0", "MAX_BACKUP_AGE_HOURS")).isEqualTo("26");
        assertThat(Yq.get(test, POD + ".spec.containers.0.image"))
                .isEqualTo(Yq.get(backup, POD + ".spec.initContainers.0.image")).isEqualTo("mongo:7.0.20");
        assertThat(Yq.get(test, POD + ".spec.volumes.0.emptyDir.sizeLimit")).isEqualTo("4Gi");
        assertThat(Yq.get(test, POD + ".spec.containers.0.resources.requests.ephemeral-storage")).isEqualTo("4Gi");
    }

    static Object env(Map<String, Object> cronJob, String container, String name) {
        for (Map<String, Object> e : CrdRules.maps(Yq.get(cronJob, POD + ".spec." + container + ".env"))) {
            if (name.equals(e.get("name"))) {
                return e.get("value");
            }
        }
        throw new AssertionError("no env " + name + " in " + container);
    }

    @Test
    void refusedWithoutBackupsAndWithWrongTypes() {
        Path chart = ClusterFiles.chart();
        assertThatThrownBy(() -> new Helm(chart).template().withName("crm").withKubeVersion(Rendering.KUBE_VERSION).set("restoreTest.enabled", "true").call())
                .hasMessageContaining("restoreTest.enabled needs backup.enabled");
        assertThatThrownBy(() -> new Helm(chart).template().withName("crm").withKubeVersion(Rendering.KUBE_VERSION).set("restoreTest.scratchSize", "lots")
                .call()).hasMessageContaining("scratchSize");
        assertThatThrownBy(() -> new Helm(chart).template().withName("crm").withKubeVersion(Rendering.KUBE_VERSION)
                .set("restoreTest.maxBackupAgeHours", "0").call()).hasMessageContaining("maxBackupAgeHours");
    }

    static Map<String, String> podLabels(List<Map<String, Object>> objs, String kind, String name, String template) {
        @SuppressWarnings("unchecked")
        Map<String, String> labels = (Map<String, String>) Yq.get(KustomizeTest.find(objs, kind, name),
                template + ".metadata.labels");
        return labels;
    }

    /** Everything wrong with the network of the restore-test pods in one render. */
    static List<String> networkProblems(List<Map<String, Object>> objs) {
        List<String> out = new ArrayList<>();
        Map<String, String> pod = podLabels(objs, "CronJob", CRON_JOB, POD);
        Map<String, String> mongo = podLabels(objs, "StatefulSet", "crm-mongodb", "spec.template");
        boolean ingressIsolated = false;
        boolean egressIsolated = false;
        boolean https = false;
        for (Map<String, Object> o : ExposureTest.ofKind(objs, "NetworkPolicy")) {
            V1NetworkPolicy np = ExposureTest.model(o, V1NetworkPolicy.class);
            String name = np.getMetadata().getName();
            if (ExposureTest.selects(np.getSpec().getPodSelector(), pod)) {
                List<String> types = ExposureTest.nullToEmpty(np.getSpec().getPolicyTypes());
                ingressIsolated |= types.isEmpty() || types.contains("Ingress");
                egressIsolated |= types.contains("Egress");
                if (!ExposureTest.nullToEmpty(np.getSpec().getIngress()).isEmpty()) {
                    out.add("NetworkPolicy " + name + " admits connections to the restore-test pods");
                }
                for (V1NetworkPolicyEgressRule rule : ExposureTest.nullToEmpty(np.getSpec().getEgress())) {
                    List<V1NetworkPolicyPort> ports = ExposureTest.nullToEmpty(rule.getPorts());
                    if (ports.isEmpty()) {
                        out.add("NetworkPolicy " + name + " lets the restore-test pods out on every port");
                    }
                    for (V1NetworkPolicyPort p : ports) {
                        Integer port = p.getPort() == null || !p.getPort().isInteger() ? null : p.getPort().getIntValue();
                        if (port != null && port == 443 && p.getEndPort() == null) {
                            https = true;
                        } else if (port != null && port == 53 && p.getEndPort() == null && toKubeDnsOnly(rule)) {
                            continue;
                        } else {
                            out.add("NetworkPolicy " + name + " lets the restore-test pods out on port "
                                    + (port == null ? p.getPort() : port) + (p.getEndPort() == null ? "" : "-" + p.getEndPort()));
                        }
                    }
                }
            }
            if (ExposureTest.selects(np.getSpec().getPodSelector(), mongo)) {
                for (V1NetworkPolicyIngressRule rule : ExposureTest.nullToEmpty(np.getSpec().getIngress())) {
                    List<V1NetworkPolicyPeer> from = ExposureTest.nullToEmpty(rule.getFrom());
                    boolean admitted = from.isEmpty() || from.stream().anyMatch(peer -> peer.getIpBlock() == null
                            && peer.getNamespaceSelector() == null && selects(peer.getPodSelector(), pod));
                    if (admitted) {
                        out.add("NetworkPolicy " + name + " admits the restore-test pods to the live MongoDB");
                    }
                }
            }
        }
        if (!ingressIsolated) {
            out.add("no NetworkPolicy isolates the restore-test pods for ingress");
        }
        if (!egressIsolated) {
            out.add("no NetworkPolicy isolates the restore-test pods for egress");
        }
        if (!https) {
            out.add("no NetworkPolicy lets the restore-test pods reach S3 and STS on port 443");
        }
        return out;
    }

    static boolean selects(V1LabelSelector selector, Map<String, String> labels) {
        return selector != null && ExposureTest.selects(selector, labels);
    }

    static boolean toKubeDnsOnly(V1NetworkPolicyEgressRule rule) {
        List<V1NetworkPolicyPeer> to = ExposureTest.nullToEmpty(rule.getTo());
        return !to.isEmpty() && to.stream().allMatch(peer -> peer.getPodSelector() != null
                && "kube-dns".equals(ExposureTest.labels(peer.getPodSelector().getMatchLabels()).get("k8s-app")));
    }

    @Test
    void reachesOnlyS3AndDnsAndNeverTheLiveDatabase() {
        assertThat(networkProblems(rendered())).isEmpty();
    }

    static List<Map<String, Object>> renderPlanted(Path tmp, String from, String to) {
        Path copy = ClusterFiles.copyOfClusterResources(tmp);
        Path chart = copy.resolve("charts/crm");
        Scratch.plant(chart.resolve("templates/networkpolicy.yaml"), from, to);
        return Rendering.renderHelm(chart, chart.resolve("ci/restore-test-values.yaml")).objects();
    }

    @Test
    void plantedPathToTheLiveDatabaseFails(@TempDir Path tmp) {
        var objs = renderPlanted(tmp, """
                        - podSelector:
                            matchLabels:
                              {{- $backup | nindent 14 }}
                """, """
                        - podSelector:
                            matchLabels:
                              {{- $backup | nindent 14 }}
                        - podSelector:
                            matchLabels:
                              {{- $restoreTest | nindent 14 }}
                """);
        assertThat(networkProblems(objs)).containsExactly(
                "NetworkPolicy crm-mongodb admits the restore-test pods to the live MongoDB");
    }

    @Test
    void plantedOpenEgressAndIngressFail(@TempDir Path tmp) {
        var objs = renderPlanted(tmp, """
                    # S3 and STS (IRSA token exchange) over HTTPS.
                    - ports:
                        - port: 443
                          protocol: TCP
                {{- end }}
                ---
                # The helm test pod calls the API port.
                """, """
                    # S3 and STS (IRSA token exchange) over HTTPS.
                    - ports:
                        - port: 443
                          protocol: TCP
                    - ports:
                        - port: 27017
                          protocol: TCP
                  ingress:
                    - {}
                {{- end }}
                ---
                # The helm test pod calls the API port.
                """);
        assertThat(networkProblems(objs)).containsExactlyInAnyOrder(
                "NetworkPolicy crm-restore-test lets the restore-test pods out on port 27017",
                "NetworkPolicy crm-restore-test admits connections to the restore-test pods");
    }

    @Test
    void plantedMissingHttpsEgressFails(@TempDir Path tmp) {
        var objs = renderPlanted(tmp, """
                    # S3 and STS (IRSA token exchange) over HTTPS.
                    - ports:
                        - port: 443
                          protocol: TCP
                {{- end }}
                ---
                # The helm test pod calls the API port.
                """, """
                    # S3 and STS (IRSA token exchange) over HTTPS.
                    - ports:
                        - port: 80
                          protocol: TCP
                {{- end }}
                ---
                # The helm test pod calls the API port.
                """);
        assertThat(networkProblems(objs)).containsExactlyInAnyOrder(
                "NetworkPolicy crm-restore-test lets the restore-test pods out on port 80",
                "no NetworkPolicy lets the restore-test pods reach S3 and STS on port 443");
    }

    @Test
    void plantedRestrictedProfileErrorsFailThePolicy() {
        PolicyTest.loadPolicy();
        Map<String, Object> cron = ManifestSchemaTest.copy(KustomizeTest.find(rendered(), "CronJob", CRON_JOB));
        String restore = POD + ".spec.containers.0";
        PolicyTest.assertViolates(cron, c -> PolicyTest.at(c, restore + ".securityContext")
                .put("readOnlyRootFilesystem", false), "every container has a read-only root filesystem");
        PolicyTest.assertViolates(cron, c -> PolicyTest.at(c, restore + ".resources").remove("limits"),
                "every container sets cpu and memory requests and limits");
        PolicyTest.assertViolates(cron, c -> PolicyTest.at(c, POD + ".spec").put("automountServiceAccountToken", true),
                "no Kubernetes API token is mounted (none of these workloads calls the API)");
    }
}
