package io.crm.checks.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.crm.checks.Repo;
import io.crm.checks.Scratch;

/** Paths of cluster-resources/, its scratch copies for the planted-error tests, Helm values merging. */
final class ClusterFiles {

    /** Bound of one tool run (kubectl kustomize, promtool, yamllint, shellcheck, set-image-tag.sh). */
    static final Duration TOOL_TIMEOUT = Duration.ofMinutes(5);

    private ClusterFiles() {
    }

    static Path clusterResources() {
        return Repo.root().resolve("cluster-resources");
    }

    static Path chart() {
        return clusterResources().resolve("charts/crm");
    }

    static Path kustomizeDir() {
        return clusterResources().resolve("kustomize");
    }

    /** A scratch copy of cluster-resources/ (relative links between its folders keep working). */
    static Path copyOfClusterResources(Path tempDir) {
        Path copy = tempDir.resolve("cluster-resources");
        Scratch.copyTree(clusterResources(), copy);
        return copy;
    }

    static List<Path> list(Path dir, String glob) {
        try (Stream<Path> s = Files.list(dir)) {
            var matcher = dir.getFileSystem().getPathMatcher("glob:" + glob);
            return s.filter(p -> matcher.matches(p.getFileName())).sorted(Comparator.naturalOrder()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The literal default of a Terraform variable (a quoted string without its quotes, or a bare number or bool),
     * read inside the variable's block; null when it has none.
     */
    static String tfDefault(String variablesTf, String name) {
        Matcher m = Pattern.compile("variable \"" + Pattern.quote(name)
                + "\" \\{[^}]*?default\\s*=\\s*(?:\"([^\"]*)\"|([^\\s\"]+))", Pattern.DOTALL).matcher(variablesTf);
        return !m.find() ? null : m.group(1) != null ? m.group(1) : m.group(2);
    }

    /** Deep merge of Helm values: maps merge key by key, anything else is replaced (as helm -f does). */
    @SuppressWarnings("unchecked")
    static Map<String, Object> mergeValues(Map<String, Object> base, Map<String, Object> override) {
        Map<String, Object> out = new LinkedHashMap<>(base);
        override.forEach((k, v) -> {
            Object old = out.get(k);
            if (old instanceof Map && v instanceof Map) {
                out.put(k, mergeValues((Map<String, Object>) old, (Map<String, Object>) v));
            } else {
                out.put(k, v);
            }
        });
        return out;
    }
}
