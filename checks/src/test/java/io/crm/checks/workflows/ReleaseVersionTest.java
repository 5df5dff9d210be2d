package io.crm.checks.workflows;

import static org.assertj.core.api.Assertions.assertThat;

import io.crm.checks.Repo;
import io.crm.checks.Scratch;
import io.crm.checks.Yamls;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A release moves every version together: release-please's PR writes the new version into pom.xml, the Dockerfile's
 * image label and the chart's version and appVersion, and opens that PR with a token whose events run the required
 * checks (a GitHub App's, not GITHUB_TOKEN's). Each rule also fails on a planted error.
 */
class ReleaseVersionTest {

    static final List<String> FILES = List.of(".release-please-manifest.json", "release-please-config.json", "pom.xml",
            "Dockerfile", "cluster-resources/charts/crm/Chart.yaml", ".github/workflows/release.yml");

    static Map<String, String> real() {
        Map<String, String> texts = new LinkedHashMap<>();
        for (String f : FILES) {
            texts.put(f, Scratch.read(Repo.root().resolve(f)));
        }
        return texts;
    }

    static String first(Pattern p, String text) {
        Matcher m = p.matcher(text);
        return m.find() ? m.group(1) : null;
    }

    @SuppressWarnings("unchecked")
    static List<String> violations(Map<String, String> t) {
        List<String> out = new ArrayList<>();
        String released = String.valueOf(Yamls.parseAll(t.get(".release-please-manifest.json")).get(0).get("."));
        Map<String, String> versions = new LinkedHashMap<>();
        // The project's own <version>, after </parent> (the parent's is Spring Boot's).
        String pom = t.get("pom.xml");
        int afterParent = pom.indexOf("</parent>");
        versions.put("pom.xml", first(Pattern.compile("<version>([^<]+)</version>"), pom.substring(Math.max(afterParent, 0))));
        versions.put("Dockerfile VERSION", first(Pattern.compile("(?m)^ARG VERSION=(\\S+) # x-release-please-version$"), t.get("Dockerfile")));
        Map<String, Object> chart = Yamls.parseAll(t.get("cluster-resources/charts/crm/Chart.yaml")).get(0);
        versions.put("Chart.yaml version", String.valueOf(chart.get("version")));
        versions.put("Chart.yaml appVersion", String.valueOf(chart.get("appVersion")));
        versions.forEach((where, v) -> {
            if (!released.equals(v)) {
                out.add(where + " is " + v + ", not the released " + released + " (.release-please-manifest.json)");
            }
        });

        Map<String, Object> config = Yamls.parseAll(t.get("release-please-config.json")).get(0);
        List<Map<String, Object>> extra = (List<Map<String, Object>>) ((Map<String, Object>) ((Map<String, Object>)
                config.get("packages")).get(".")).getOrDefault("extra-files", List.of());
        Map<String, String> wanted = Map.of(
                "pom.xml", "xml /*[local-name()='project']/*[local-name()='version']",
                "Dockerfile", "generic null",
                "chart version", "yaml $.version",
                "chart appVersion", "yaml $.appVersion");
        List<String> have = extra.stream().map(e -> e.get("type") + " "
                + (e.containsKey("xpath") ? e.get("xpath") : e.get("jsonpath")) + " @" + e.get("path")).toList();
        wanted.forEach((what, rule) -> {
            String path = what.startsWith("chart") ? "cluster-resources/charts/crm/Chart.yaml" : what;
            if (!have.contains(rule + " @" + path)) {
                out.add("release-please does not update " + what + " (extra-files needs " + rule + " @" + path + ")");
            }
        });

        String release = t.get(".github/workflows/release.yml");
        int step = release.indexOf("release-please-action@");
        int next = step < 0 ? -1 : release.indexOf("\n      - ", step);
        String releaseStep = step < 0 ? "" : release.substring(step, next < 0 ? release.length() : next);
        if (!release.contains("uses: actions/create-github-app-token@")
                || !releaseStep.contains("\n          token: ${{ steps.app-token.outputs.token }}\n")) {
            out.add("release.yml: release-please must open its PR with the GitHub App token (steps.app-token), or the"
                    + " required checks never run on it");
        }
        return out;
    }

    static Map<String, String> with(Map<String, String> t, String file, UnaryOperator<String> change) {
        Map<String, String> copy = new LinkedHashMap<>(t);
        String changed = change.apply(copy.get(file));
        assertThat(changed).as("planted change in " + file).isNotEqualTo(copy.get(file));
        copy.put(file, changed);
        return copy;
    }

    @Test
    void everyVersionFollowsTheRelease() {
        assertThat(violations(real())).isEmpty();
    }

    @Test
    void plantedErrorsAreCaught() {
        Map<String, String> t = real();
        assertThat(violations(with(t, "cluster-resources/charts/crm/Chart.yaml", s -> s.replaceFirst("(?m)^version: .*$", "version: 0.9.0"))))
                .anySatisfy(v -> assertThat(v).startsWith("Chart.yaml version is 0.9.0"));
        assertThat(violations(with(t, "pom.xml", s -> s.replaceFirst("(</parent>(?s).*?<version>)[^<]+", "$19.9.9"))))
                .anySatisfy(v -> assertThat(v).startsWith("pom.xml is 9.9.9"));
        assertThat(violations(with(t, "Dockerfile", s -> s.replace(" # x-release-please-version", ""))))
                .anySatisfy(v -> assertThat(v).startsWith("Dockerfile VERSION is null"));
        assertThat(violations(with(t, "release-please-config.json", s -> s.replace("\"$.version\"", "\"$.name\""))))
                .anySatisfy(v -> assertThat(v).contains("does not update chart version"));
        assertThat(violations(with(t, ".github/workflows/release.yml",
                s -> s.replace("token: ${{ steps.app-token.outputs.token }}", "token: ${{ github.token }}"))))
                .anySatisfy(v -> assertThat(v).contains("GitHub App token"));
    }
}
