package io.crm.checks.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.crm.checks.Tools;
import io.crm.checks.Scratch;
import io.crm.checks.Yamls;

/** `kubectl kustomize` renders every kustomize root, with the machine's kubectl and each version-pinned one. */
class KustomizeTest {

    /** kubectl plus the kubectl.1.NN binaries that sit beside the real binary the kubectl on PATH links to. */
    static List<Path> kubectls() throws IOException {
        Path kubectl = Path.of(Tools.require("kubectl"));
        List<Path> all = new ArrayList<>(List.of(kubectl));
        all.addAll(ClusterFiles.list(kubectl.toRealPath().getParent(), "kubectl.1.*"));
        return all;
    }

    @Test
    void everyTargetRendersWithEveryKubectlVersion() throws IOException {
        Path root = Rendering.scratchCopy();
        List<Path> kubectls = kubectls();
        assertThat(kubectls).as("pinned kubectl binaries beside the real one").hasSizeGreaterThan(1);
        List<String> failures = new ArrayList<>();
        for (Path kubectl : kubectls) {
            for (String target : Rendering.KUSTOMIZE_TARGETS) {
                Tools.Result r = Rendering.kustomize(kubectl, root.resolve(target));
                if (!r.ok() || Yamls.parseAll(r.output()).isEmpty()) {
                    failures.add(kubectl.getFileName() + " kustomize " + target + ":\n" + r.output());
                }
            }
        }
        assertThat(failures).isEmpty();
    }

    @Test
    @SuppressWarnings("unchecked")
    void overlaysSetEnvironmentShape() {
        var dev = Rendering.all().get("kustomize:kustomize/overlays/dev").objects();
        var prod = Rendering.all().get("kustomize:kustomize/overlays/prod").objects();

        Map<String, Object> devApp = find(dev, "Deployment", "crm-app");
        assertThat(Yq.get(devApp, "spec.replicas")).isEqualTo(1);
        assertThat(Yq.get(devApp, "metadata.namespace")).isEqualTo("crm-dev");
        assertThat(find(dev, "Secret", null)).as("dev Secret from the env file").isNotNull();
        assertThat(kinds(dev)).doesNotContain("SealedSecret", "HorizontalPodAutoscaler");

        Map<String, Object> prodApp = find(prod, "Deployment", "crm-app");
        assertThat((Map<Object, Object>) Yq.get(prodApp, "spec")).as("HPA owns replicas").doesNotContainKey("replicas");
        assertThat(kinds(prod)).contains("SealedSecret", "HorizontalPodAutoscaler", "Ingress")
                .doesNotContain("Secret");
        assertThat(Yq.get(find(prod, "HorizontalPodAutoscaler", "crm-app"), "spec.minReplicas")).isEqualTo(2);

        for (var objs : List.of(dev, prod)) {
            Map<String, Object> app = find(objs, "Deployment", "crm-app");
            String image = (String) Yq.get(app, "spec.template.spec.containers.0.image");
            assertThat(image).matches(".+\\.dkr\\.ecr\\..+/crm-app:[0-9a-f]{40}");
            Map<String, Object> svc = find(objs, "Service", "crm-app");
            assertThat(Yq.get(svc, "spec.type")).isEqualTo("ClusterIP");
            assertThat(Yq.get(svc, "spec.ports.0.port")).isEqualTo(80);
            assertThat(Yq.get(app, "spec.template.spec.containers.0.ports.0.containerPort")).isEqualTo(5000);
            assertThat(Yq.get(app, "spec.template.spec.containers.0.readinessProbe.httpGet.path"))
                    .isEqualTo("/actuator/health/readiness");
            assertThat(Yq.get(app, "spec.template.spec.containers.0.livenessProbe.httpGet.port")).isEqualTo("management");
            Map<String, Object> mongo = find(objs, "Service", "crm-mongodb");
            assertThat(Yq.get(mongo, "spec.clusterIP")).isEqualTo("None");
            Map<String, Object> ns = find(objs, "Namespace", null);
            assertThat(Yq.get(ns, "metadata.labels.pod-security\\.kubernetes\\.io/enforce")).isEqualTo("restricted");
        }
        Map<String, Object> backupSa = find(prod, "ServiceAccount", "crm-backup");
        assertThat(Yq.get(backupSa, "metadata.annotations.eks\\.amazonaws\\.com/role-arn"))
                .isEqualTo("arn:aws:iam::123456789012:role/crm-prod-mongodb-backup");
        Map<String, Object> backup = find(prod, "CronJob", "crm-mongodb-backup");
        assertThat(Yq.get(backup, "spec.jobTemplate.spec.template.spec.containers.0.env.0.value"))
                .isEqualTo("crm-backups-123456789012-us-east-1");
        assertThat(dev).as("no backups in dev (no bucket): run one by hand with mongodump")
                .noneMatch(o -> "CronJob".equals(o.get("kind")));
    }

    @Test
    void plantedMissingResourceFails(@TempDir Path tmp) {
        Path copy = ClusterFiles.copyOfClusterResources(tmp);
        Rendering.prepareDevEnv(copy);
        Scratch.plant(copy.resolve("kustomize/overlays/prod/kustomization.yaml"), "- chart-rendered.yaml", "- chart-gone.yaml");
        Tools.Result r = Rendering.kustomize(Path.of(Tools.require("kubectl")), copy.resolve("kustomize/overlays/prod"));
        assertThat(r.ok()).as(r.output()).isFalse();
        assertThat(r.output()).contains("chart-gone.yaml");
    }

    @Test
    void plantedBrokenPatchFails(@TempDir Path tmp) {
        Path copy = ClusterFiles.copyOfClusterResources(tmp);
        Rendering.prepareDevEnv(copy);
        Path kustomization = copy.resolve("kustomize/overlays/dev/kustomization.yaml");
        Scratch.write(kustomization, Scratch.read(kustomization) + """

                patches:
                  - target:
                      kind: Deployment
                      name: crm-app
                    patch: |-
                      - op: remove
                        path: /spec/noSuchField
                """);
        Tools.Result r = Rendering.kustomize(Path.of(Tools.require("kubectl")), copy.resolve("kustomize/overlays/dev"));
        assertThat(r.ok()).as(r.output()).isFalse();
    }

    @Test
    void devOverlayNeedsTheGitIgnoredEnvFile(@TempDir Path tmp) throws IOException {
        Path copy = ClusterFiles.copyOfClusterResources(tmp);
        Files.deleteIfExists(copy.resolve("kustomize/overlays/dev/crm-credentials.env"));
        Tools.Result r = Rendering.kustomize(Path.of(Tools.require("kubectl")), copy.resolve("kustomize/overlays/dev"));
        assertThat(r.ok()).isFalse();
        assertThat(Scratch.read(Path.of(ClusterFiles.kustomizeDir().toString(), "overlays/dev/.gitignore")))
                .contains("crm-credentials.env");
    }

    static List<String> kinds(List<Map<String, Object>> objs) {
        return objs.stream().map(o -> (String) o.get("kind")).toList();
    }

    static Map<String, Object> find(List<Map<String, Object>> objs, String kind, String name) {
        return objs.stream()
                .filter(o -> kind.equals(o.get("kind")))
                .filter(o -> name == null || name.equals(Yq.get(o, "metadata.name")))
                .findFirst().orElseThrow(() -> new AssertionError("no " + kind + "/" + name));
    }
}
