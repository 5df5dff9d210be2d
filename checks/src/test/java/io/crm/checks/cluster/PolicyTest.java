package io.crm.checks.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.crm.checks.Scratch;
import io.crm.checks.Yamls;

/** The CEL rules of cluster-resources/policies hold for every workload rendered from this repository. */
class PolicyTest {

    static CelPolicy policy;

    @BeforeAll
    static void loadPolicy() {
        var docs = Yamls.parseAll(Scratch.read(
                ClusterFiles.clusterResources().resolve("policies/crm-workload-policy.yaml")));
        policy = new CelPolicy(docs.stream().filter(d -> "ValidatingAdmissionPolicy".equals(d.get("kind")))
                .findFirst().orElseThrow());
    }

    @Test
    void everyRenderedWorkloadPassesEveryRule() {
        List<String> violations = new ArrayList<>();
        int checked = 0;
        for (var entry : Rendering.allObjects()) {
            Map<String, Object> obj = entry.getValue();
            if (policy.matches(obj)) {
                checked++;
                policy.violations(obj).forEach(v -> violations.add(entry.getKey() + " " + Rendering.describe(obj) + ": " + v));
            }
        }
        assertThat(violations).isEmpty();
        // Deployments, StatefulSets, CronJobs, the logging Job and the helm test Pod of every render.
        assertThat(checked).isGreaterThanOrEqualTo(20);
        assertThat(policy.rules()).hasSizeGreaterThanOrEqualTo(12);
    }

    static Map<String, Object> cronJob() {
        var objs = Rendering.all().get("kustomize:kustomize/overlays/prod").objects();
        return ManifestSchemaTest.copy(KustomizeTest.find(objs, "CronJob", "crm-mongodb-backup"));
    }

    /** The rendered prod Deployment. */
    static Map<String, Object> deployment() {
        var objs = Rendering.all().get("kustomize:kustomize/overlays/prod").objects();
        return ManifestSchemaTest.copy(KustomizeTest.find(objs, "Deployment", "crm-app"));
    }

    @Test
    void plantedImageWithoutTagIsRejected() {
        Map<String, Object> d = ManifestSchemaTest.deployment();
        ManifestSchemaTest.container(d).put("image", "crm-app");
        assertThat(policy.violations(d))
                .containsExactly("every image is pinned by digest or an explicit tag, never latest");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> at(Map<String, Object> obj, String path) {
        return (Map<String, Object>) Yq.get(obj, path);
    }

    static void assertViolates(Map<String, Object> base, Consumer<Map<String, Object>> plant, String message) {
        assertThat(policy.violations(base)).as("unplanted copy").isEmpty();
        Map<String, Object> broken = ManifestSchemaTest.copy(base);
        plant.accept(broken);
        assertThat(policy.violations(broken)).as("planted: " + message).contains(message);
    }

    static final String C0 = "spec.template.spec.containers.0";

    @Test
    void plantedLatestAndUntaggedImagesFail() {
        String msg = "every image is pinned by digest or an explicit tag, never latest";
        assertViolates(deployment(), d -> at(d, C0).put("image", "crm-app:latest"), msg);
        assertViolates(deployment(), d -> at(d, C0).put("image", "registry.local:5000/crm-app"), msg);
        assertViolates(cronJob(), c -> at(c, "spec.jobTemplate.spec.template.spec.initContainers.0")
                .put("image", "mongo"), msg);
    }

    @Test
    void plantedMissingLimitsFail() {
        assertViolates(deployment(), d -> at(d, C0 + ".resources").remove("limits"),
                "every container sets cpu and memory requests and limits");
        assertViolates(cronJob(), c -> at(c, "spec.jobTemplate.spec.template.spec.containers.0.resources.limits")
                .remove("memory"), "every container sets cpu and memory requests and limits");
    }

    @Test
    void plantedMissingProbeAndShortTimeoutFail() {
        assertViolates(deployment(), d -> at(d, C0).remove("readinessProbe"),
                "every long-running container has liveness and readiness probes");
        assertViolates(deployment(), d -> at(d, C0 + ".livenessProbe").put("timeoutSeconds", 1),
                "probe timeouts are at least 2 seconds (a busy JVM or mongosh must not fail its probe)");
    }

    @Test
    void plantedRootUserFails() {
        assertViolates(deployment(), d -> {
            at(d, "spec.template.spec.securityContext").remove("runAsNonRoot");
            at(d, C0 + ".securityContext").remove("runAsNonRoot");
        }, "pods run as non-root (runAsNonRoot true)");
        assertViolates(deployment(), d -> at(d, C0 + ".securityContext").put("runAsUser", 0),
                "no container runs as uid 0");
    }

    @Test
    void plantedWritableRootFilesystemFails() {
        assertViolates(deployment(), d -> at(d, C0 + ".securityContext").put("readOnlyRootFilesystem", false),
                "every container has a read-only root filesystem");
    }

    @Test
    void plantedHostAccessFails() {
        String hostMsg = "no host network, PID, IPC namespaces or host ports";
        assertViolates(deployment(), d -> at(d, "spec.template.spec").put("hostNetwork", true), hostMsg);
        assertViolates(deployment(), d -> at(d, C0 + ".ports.0").put("hostPort", 5000), hostMsg);
        assertViolates(deployment(), d -> {
            @SuppressWarnings("unchecked")
            List<Object> volumes = (List<Object>) Yq.get(d, "spec.template.spec.volumes");
            volumes.add(Map.of("name", "host", "hostPath", Map.of("path", "/var/run")));
        }, "only the volume types of the restricted profile (no hostPath)");
    }

    @Test
    void plantedPrivilegeFails() {
        String msg = "no privilege escalation, not privileged, all capabilities dropped";
        assertViolates(deployment(), d -> at(d, C0 + ".securityContext").put("allowPrivilegeEscalation", true), msg);
        assertViolates(deployment(), d -> at(d, C0 + ".securityContext").put("privileged", true), msg);
        assertViolates(deployment(), d -> at(d, C0 + ".securityContext.capabilities")
                .put("add", List.of("NET_ADMIN")), msg);
        assertViolates(deployment(), d -> at(d, C0 + ".securityContext.capabilities")
                .put("drop", List.of("NET_RAW")), msg);
    }

    @Test
    void plantedSeccompAndTokenErrorsFail() {
        assertViolates(deployment(), d -> at(d, C0 + ".securityContext.seccompProfile").put("type", "Unconfined"),
                "seccomp profile RuntimeDefault or Localhost");
        assertViolates(deployment(), d -> at(d, "spec.template.spec").put("automountServiceAccountToken", true),
                "no Kubernetes API token is mounted (none of these workloads calls the API)");
    }

    @Test
    void nonWorkloadsAreNotMatched() {
        var objs = Rendering.all().get("kustomize:kustomize/overlays/dev").objects();
        assertThat(policy.matches(KustomizeTest.find(objs, "Service", "crm-app"))).isFalse();
        assertThat(policy.matches(KustomizeTest.find(objs, "StatefulSet", "crm-mongodb"))).isTrue();
    }
}
