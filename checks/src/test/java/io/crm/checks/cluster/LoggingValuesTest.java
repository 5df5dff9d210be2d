package io.crm.checks.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.crm.checks.Scratch;
import io.crm.checks.Yamls;

/**
 * The EFK values (the charts themselves are not available offline) carry the settings that make the app's ECS JSON
 * logs arrive as structured, searchable fields in Elasticsearch 8.
 */
class LoggingValuesTest {

    static final String FLUENT_BIT = "logging/fluent-bit-values.yaml";

    /** Directive (section-local "Key Value" line of the Fluent Bit classic config) that must be present. */
    static final List<String[]> REQUIRED = List.of(
            new String[] {"inputs", "Name tail"},
            new String[] {"inputs", "multiline.parser cri"},
            new String[] {"filters", "Name kubernetes"},
            new String[] {"filters", "Merge_Log On"},
            new String[] {"filters", "Keep_Log Off"},
            new String[] {"outputs", "Name es"},
            new String[] {"outputs", "Suppress_Type_Name On"},
            new String[] {"outputs", "tls On"},
            new String[] {"outputs", "tls.verify On"},
            new String[] {"outputs", "HTTP_Passwd ${ES_PASSWORD}"});

    @SuppressWarnings("unchecked")
    static List<String> problems(Map<String, Object> values) {
        List<String> out = new ArrayList<>();
        Map<String, Object> config = (Map<String, Object>) values.get("config");
        for (String[] req : REQUIRED) {
            String section = config == null ? null : (String) config.get(req[0]);
            Pattern line = Pattern.compile("(?m)^\\s+" + Pattern.quote(req[1]).replace(" ", "\\E\\s+\\Q") + "\\s*$");
            if (section == null || !line.matcher(section).find()) {
                out.add("config." + req[0] + " lacks '" + req[1] + "'");
            }
        }
        // The password comes from the Elasticsearch chart's Secret, never from the values file.
        String env = String.valueOf(values.get("env"));
        if (!env.contains("secretKeyRef") || !env.contains("elasticsearch-master-credentials")) {
            out.add("ES credentials are not read from the elasticsearch-master-credentials Secret");
        }
        return out;
    }

    @Test
    void fluentBitShipsStructuredEcsLogsOverTls() {
        Map<String, Object> values = Yamls.parseAll(
                Scratch.read(ClusterFiles.clusterResources().resolve(FLUENT_BIT))).get(0);
        assertThat(problems(values)).isEmpty();
    }

    @Test
    void indexTemplateMapsTheCorrelationIdAndTheIlmPolicy() {
        String template = Scratch.read(ClusterFiles.clusterResources().resolve("logging/setup/index-template.json"));
        var json = com.google.gson.JsonParser.parseString(template).getAsJsonObject();
        assertThat(json.getAsJsonObject("template").getAsJsonObject("mappings").getAsJsonObject("properties")
                .getAsJsonObject("correlationId").get("type").getAsString()).isEqualTo("keyword");
        assertThat(json.getAsJsonObject("template").getAsJsonObject("settings").get("index.lifecycle.name")
                .getAsString()).isEqualTo("k8s-logs");
        var policy = com.google.gson.JsonParser.parseString(Scratch.read(
                ClusterFiles.clusterResources().resolve("logging/setup/ilm-policy.json"))).getAsJsonObject();
        assertThat(policy.getAsJsonObject("policy").getAsJsonObject("phases").getAsJsonObject("delete")
                .get("min_age").getAsString()).matches("[0-9]+d");
    }

    @Test
    @SuppressWarnings("unchecked")
    void plantedMissingMergeAndTlsFail() {
        Map<String, Object> values = Yamls.parseAll(
                Scratch.read(ClusterFiles.clusterResources().resolve(FLUENT_BIT))).get(0);
        Map<String, Object> config = (Map<String, Object>) values.get("config");
        config.put("filters", ((String) config.get("filters")).replace("Merge_Log On", "Merge_Log Off"));
        config.put("outputs", ((String) config.get("outputs")).replace("tls On", "tls Off"));
        values.put("env", List.of(Map.of("name", "ES_PASSWORD", "value", "changeme")));
        assertThat(problems(values)).hasSize(3);
    }
}
