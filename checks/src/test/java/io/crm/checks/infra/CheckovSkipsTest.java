package io.crm.checks.infra;

import static org.assertj.core.api.Assertions.assertThat;

import io.crm.checks.Repo;
import io.crm.checks.Scratch;
import io.crm.checks.Yamls;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * checkov cannot run on these machines (no PyPI), so what makes it pass on GitHub is held here offline: every inline
 * skip in infrastructure/ names one rule and says why in words, sits inside the resource it exempts, and never
 * exempts a rule the code fixes for real; infra.yml runs a pinned checkov on the Terraform framework without
 * soft-fail, and the plan job still waits for the static job; tflint's AWS ruleset is pinned. Each rule is also
 * shown to fail on a planted error. Whether checkov 3.3.30 really passes is verified only by the infra workflow.
 */
class CheckovSkipsTest {

    private static final Path INFRA = Repo.root().resolve("infrastructure");
    private static final Path INFRA_YML = Repo.root().resolve(".github/workflows/infra.yml");
    static final String CHECKOV_VERSION = "3.3.30";

    /** Rules the Terraform satisfies for real (docs/infrastructure.md, "checkov"): skipping one hides a regression. */
    static final Set<String> FIXED_FOR_REAL = Set.of(
            "CKV_AWS_37", "CKV_AWS_58", "CKV_AWS_158", "CKV_AWS_338", "CKV2_AWS_11", "CKV2_AWS_12", "CKV_AWS_130",
            "CKV_AWS_51", "CKV_AWS_136", "CKV_AWS_163", "CKV_AWS_79", "CKV_AWS_341", "CKV_AWS_7", "CKV_AWS_33",
            "CKV_AWS_21", "CKV_AWS_145", "CKV2_AWS_6", "CKV2_AWS_61");

    private static final Pattern SKIP = Pattern.compile("checkov:skip=(\\S*)");
    private static final Pattern WELL_FORMED = Pattern.compile(
            "^\\s+#\\s?checkov:skip=(CKV2?_AWS_\\d+):(\\S.*)$");
    private static final Pattern BLOCK_START = Pattern.compile("^(resource|data|module) \"[^\"]+\"( \"[^\"]+\")? \\{");

    private static Path work;

    @BeforeAll
    static void scratch() throws IOException {
        work = Files.createTempDirectory("checkov-skips");
    }

    @AfterAll
    static void cleanUp() {
        Scratch.deleteTree(work);
    }

