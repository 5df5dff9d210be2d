package io.crm.checks.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.crm.checks.Repo;
import io.crm.checks.Scratch;
import io.crm.checks.Yamls;
import org.junit.jupiter.api.Test;

/**
 * One version per component: every container image that the delivery files run (the chart's renders, the kustomize
 * renders, the compose files, the Dockerfile's bases) has one tag wherever it appears, and the docs name no other
 * (a docs mention may name just the minor line, "mongo:7.0", of the pinned "7.0.20"). Drift here means the cluster
 * runs a database or proxy other than the one the pipeline's end-to-end tests ran. Variants of one version (a JDK and
 * a JRE image, "-alpine") are one version.
 */
class VersionDriftTest {

    /** repository:tag, with an optional registry host; no digests (they pin by content, not by version). */
    private static final Pattern IMAGE = Pattern.compile("^([a-z0-9.-]+(?::\\d+)?/)?([a-z0-9._/-]+):([\\w][\\w.-]*)$");

    /** Where an image reference was found, and the reference. */
    record Use(String where, String image) {
    }

    /** Every image reference in the real delivery files. */
    static List<Use> uses() throws IOException {
        List<Use> out = new ArrayList<>();
        for (var render : Rendering.all().values()) {
            for (Map<String, Object> obj : render.objects()) {
                images(obj, image -> out.add(new Use(render.source() + " " + Rendering.describe(obj), image)));
            }
        }
        Path root = Repo.root();
        try (Stream<Path> files = Files.list(root)) {
            for (Path compose : files.filter(f -> f.getFileName().toString().matches("compose(\\..+)?\\.ya?ml"))
                    .sorted().toList()) {
                // compose's merge tags (!override, !reset) only steer how files layer: not needed to read images
                Map<String, Object> doc = Yamls.parseAll(Scratch.read(compose).replaceAll("!(override|reset)\\b", ""))
                        .get(0);
                if (doc.get("services") instanceof Map<?, ?> services) {
                    services.forEach((name, service) -> {
                        if (service instanceof Map<?, ?> s && s.get("image") instanceof String image) {
                            out.add(new Use(compose.getFileName() + " " + name, image));
                        }
                    });
                }
            }
        }
        Matcher from = Pattern.compile("(?m)^FROM\\s+(?:--\\S+\\s+)*(\\S+)").matcher(Scratch.read(root.resolve("Dockerfile")));
        while (from.find()) {
            out.add(new Use("Dockerfile", from.group(1)));
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static void images(Object node, java.util.function.Consumer<String> found) {
        if (node instanceof Map<?, ?> map) {
            map.forEach((key, value) -> {
                if ("image".equals(key) && value instanceof String image) {
                    found.accept(image);
                } else {
                    images(value, found);
                }
            });
        } else if (node instanceof List<?> list) {
            list.forEach(item -> images(item, found));
        }
    }

    /** The docs' text, by file name. */
    static Map<String, String> docs() throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        Path root = Repo.root();
        out.put("README.md", Scratch.read(root.resolve("README.md")));
        try (Stream<Path> files = Files.list(root.resolve("docs"))) {
            for (Path doc : files.filter(f -> f.toString().endsWith(".md")).sorted().toList()) {
                out.put("docs/" + doc.getFileName(), Scratch.read(doc));
            }
        }
        return out;
    }

    /** What differs: each repository used with more than one tag, with where; and docs naming another version. */
    static List<String> violations(List<Use> uses, Map<String, String> docs) {
        Map<String, Map<String, Set<String>>> tags = new TreeMap<>();
        for (Use use : uses) {
            Matcher m = IMAGE.matcher(use.image());
            if (use.image().contains("${") || use.image().contains("@") || !m.matches()) {
                continue; // variables (the app's own image, by commit), digests, untagged: not versions of a component
            }
            String repository = m.group(2).replaceFirst("^library/", "");
            if (repository.equals("crm-app") || repository.endsWith("/crm-app")) {
                continue; // the service's own image: tagged by commit per deploy, the pipeline's business
            }
            // the version is the tag before its variant: 25.0.3_9 of 25.0.3_9-jdk-noble and 25.0.3_9-jre-noble
            tags.computeIfAbsent(repository, r -> new TreeMap<>()).computeIfAbsent(version(m.group(3)),
                    t -> new TreeSet<>()).add(use.where() + " (" + m.group(3) + ")");
        }
        List<String> out = new ArrayList<>();
        tags.forEach((repository, byTag) -> {
            if (byTag.size() > 1) {
                out.add(repository + " has " + byTag.size() + " versions: " + byTag);
            }
        });
        tags.forEach((repository, byTag) -> {
            if (byTag.size() != 1) {
                return;
            }
            String pinned = byTag.keySet().iterator().next();
            Pattern mention = Pattern.compile("(?<![\\w./-])" + Pattern.quote(repository) + ":(\\d[\\w.-]*\\w)");
            docs.forEach((file, text) -> {
                Matcher m = mention.matcher(text);
                while (m.find()) {
                    // "7.0.x" names a line, like "7.0"
                    String tag = version(m.group(1)).replaceFirst("\\.x$", "");
                    if (tag.matches("\\d{4,5}")) {
                        continue; // host:port (mongo:27017), not a version
                    }
                    if (!tag.equals(pinned) && !pinned.startsWith(tag + ".") && !pinned.startsWith(tag + "-")) {
                        out.add(file + " names " + repository + ":" + tag + ", the delivery files run " + pinned);
                    }
                }
            });
        });
        return out;
    }

    private static String version(String tag) {
        int dash = tag.indexOf('-');
        return dash < 0 ? tag : tag.substring(0, dash);
    }

    @Test
    void everyComponentHasOneVersionAcrossComposeChartKustomizeDockerfileAndDocs() throws IOException {
        List<Use> uses = uses();
        assertThat(uses).extracting(Use::image).anyMatch(i -> i.startsWith("mongo:"))
                .anyMatch(i -> i.contains("nginx")).anyMatch(i -> i.contains("temurin"));
        assertThat(violations(uses, docs())).isEmpty();
    }

    @Test
    void plantedDriftIsCaught() throws IOException {
        List<Use> uses = new ArrayList<>(uses());
        Map<String, String> docs = docs();
        String mongo = uses.stream().map(Use::image).filter(i -> i.startsWith("mongo:")).findFirst().orElseThrow();

        // a compose file moved to another patch release than the cluster
        List<Use> drifted = new ArrayList<>(uses);
        drifted.add(new Use("compose.yaml mongo", "mongo:7.0.99"));
        assertThat(violations(drifted, docs)).anySatisfy(v -> assertThat(v).startsWith("mongo has 2 versions")
                .contains("7.0.99").contains("compose.yaml mongo"));
        // the same through a registry host and the library/ prefix
        drifted = new ArrayList<>(uses);
        drifted.add(new Use("kustomize:x StatefulSet/y", "docker.io/library/mongo:6.0.1"));
        assertThat(violations(drifted, docs)).anySatisfy(v -> assertThat(v).contains("mongo has 2 versions"));
        // a JDK and a JRE of one release are one version; of two releases, two
        drifted = new ArrayList<>(uses);
        drifted.add(new Use("Dockerfile", "eclipse-temurin:25.0.9_1-jre-noble"));
        assertThat(violations(drifted, docs)).anySatisfy(v -> assertThat(v).startsWith("eclipse-temurin has 2"));
        // a doc naming another version; the minor line alone is fine
        Map<String, String> stale = new LinkedHashMap<>(docs);
        stale.put("docs/stale.md", "run `mongo:7.0.1` and " + mongo.replaceFirst("\\.\\d+$", ""));
        assertThat(violations(uses, stale)).singleElement().asString()
                .contains("docs/stale.md names mongo:7.0.1");
    }
}
