package io.crm.checks.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import io.crm.checks.Scratch;
import io.crm.checks.Tools;
import io.crm.checks.Yamls;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The first admin's password in every render of the API Deployment, kustomize and Helm: the container gets
 * CRM_ADMIN_PASSWORD_FILE naming a file inside a read-only mount of a Secret volume, that Secret (Secret,
 * SealedSecret, or the operator's existingSecret) has the key the file is projected from, the password is never an
 * environment value, CRM_ADMIN_EMAIL is set, and authentication is not switched off. The pieces live in four files
 * (deployment, configmap, secret or sealed secret, values), so a rename in one silently breaks the bootstrap: the
 * pod would start with a generated password in its log instead of the one in the Secret.
 */
class AdminSecretWiringTest {

    /** The renders and what they may reference outside themselves. */
    record Input(String source, List<Map<String, Object>> objects, List<Map<String, Object>> elsewhere,
                 String externalSecret) {
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> list(Object o) {
        return o instanceof List<?> l ? (List<Map<String, Object>>) l : List.of();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    static boolean isApi(Map<String, Object> o) {
        return "Deployment".equals(o.get("kind"))
                && "api".equals(Yq.get(o, "spec.template.metadata.labels.app\\.kubernetes\\.io/component"));
    }

    /** The service's container in an API Deployment (empty when there is none). */
    static Map<String, Object> apiContainer(Map<String, Object> deployment) {
        return list(Yq.get(deployment, "spec.template.spec.containers")).stream()
                .filter(c -> String.valueOf(c.get("image")).contains("crm-app")).findFirst().orElse(Map.of());
    }

    /**
     * The container's environment as Kubernetes builds it: the ConfigMaps it takes with envFrom, then its own env
     * entries with literal values, which win. Entries read from a Secret (valueFrom) are not known here.
     */
    static Map<String, String> environment(List<Map<String, Object>> objects, Map<String, Object> container) {
        Map<String, String> environment = new HashMap<>();
        for (Map<String, Object> from : list(container.get("envFrom"))) {
            Object name = Yq.get(from, "configMapRef.name");
            for (Map<String, Object> o : objects) {
                if ("ConfigMap".equals(o.get("kind")) && name != null && name.equals(Yq.get(o, "metadata.name"))) {
                    map(o.get("data")).forEach((key, value) -> environment.put(key, String.valueOf(value)));
                }
            }
        }
        for (Map<String, Object> env : list(container.get("env"))) {
            if (env.get("value") != null) {
                environment.put(String.valueOf(env.get("name")), String.valueOf(env.get("value")));
            }
        }
        return environment;
    }

    /** Keys of the Secret or SealedSecret with this name among the objects; null when there is none. */
    static Set<String> secretKeys(List<Map<String, Object>> objects, String name) {
        for (Map<String, Object> o : objects) {
            if (!name.equals(Yq.get(o, "metadata.name"))) {
                continue;
            }
            if ("Secret".equals(o.get("kind"))) {
                Set<String> keys = new TreeSet<>(map(o.get("data")).keySet());
                keys.addAll(map(o.get("stringData")).keySet());
                return keys;
            }
            if ("SealedSecret".equals(o.get("kind"))) {
                return new TreeSet<>(map(Yq.get(o, "spec.encryptedData")).keySet());
            }
        }
        return null;
    }

    static List<String> violations(Input in) {
        List<String> out = new ArrayList<>();
        List<Map<String, Object>> apis = in.objects().stream().filter(AdminSecretWiringTest::isApi).toList();
        if (apis.isEmpty()) {
            out.add(in.source() + ": no API Deployment");
        }
        for (Map<String, Object> deployment : apis) {
            String where = in.source() + " " + Rendering.describe(deployment);
            Map<String, Object> pod = map(Yq.get(deployment, "spec.template.spec"));
            Map<String, Object> container = apiContainer(deployment);
            for (Map<String, Object> env : list(container.get("env"))) {
                if ("CRM_ADMIN_PASSWORD".equals(env.get("name"))) {
                    out.add(where + ": CRM_ADMIN_PASSWORD as an environment variable (must be the mounted file)");
                }
            }
            Map<String, String> environment = environment(in.objects(), container);
            String file = environment.get("CRM_ADMIN_PASSWORD_FILE");
            String email = environment.get("CRM_ADMIN_EMAIL");
            if ("false".equalsIgnoreCase(environment.get("CRM_AUTH_ENABLED"))) {
                out.add(where + ": CRM_AUTH_ENABLED=false in its environment");
            }
            if (email == null || !email.contains("@")) {
                out.add(where + ": no CRM_ADMIN_EMAIL (env or envFrom ConfigMap): " + email);
            }
            if (file == null || !file.startsWith("/")) {
                out.add(where + ": no CRM_ADMIN_PASSWORD_FILE with an absolute path: " + file);
                continue;
            }
            Map<String, Object> mount = null;
            for (Map<String, Object> m : list(container.get("volumeMounts"))) {
                String path = String.valueOf(m.get("mountPath")).replaceAll("/+$", "");
                if (file.startsWith(path + "/")) {
                    mount = m;
                }
            }
            if (mount == null) {
                out.add(where + ": no volume is mounted where CRM_ADMIN_PASSWORD_FILE points (" + file + ")");
                continue;
            }
            if (!Boolean.TRUE.equals(mount.get("readOnly"))) {
                out.add(where + ": the admin password mount must be readOnly");
            }
            String relative = file.substring(String.valueOf(mount.get("mountPath")).replaceAll("/+$", "").length() + 1);
            Object volumeName = mount.get("name");
            Map<String, Object> volume = list(pod.get("volumes")).stream()
                    .filter(v -> volumeName.equals(v.get("name"))).findFirst().orElse(Map.of());
            String secretName = (String) Yq.get(volume, "secret.secretName");
            if (secretName == null) {
                out.add(where + ": volume " + volumeName + " (CRM_ADMIN_PASSWORD_FILE) is not a Secret volume");
                continue;
            }
            String key = relative;
            List<Map<String, Object>> items = list(Yq.get(volume, "secret.items"));
            if (!items.isEmpty()) {
                key = items.stream().filter(i -> relative.equals(i.get("path"))).map(i -> (String) i.get("key"))
                        .findFirst().orElse(null);
                if (key == null) {
                    out.add(where + ": Secret volume " + volumeName + " projects no item to " + relative);
                    continue;
                }
            }
            Set<String> keys = secretKeys(in.objects(), secretName);
            if (keys == null) {
                keys = secretKeys(in.elsewhere(), secretName);
            }
            if (keys == null) {
                if (!secretName.equals(in.externalSecret())) {
                    out.add(where + ": Secret " + secretName + " is neither rendered nor the declared existingSecret");
                }
            } else if (!keys.contains(key)) {
                out.add(where + ": Secret " + secretName + " has no key " + key + " (keys: " + keys + ")");
            }
        }
        return out;
    }

    /** Every render that holds the API: kustomize base and overlays, Helm with its defaults and each values file. */
    static List<Input> real() {
        List<Map<String, Object>> sealed = Rendering.all().get("kustomize:sealed-secrets/crm").objects();
        List<Input> inputs = new ArrayList<>();
        Path chart = Rendering.scratchCopy().resolve("charts/crm");
        for (Rendering.Render r : Rendering.all().values()) {
            if (r.objects().stream().noneMatch(AdminSecretWiringTest::isApi)) {
                continue;
            }
            String external = null;
            if (r.source().startsWith("helm:") && !r.source().equals("helm:defaults")) {
                Map<String, Object> values = Yamls.parseAll(Scratch.read(chart.resolve(r.source().substring(5)))).get(0);
                external = (String) values.get("existingSecret");
            }
            inputs.add(new Input(r.source(), r.objects(), sealed, external));
        }
        return inputs;
    }

    @Test
    void everyRenderMountsTheAdminPasswordFromItsSecret() {
        List<Input> inputs = real();
        assertThat(inputs.stream().map(Input::source).toList()).as("renders with the API Deployment").contains(
                "kustomize:kustomize/overlays/dev", "kustomize:kustomize/overlays/prod",
                "helm:defaults", "helm:values-prod.yaml");
        List<String> all = new ArrayList<>();
        inputs.forEach(in -> all.addAll(violations(in)));
        assertThat(all).isEmpty();
    }

    /** The production Helm values use the SealedSecret, which must carry the admin-password key. */
    @Test
    void productionHelmUsesTheSealedSecret() {
        Input prod = real().stream().filter(i -> i.source().equals("helm:values-prod.yaml")).findFirst().orElseThrow();
        assertThat(secretKeys(prod.objects(), prod.externalSecret())).as("not rendered by Helm itself").isNull();
        assertThat(secretKeys(prod.elsewhere(), prod.externalSecret())).contains("admin-password");
    }

    @Test
    void plantedKustomizeErrorsAreCaught(@TempDir Path tmp) {
        Path copy = ClusterFiles.copyOfClusterResources(tmp);
        Rendering.prepareDevEnv(copy);
        List<Map<String, Object>> sealed = Rendering.all().get("kustomize:sealed-secrets/crm").objects();
        // Stage 1 applies the chart's committed rendering: hand edits of it are caught like chart errors.
        Path prod = copy.resolve("kustomize/overlays/prod/chart-rendered.yaml");
        Path dev = copy.resolve("kustomize/overlays/dev/chart-rendered.yaml");
        String original = Scratch.read(prod);
        String originalDev = Scratch.read(dev);

        // The projected key renamed: the file would be missing in the pod.
        Scratch.plant(prod, "              - key: admin-password\n", "              - key: admin-pass\n");
        assertThat(violations(new Input("planted", render(copy, "kustomize/overlays/prod"), sealed, null)))
                .anySatisfy(v -> assertThat(v).contains("has no key admin-pass"));
        Scratch.write(prod, original);

        // The variable removed: the app would generate a password and log it.
        Scratch.plant(dev, "            - name: CRM_ADMIN_PASSWORD_FILE\n              value: /etc/crm/secrets/admin-password\n", "");
        assertThat(violations(new Input("planted", render(copy, "kustomize/overlays/dev"), sealed, null)))
                .anySatisfy(v -> assertThat(v).contains("no CRM_ADMIN_PASSWORD_FILE"));
        Scratch.write(dev, originalDev);

        // The mount removed.
        Scratch.plant(dev, "            - name: admin-password\n              mountPath: /etc/crm/secrets\n"
                + "              readOnly: true\n", "");
        assertThat(violations(new Input("planted", render(copy, "kustomize/overlays/dev"), sealed, null)))
                .anySatisfy(v -> assertThat(v).contains("no volume is mounted"));
        Scratch.write(dev, originalDev);

        // The key gone from the SealedSecret.
        Scratch.plant(copy.resolve("sealed-secrets/crm/sealedsecret-crm-credentials.yaml"), "    admin-password: ",
                "    admin-passwd: ");
        assertThat(violations(new Input("planted", render(copy, "kustomize/overlays/prod"), List.of(), null)))
                .anySatisfy(v -> assertThat(v).contains("has no key admin-password"));
    }

    @Test
    void plantedHelmErrorsAreCaught(@TempDir Path tmp) {
        Path copy = ClusterFiles.copyOfClusterResources(tmp);
        Path chart = copy.resolve("charts/crm");
        Rendering.exposeHelmHooks(chart.resolve("templates"));
        Path deployment = chart.resolve("templates/deployment.yaml");
        String original = Scratch.read(deployment);

        Scratch.plant(deployment, "            - name: CRM_ADMIN_PASSWORD_FILE\n              value: /etc/crm/secrets/admin-password\n",
                "            - name: CRM_ADMIN_PASSWORD_FILE\n              value: /etc/crm/admin-password\n");
        assertThat(violations(helm(chart))).anySatisfy(v -> assertThat(v).contains("no volume is mounted"));
        Scratch.write(deployment, original);

        Scratch.plant(deployment, "            secretName: {{ include \"crm.secretName\" . }}\n            defaultMode: 0440",
                "            secretName: crm-other\n            defaultMode: 0440");
        assertThat(violations(helm(chart))).anySatisfy(v -> assertThat(v).contains("Secret crm-other is neither"));
        Scratch.write(deployment, original);

        Scratch.plant(chart.resolve("templates/secret.yaml"), "  admin-password: {{ randAlphaNum 32 | b64enc }}\n", "");
        assertThat(violations(helm(chart))).anySatisfy(v -> assertThat(v).contains("has no key admin-password"));

        Scratch.plant(chart.resolve("values.yaml"), "  authEnabled: true", "  authEnabled: false");
        assertThat(violations(helm(chart))).anySatisfy(v -> assertThat(v).contains("CRM_AUTH_ENABLED=false"));
    }

    private static List<Map<String, Object>> render(Path copy, String target) {
        Tools.Result r = Rendering.kustomize(Path.of(Tools.require("kubectl")), copy.resolve(target));
        assertThat(r.ok()).as(r.output()).isTrue();
        return Yamls.parseAll(r.output());
    }

    private static Input helm(Path chart) {
        return new Input("planted helm", Yamls.parseAll(Rendering.helmTemplate(chart, null)), List.of(), null);
    }
}