    static List<String> violations(Path infra, String infraYml) {
        List<String> out = new ArrayList<>();
        for (Path tf : tfFiles(infra)) {
            String rel = infra.relativize(tf).toString();
            List<String> lines = Scratch.read(tf).lines().toList();
            String block = null;
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                if (BLOCK_START.matcher(line).find()) {
                    block = line;
                } else if (!line.isEmpty() && !Character.isWhitespace(line.charAt(0))) {
                    block = null; // the block's closing brace, or a top-level line (locals, comments, ...)
                }
                Matcher any = SKIP.matcher(line);
                if (!any.find()) {
                    continue;
                }
                String where = rel + ":" + (i + 1);
                Matcher m = WELL_FORMED.matcher(line);
                if (!m.matches()) {
                    out.add(where + ": skip must read '#checkov:skip=CKV_AWS_<n>:<reason>' inside a block: " + line.strip());
                    continue;
                }
                String rule = m.group(1);
                String reason = m.group(2).strip();
                if (reason.split("\\s+").length < 4 || reason.length() < 20) {
                    out.add(where + ": skip of " + rule + " needs a reason in words (4+ words): '" + reason + "'");
                }
                if (block == null || !BLOCK_START.matcher(block).find() || block.startsWith("module")) {
                    out.add(where + ": skip of " + rule + " is not inside a resource or data block");
                }
                if (FIXED_FOR_REAL.contains(rule)) {
                    out.add(where + ": " + rule + " is fixed in the code; a skip would hide its regression");
                }
            }
        }
        // A config file could soft-fail or skip rules behind the inline skips' back.
        for (String name : List.of(".checkov.yaml", ".checkov.yml")) {
            if (Files.exists(infra.resolve(name))) {
                out.add(name + ": no checkov config file; skips are inline at the resource with their reason");
            }
        }
        out.addAll(workflowViolations(infraYml));
        String tflint = Scratch.read(infra.resolve(".tflint.hcl"));
        if (!Pattern.compile("plugin \"aws\" \\{[^}]*version\\s*=\\s*\"\\d+\\.\\d+\\.\\d+\"[^}]*source\\s*=\\s*\"github.com/terraform-linters/tflint-ruleset-aws\"",
                Pattern.DOTALL).matcher(tflint).find()) {
            out.add(".tflint.hcl: the aws ruleset must be enabled with a pinned version");
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    static List<String> workflowViolations(String infraYml) {
        List<String> out = new ArrayList<>();
        Map<String, Object> wf = Yamls.parseAll(infraYml).get(0);
        Map<String, Object> jobs = (Map<String, Object>) wf.get("jobs");
        Map<String, Object> stat = (Map<String, Object>) jobs.get("static");
        List<Map<String, Object>> steps = stat == null ? List.of() : (List<Map<String, Object>>) stat.get("steps");
        List<Map<String, Object>> checkov = steps.stream()
                .filter(s -> String.valueOf(s.get("run")).contains("checkov")).toList();
        if (checkov.size() != 1) {
            out.add("infra.yml: the static job needs exactly one checkov step, found " + checkov.size());
        } else {
            Map<String, Object> step = checkov.get(0);
            String run = String.valueOf(step.get("run"));
            if (!run.contains("checkov==" + CHECKOV_VERSION)) {
                out.add("infra.yml: checkov must be pinned to " + CHECKOV_VERSION);
            }
            if (!Pattern.compile("checkov\" --directory \\. --framework terraform(\\s|$)").matcher(run).find()) {
                out.add("infra.yml: checkov must scan infrastructure/ with --framework terraform");
            }
            if (run.contains("soft-fail") || run.contains("soft_fail") || run.contains("|| true")
                    || Boolean.TRUE.equals(step.get("continue-on-error")) || step.containsKey("if")) {
                out.add("infra.yml: checkov must fail the job (no --soft-fail, || true, continue-on-error or if)");
            }
        }
        if (Boolean.TRUE.equals(stat == null ? null : stat.get("continue-on-error"))) {
            out.add("infra.yml: the static job must not continue on error");
        }
        Map<String, Object> plan = (Map<String, Object>) jobs.get("plan");
        Object needs = plan == null ? null : plan.get("needs");
        boolean needsStatic = "static".equals(needs) || (needs instanceof List<?> l && l.contains("static"));
        if (!needsStatic) {
            out.add("infra.yml: the plan job must need the static job (no plan of code that fails checkov)");
        }
        return out;
    }

    private static List<Path> tfFiles(Path infra) {
        try (Stream<Path> s = Files.walk(infra)) {
            return s.filter(p -> p.toString().endsWith(".tf"))
                    .filter(p -> !infra.relativize(p).toString().contains(".terraform"))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String realYml() {
        return Scratch.read(INFRA_YML);
    }

    @Test
    void repositoryHoldsTheRules() {
        assertThat(violations(INFRA, realYml())).isEmpty();
    }

    @Test
    void thereAreSkipsAndEachNamesItsRule() throws IOException {
        // The check above must have something to check: the skips this change made exist.
        long skips = tfFiles(INFRA).stream().mapToLong(p -> SKIP.matcher(Scratch.read(p)).results().count()).sum();
        assertThat(skips).isGreaterThanOrEqualTo(10);
    }

    // ---- planted errors

    private static Path copy(String name) {
        Path c = work.resolve(name);
        Scratch.copyTree(INFRA, c, ".terraform");
        return c;
    }

    private static final String EKS_SKIP =
            "#checkov:skip=CKV_AWS_39:public endpoint kept for operators, restricted to endpoint_public_access_cidrs (never 0.0.0.0/0)";

    @Test
    void failsOnSkipWithoutReason() {
        Path c = copy("no-reason");
        Scratch.plant(c.resolve("modules/eks/main.tf"), EKS_SKIP, "#checkov:skip=CKV_AWS_39");
        assertThat(violations(c, realYml())).anyMatch(v -> v.contains("modules/eks/main.tf") && v.contains("must read"));
    }

    @Test
    void failsOnOneWordReason() {
        Path c = copy("short-reason");
        Scratch.plant(c.resolve("modules/eks/main.tf"), EKS_SKIP, "#checkov:skip=CKV_AWS_39:needed");
        assertThat(violations(c, realYml())).anyMatch(v -> v.contains("needs a reason in words"));
    }

    @Test
    void failsOnSkipWithoutRuleId() {
        Path c = copy("no-rule");
        Scratch.plant(c.resolve("modules/eks/main.tf"), EKS_SKIP,
                "#checkov:skip=public endpoint kept for operators, restricted to the CIDRs");
        assertThat(violations(c, realYml())).anyMatch(v -> v.contains("must read"));
    }

    @Test
    void failsOnSkipOutsideAResource() {
        Path c = copy("top-level");
        Path f = c.resolve("modules/ecr/main.tf");
        Scratch.write(f, "#checkov:skip=CKV_AWS_51:tags may be moved when a release is redone by hand\n" + Scratch.read(f));
        assertThat(violations(c, realYml())).anyMatch(v -> v.contains("modules/ecr/main.tf:1") && v.contains("must read"));
        Scratch.plant(f, "#checkov:skip=CKV_AWS_51", "  #checkov:skip=CKV_AWS_51");
        assertThat(violations(c, realYml())).anyMatch(v -> v.contains("not inside a resource"));
    }

    @Test
    void failsOnSkipOfARuleFixedForReal() {
        Path c = copy("fixed-rule");
        Scratch.plant(c.resolve("modules/network/main.tf"), "resource \"aws_flow_log\" \"this\" {\n",
                "resource \"aws_flow_log\" \"this\" {\n  #checkov:skip=CKV2_AWS_11:flow logs cost money we would rather not spend\n");
        assertThat(violations(c, realYml())).anyMatch(v -> v.contains("CKV2_AWS_11 is fixed in the code"));
    }

    @Test
    void failsOnCheckovConfigFile() {
        Path c = copy("config-file");
        Scratch.write(c.resolve(".checkov.yaml"), "soft-fail: true\n");
        assertThat(violations(c, realYml())).anyMatch(v -> v.contains(".checkov.yaml"));
    }

    @Test
    void failsOnUnpinnedCheckov() {
        String yml = realYml().replace("checkov==" + CHECKOV_VERSION, "checkov");
        assertThat(workflowViolations(yml)).anyMatch(v -> v.contains("pinned"));
        assertThat(workflowViolations(realYml().replace("checkov==" + CHECKOV_VERSION, "checkov==3.2.506")))
                .anyMatch(v -> v.contains("pinned"));
    }

    @Test
    void failsOnSoftFail() {
        String yml = realYml().replace("--framework terraform --quiet", "--framework terraform --soft-fail --quiet");
        assertThat(yml).isNotEqualTo(realYml());
        assertThat(workflowViolations(yml)).anyMatch(v -> v.contains("must fail the job"));
    }

    @Test
    void failsOnOtherFramework() {
        String yml = realYml().replace("--framework terraform", "--framework terraform_plan");
        assertThat(workflowViolations(yml)).anyMatch(v -> v.contains("--framework terraform"));
    }

    @Test
    void failsWhenPlanNoLongerNeedsStatic() {
        String yml = realYml().replace("    needs: static\n", "");
        assertThat(yml).isNotEqualTo(realYml());
        assertThat(workflowViolations(yml)).anyMatch(v -> v.contains("plan job must need the static job"));
    }

    @Test
    void failsOnUnpinnedTflintRuleset() {
        Path c = copy("tflint");
        Scratch.plant(c.resolve(".tflint.hcl"), "  version = \"0.38.0\"\n", "");
        assertThat(violations(c, realYml())).anyMatch(v -> v.contains(".tflint.hcl"));
    }
}
