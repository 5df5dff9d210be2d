package io.crm.checks.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.marcnuri.helm.Helm;

import io.crm.checks.Tools;
import io.crm.checks.Scratch;
import io.crm.checks.Yamls;

/** Renders everything that reaches the cluster: kustomize targets and the Helm chart with each values file. */
final class Rendering {

    /** Kustomize roots under cluster-resources/, each rendered by `kubectl kustomize`. */
    static final List<String> KUSTOMIZE_TARGETS = List.of(
            "kustomize/overlays/dev", "kustomize/overlays/prod",
            "sealed-secrets/crm", "sealed-secrets/monitoring", "argocd", "logging/setup", "policies",
            "platform", "cert-manager", "logging");

    static final String KUBE_VERSION = "1.32.0";
    static final String RELEASE = "crm";

    record Render(String source, List<Map<String, Object>> objects) {
    }

    private static Path scratch;
    private static Map<String, Render> cache;

    private Rendering() {
    }

    /** A private copy of cluster-resources/ with the dev env file made from its committed example. */
    static synchronized Path scratchCopy() {
        if (scratch == null) {
            try {
                Path tmp = Files.createTempDirectory("crm-cluster-");
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        Scratch.deleteTree(tmp);
                    } catch (RuntimeException e) {
                        // Best effort at JVM exit: a leftover temp folder is harmless.
                    }
                }));
                Path copy = ClusterFiles.copyOfClusterResources(tmp);
                prepareDevEnv(copy);
                exposeHelmHooks(copy.resolve("charts/crm/templates"));
                scratch = copy;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return scratch;
    }

    /** Annotation that replaces helm.sh/hook in the scratch chart. */
    static final String EXPOSED_HOOK = "checks.crm.io/helm-hook";

    /**
     * helm-java's template leaves hook resources (the helm test pod, the pre-install Secret) out of its output. So
     * that they are validated like everything else, the scratch chart renames the hook annotations and the hooks
     * render as plain manifests (the real chart keeps them; the test checks the annotation survives there).
     */
    static void exposeHelmHooks(Path templates) {
        try (var files = Files.walk(templates)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                String text = Scratch.read(f);
                if (text.contains("helm.sh/hook:")) {
                    Scratch.write(f, text.replace("helm.sh/hook:", EXPOSED_HOOK + ":"));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The dev overlay reads a git-ignored env file; checks use the committed example's fake values. */
    static void prepareDevEnv(Path clusterResourcesCopy) {
        Path dev = clusterResourcesCopy.resolve("kustomize/overlays/dev");
        Path env = dev.resolve("crm-credentials.env");
        if (!Files.exists(env)) {
            Scratch.write(env, Scratch.read(dev.resolve("crm-credentials.env.example")));
        }
    }

    static Tools.Result kustomize(Path kubectl, Path dir) {
        return Tools.run(dir, ClusterFiles.TOOL_TIMEOUT, kubectl.toString(), "kustomize", ".");
    }

    static Render renderKustomize(Path root, String target) {
        Tools.Result r = kustomize(Path.of(Tools.require("kubectl")), root.resolve(target));
        if (!r.ok()) {
            throw new AssertionError("kubectl kustomize " + target + " failed:\n" + r.output());
        }
        return new Render("kustomize:" + target, Yamls.parseAll(r.output()));
    }

    /** The values files the chart is rendered with besides its defaults (env files and ci/ variants). */
    static List<Path> valuesFiles(Path chart) {
        List<Path> files = new ArrayList<>(ClusterFiles.list(chart, "values-*.yaml"));
        if (Files.isDirectory(chart.resolve("ci"))) {
            files.addAll(ClusterFiles.list(chart.resolve("ci"), "*.yaml"));
        }
        return files;
    }

    static String helmTemplate(Path chart, Path valuesFile) {
        return helmTemplate(chart, "crm", valuesFile == null ? List.of() : List.of(valuesFile));
    }

    /** `helm template` of the release into a namespace, the values files applied in order after the defaults. */
    static String helmTemplate(Path chart, String namespace, List<Path> valuesFiles) {
        var cmd = new Helm(chart).template().withName(RELEASE).withNamespace(namespace).withKubeVersion(KUBE_VERSION);
        for (Path values : valuesFiles) {
            cmd = cmd.withValuesFile(values);
        }
        return cmd.call();
    }

    static Render renderHelm(Path chart, Path valuesFile) {
        String name = valuesFile == null ? "defaults" : chart.relativize(valuesFile).toString();
        return new Render("helm:" + name, Yamls.parseAll(helmTemplate(chart, valuesFile)));
    }

    /** Every render of the real files, computed once per test run. */
    static synchronized Map<String, Render> all() {
        if (cache == null) {
            Map<String, Render> renders = new LinkedHashMap<>();
            Path root = scratchCopy();
            for (String target : KUSTOMIZE_TARGETS) {
                Render r = renderKustomize(root, target);
                renders.put(r.source(), r);
            }
            Path chart = root.resolve("charts/crm");
            Render defaults = renderHelm(chart, null);
            renders.put(defaults.source(), defaults);
            for (Path values : valuesFiles(chart)) {
                Render r = renderHelm(chart, values);
                renders.put(r.source(), r);
            }
            cache = renders;
        }
        return cache;
    }

    static List<Map.Entry<String, Map<String, Object>>> allObjects() {
        List<Map.Entry<String, Map<String, Object>>> out = new ArrayList<>();
        all().values().forEach(r -> r.objects().forEach(o -> out.add(Map.entry(r.source(), o))));
        return out;
    }

    static String describe(Map<String, Object> obj) {
        Object meta = obj.get("metadata");
        Object name = meta instanceof Map<?, ?> m ? m.get("name") : null;
        return obj.get("kind") + "/" + name;
    }
}
