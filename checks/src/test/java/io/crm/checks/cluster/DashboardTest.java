package io.crm.checks.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/** The Grafana dashboard shipped as a ConfigMap is importable and portable (stable uid, datasource variable). */
class DashboardTest {

    static List<String> problems(String json) {
        List<String> out = new ArrayList<>();
        JsonObject d;
        try {
            d = JsonParser.parseString(json).getAsJsonObject();
        } catch (RuntimeException e) {
            out.add("not JSON: " + e.getMessage());
            return out;
        }
        if (!d.has("uid") || !d.get("uid").getAsString().matches("[a-z0-9-]{1,40}")) {
            out.add("stable uid missing");
        }
        boolean datasourceVar = false;
        for (JsonElement v : d.getAsJsonObject("templating").getAsJsonArray("list")) {
            JsonObject o = v.getAsJsonObject();
            datasourceVar |= "datasource".equals(o.get("name").getAsString())
                    && "datasource".equals(o.get("type").getAsString());
        }
        if (!datasourceVar) {
            out.add("no ${datasource} variable");
        }
        List<String> titles = new ArrayList<>();
        for (JsonElement p : d.getAsJsonArray("panels")) {
            JsonObject panel = p.getAsJsonObject();
            titles.add(panel.get("title").getAsString());
            if ("row".equals(panel.get("type").getAsString())) {
                continue;
            }
            for (JsonElement t : panel.getAsJsonArray("targets")) {
                String expr = t.getAsJsonObject().get("expr").getAsString();
                if (expr.contains("rate(") && expr.matches("(?s).*\\[[0-9]+[smh]\\].*") && !expr.contains("[15m]")) {
                    out.add(panel.get("title") + ": fixed rate window instead of $__rate_interval: " + expr);
                }
            }
        }
        datasources("", d, out);
        String all = String.join("|", titles) + json;
        for (String needed : List.of("Request rate", "error ratio", "Latency", "Heap", "GC", "pool")) {
            if (!all.contains(needed)) {
                out.add("missing panel: " + needed);
            }
        }
        for (String metric : List.of("http_server_requests_seconds_count", "http_server_requests_seconds_bucket",
                "jvm_memory_used_bytes", "mongodb_driver_pool_size", "mongodb_driver_pool_checkedout")) {
            if (!json.contains(metric)) {
                out.add("dashboard does not use " + metric);
            }
        }
        return out;
    }

    /** Every datasource reference (panels, targets, query variables) goes through the ${datasource} variable. */
    static void datasources(String path, JsonElement e, List<String> out) {
        if (e.isJsonObject()) {
            for (var entry : e.getAsJsonObject().entrySet()) {
                JsonElement v = entry.getValue();
                if ("datasource".equals(entry.getKey()) && v.isJsonObject()
                        && !"${datasource}".equals(v.getAsJsonObject().get("uid").getAsString())) {
                    out.add(path + "/datasource is not ${datasource}: " + v);
                }
                datasources(path + "/" + entry.getKey(), v, out);
            }
        } else if (e.isJsonArray()) {
            int i = 0;
            for (JsonElement v : e.getAsJsonArray()) {
                datasources(path + "/" + i++, v, out);
            }
        }
    }

    static String shippedJson() {
        var objs = Rendering.all().get("helm:values-prod.yaml").objects();
        Map<String, Object> cm = KustomizeTest.find(objs, "ConfigMap", "crm-dashboard");
        assertThat(Yq.get(cm, "metadata.labels.grafana_dashboard")).isEqualTo("1");
        assertThat(Yq.get(cm, "metadata.namespace")).isEqualTo("monitoring");
        return (String) Yq.get(cm, "data.crm-overview\\.json");
    }

    @Test
    void shippedDashboardIsPortable() {
        String json = shippedJson();
        assertThat(problems(json)).isEmpty();
        assertThat(json).contains("$__rate_interval");
    }

    @Test
    void plantedFixedWindowAndHardcodedDatasourceFail() {
        String broken = shippedJson().replaceFirst("\\$__rate_interval", "5m")
                .replaceFirst("\"uid\": \"\\$\\{datasource\\}\"", "\"uid\": \"P1809F7CD0C75ACF3\"");
        assertThat(problems(broken)).hasSize(2);
        assertThat(problems("{ not json")).singleElement().asString().startsWith("not JSON");
    }
}
