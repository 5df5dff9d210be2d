package io.crm.checks.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.crm.checks.Tools;
import io.crm.checks.Scratch;
import io.crm.checks.Yamls;

/** promtool checks the alert rules (the source file and the rendered PrometheusRule) and runs their unit tests. */
class PromtoolTest {

    static final String RULES = "charts/crm/files/prometheus/crm-alerts.rules.yaml";
    static final String TESTS = "monitoring/tests/crm-alerts.test.yaml";

    static Tools.Result promtool(Path dir, String... args) {
        String[] cmd = new String[args.length + 1];
        cmd[0] = Tools.require("promtool");
        System.arraycopy(args, 0, cmd, 1, args.length);
        return Tools.run(dir, ClusterFiles.TOOL_TIMEOUT, cmd);
    }

    @Test
    void rulesFileIsValid() {
        Tools.Result r = promtool(ClusterFiles.clusterResources(), "check", "rules", RULES);
        assertThat(r.ok()).as(r.output()).isTrue();
        assertThat(r.output()).contains("SUCCESS: 13 rules found");
    }

    @Test
    void renderedPrometheusRuleIsValid(@TempDir Path tmp) {
        var objs = Rendering.all().get("helm:values-prod.yaml").objects();
        Map<String, Object> rule = KustomizeTest.find(objs, "PrometheusRule", "crm-alerts");
        Map<String, Object> file = new LinkedHashMap<>();
        file.put("groups", Yq.get(rule, "spec.groups"));
        Path rendered = tmp.resolve("rendered.rules.yaml");
        Scratch.write(rendered, Yamls.yaml().dump(file));
        Tools.Result r = promtool(tmp, "check", "rules", rendered.toString());
        assertThat(r.ok()).as(r.output()).isTrue();
        assertThat(r.output()).contains("SUCCESS: 13 rules found");
    }

    @Test
    void unitTestsPass() {
        Tools.Result r = promtool(ClusterFiles.clusterResources(), "test", "rules", TESTS);
        assertThat(r.ok()).as(r.output()).isTrue();
        assertThat(r.output()).contains("SUCCESS");
    }

    @Test
    void plantedBrokenExpressionFailsCheck(@TempDir Path tmp) {
        Path copy = ClusterFiles.copyOfClusterResources(tmp);
        Scratch.plant(copy.resolve(RULES), "expr: up{job=\"crm\"} == 0", "expr: up{job=\"crm\" == 0");
        Tools.Result r = promtool(copy, "check", "rules", RULES);
        assertThat(r.ok()).as(r.output()).isFalse();
    }

    @Test
    void plantedWrongThresholdFailsUnitTests(@TempDir Path tmp) {
        Path copy = ClusterFiles.copyOfClusterResources(tmp);
        // A 50% threshold would let the 10% 5xx ratio of the test series pass unnoticed.
        Scratch.plant(copy.resolve(RULES), "> 0.05", "> 0.5");
        Tools.Result r = promtool(copy, "test", "rules", TESTS);
        assertThat(r.ok()).as(r.output()).isFalse();
        assertThat(r.output()).contains("CrmApiHighErrorRatio");
    }

    @Test
    void plantedRestoreTestAlertThatIgnoresNewerRunsFailsUnitTests(@TempDir Path tmp) {
        Path copy = ClusterFiles.copyOfClusterResources(tmp);
        // Without the "newest Job" clause an old failure would keep paging after a newer restore test passed.
        Scratch.plant(copy.resolve(RULES),
                "  kube_job_failed{condition=\"true\", job_name=~\".*crm-mongodb-restore-test-[0-9]+\"} == 1\n"
                        + "            and on (namespace, job_name)\n",
                "  kube_job_failed{condition=\"true\", job_name=~\".*crm-mongodb-restore-test-[0-9]+\"} == 1\n"
                        + "            or on (namespace, job_name)\n");
        Tools.Result r = promtool(copy, "test", "rules", TESTS);
        assertThat(r.ok()).as(r.output()).isFalse();
        assertThat(r.output()).contains("CrmBackupRestoreTestFailed");
    }

    @Test
    void plantedRestoreTestAlertOnAnyFailedJobFailsUnitTests(@TempDir Path tmp) {
        Path copy = ClusterFiles.copyOfClusterResources(tmp);
        // A job_name pattern wide enough to take in the backup Jobs would report their failures as restore failures.
        Path rules = copy.resolve(RULES);
        String text = Scratch.read(rules);
        String pattern = "job_name=~\".*crm-mongodb-restore-test-[0-9]+\"";
        assertThat(text.split(java.util.regex.Pattern.quote(pattern), -1)).hasSize(4);
        Scratch.write(rules, text.replace(pattern, "job_name=~\".*crm-mongodb-.*\""));
        Tools.Result r = promtool(copy, "test", "rules", TESTS);
        assertThat(r.ok()).as(r.output()).isFalse();
        assertThat(r.output()).contains("CrmBackupRestoreTestFailed");
    }

    @Test
    void plantedRestoreTestStalenessWithoutTheNeverPassedCaseFailsUnitTests(@TempDir Path tmp) {
        Path copy = ClusterFiles.copyOfClusterResources(tmp);
        // Only the last-success clause: a restore test that never passed would never alert.
        Scratch.plant(copy.resolve(RULES), "restore-test\"} > 36 * 3600\n            or\n",
                "restore-test\"} > 36 * 3600\n            and\n");
        Tools.Result r = promtool(copy, "test", "rules", TESTS);
        assertThat(r.ok()).as(r.output()).isFalse();
        assertThat(r.output()).contains("CrmBackupRestoreTestNotSucceeded");
    }

    @Test
    void plantedMissingForFailsUnitTests(@TempDir Path tmp) {
        Path copy = ClusterFiles.copyOfClusterResources(tmp);
        // Without "for: 2m" the MongoDB alert would page on a single failed scrape.
        Scratch.plant(copy.resolve(RULES), "statefulset=~\".*crm-mongodb\"} < 1\n        for: 2m\n",
                "statefulset=~\".*crm-mongodb\"} < 1\n");
        Tools.Result r = promtool(copy, "test", "rules", TESTS);
        assertThat(r.ok()).as(r.output()).isFalse();
    }
}
