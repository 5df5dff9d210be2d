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
 * The EFK settings (the Fluent Bit chart is not available offline) that make the app's ECS JSON logs arrive as
 * structured, searchable fields in the ECK Elasticsearch 8, and the setup Job that maps them reaches the same service
 * with the same credentials.
 */
class LoggingValuesTest {

    static final String FLUENT_BIT = "logging/fluent-bit-values.yaml";
    /** What ECK creates for the Elasticsearch named "logs" (cluster-resources/logging/elasticsearch.yaml). */
    static final String ES_NAME = "logs";
    static final String ES_SERVICE = ES_NAME + "-es-http";
    static final String ES_USER_SECRET = ES_NAME + "-es-elastic-user";
    static final String ES_CA_SECRET = ES_NAME + "-es-http-certs-public";

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
        // The password comes from the Secret ECK generates for the elastic user, never from the values file.
        String env = String.valueOf(values.get("env"));
        if (!env.contains("secretKeyRef") || !env.contains(ES_USER_SECRET)) {
            out.add("ES credentials are not read from the " + ES_USER_SECRET + " Secret");
        }
        // ECK's HTTPS Service, verified with the CA ECK publishes.
        String outputs = config == null ? "" : String.valueOf(config.get("outputs"));
        if (!Pattern.compile("(?m)^\\s+Host\\s+" + Pattern.quote(ES_SERVICE) + "(\\.logging\\.svc)?\\s*$")
                .matcher(outputs).find()) {
            out.add("config.outputs does not ship to the ECK service " + ES_SERVICE);
        }
        if (!String.valueOf(values.get("extraVolumes")).contains(ES_CA_SECRET)) {
            out.add("the CA is not mounted from " + ES_CA_SECRET);
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
        config.put("outputs", ((String) config.get("outputs")).replace(ES_SERVICE, "elasticsearch-master"));
        assertThat(problems(values)).hasSize(4);
    }

    @Test
    void theSetupJobUsesTheEckServiceAndCredentials() {
        var objs = Rendering.all().get("kustomize:logging/setup").objects();
        assertThat(setupProblems(objs, Rendering.all().get("kustomize:logging").objects())).isEmpty();
    }

    @Test
    void plantedOldServiceInTheSetupJobFails() {
        var objs = Rendering.all().get("kustomize:logging/setup").objects();
        String yaml = io.crm.checks.Yamls.yaml().dump(KustomizeTest.find(objs, "Job", "elasticsearch-setup"))
                .replace(ES_SERVICE, "elasticsearch-master").replace(ES_USER_SECRET, "elasticsearch-master-credentials");
        List<String> problems = setupProblems(Yamls.parseAll(yaml), Rendering.all().get("kustomize:logging").objects());
        assertThat(problems).hasSize(2);
        // Renaming the Elasticsearch breaks the link too.
        assertThat(setupProblems(objs, List.of())).singleElement().asString().contains("no Elasticsearch " + ES_NAME);
    }

    /** The Job's URL, user secret and CA are ECK's for the Elasticsearch of cluster-resources/logging. */
    static List<String> setupProblems(List<Map<String, Object>> setup, List<Map<String, Object>> logging) {
        List<String> out = new ArrayList<>();
        if (logging.stream().noneMatch(o -> "Elasticsearch".equals(o.get("kind"))
                && ES_NAME.equals(Yq.get(o, "metadata.name")))) {
            out.add("cluster-resources/logging has no Elasticsearch " + ES_NAME);
        }
        Map<String, Object> job = KustomizeTest.find(setup, "Job", "elasticsearch-setup");
        String text = String.valueOf(Yq.get(job, "spec.template.spec"));
        if (!text.contains("https://" + ES_SERVICE + ":9200")) {
            out.add("the setup Job does not call https://" + ES_SERVICE + ":9200");
        }
        if (!text.contains("name=" + ES_USER_SECRET) || !text.contains("secretName=" + ES_CA_SECRET)) {
            out.add("the setup Job does not read " + ES_USER_SECRET + " and " + ES_CA_SECRET);
        }
        return out;
    }
}
