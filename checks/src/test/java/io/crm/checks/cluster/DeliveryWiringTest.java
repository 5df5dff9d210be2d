package io.crm.checks.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.crm.checks.Repo;
import io.crm.checks.Scratch;
import io.crm.checks.Yamls;
import org.junit.jupiter.api.Test;

/**
 * The names that cross from one author's files to another's: ci.yml's deploy jobs against set-image-tag.sh, the
 * Argo CD app and the production renders (Helm values-prod and the kustomize prod overlay), and the Terraform
 * names (ECR repository, EKS cluster, backup role, bucket, service account, key prefix) against the same renders.
 */
class DeliveryWiringTest {

    private static final String ACCOUNT = "(\\d{12})";
    private static final String REGION = "([a-z]{2}(?:-[a-z]+)+-\\d)";

    /** The texts and renders compared; the planted-error test changes one of them. */
    record Inputs(String ci, String release, String setImageTag, String argoApp, List<Map<String, Object>> helmProd,
            List<Map<String, Object>> kustomizeProd, Map<String, String> terraform) {

        Inputs with(String file, String from, String to) {
            Map<String, String> tf = new LinkedHashMap<>(terraform);
            if (tf.containsKey(file)) {
                assertThat(tf.get(file)).as("plant anchor in " + file).contains(from);
                tf.put(file, tf.get(file).replace(from, to));
                return new Inputs(ci, release, setImageTag, argoApp, helmProd, kustomizeProd, tf);
            }
            String text = switch (file) {
                case "ci" -> ci;
                case "set-image-tag" -> setImageTag;
                case "argo" -> argoApp;
                default -> throw new IllegalArgumentException(file);
            };
            assertThat(text).as("plant anchor in " + file).contains(from);
            String changed = text.replace(from, to);
            return new Inputs(file.equals("ci") ? changed : ci, release,
                    file.equals("set-image-tag") ? changed : setImageTag, file.equals("argo") ? changed : argoApp,
                    helmProd, kustomizeProd, terraform);
        }
    }

    static final List<String> TERRAFORM_FILES = List.of("envs/prod/main.tf", "envs/prod/variables.tf",
            "modules/backup-access/main.tf", "modules/backup-access/variables.tf", "modules/backup-bucket/main.tf",
            "bootstrap/main.tf", "bootstrap/variables.tf");

    static Inputs real() {
        var root = Repo.root();
        Map<String, String> tf = new LinkedHashMap<>();
        TERRAFORM_FILES.forEach(f -> tf.put(f, Scratch.read(root.resolve("infrastructure").resolve(f))));
        return new Inputs(Scratch.read(root.resolve(".github/workflows/ci.yml")),
                Scratch.read(root.resolve(".github/workflows/release.yml")),
                Scratch.read(ClusterFiles.clusterResources().resolve("scripts/set-image-tag.sh")),
                Scratch.read(ClusterFiles.clusterResources().resolve("argocd/apps/crm.yaml")),
                Rendering.all().get("helm:values-prod.yaml").objects(),
                Rendering.all().get("kustomize:kustomize/overlays/prod").objects(), tf);
    }

    /** The default of a string variable in a variables.tf text; null when absent. */
    /** One `key = <expr>` inside the block that starts with {@code blockHeader}; null when absent. */
    static String tfAttr(String text, String blockHeader, String key) {
        int start = text.indexOf(blockHeader);
        if (start < 0) {
            return null;
        }
        int end = text.indexOf("\n}", start);
        Matcher m = Pattern.compile("(?m)^\\s+" + Pattern.quote(key) + "\\s*=\\s*(.+?)\\s*$")
                .matcher(text.substring(start, end < 0 ? text.length() : end));
        return m.find() ? m.group(1) : null;
    }

    /**
     * A Terraform string template as a regex: ${var.x} -> the variable's default, the caller account and region
     * -> capture groups, anything else unresolvable (so it cannot match by accident).
     */
    static Pattern tfPattern(String template, Map<String, String> vars) {
        String t = template.replaceAll("^\"|\"$", "");
        StringBuilder out = new StringBuilder();
        Matcher m = Pattern.compile("\\$\\{([^}]+)}").matcher(t);
        int last = 0;
        while (m.find()) {
            out.append(Pattern.quote(t.substring(last, m.start())));
            String ref = m.group(1);
            if (ref.startsWith("var.") && vars.get(ref.substring(4)) != null) {
                out.append(Pattern.quote(vars.get(ref.substring(4))));
            } else if (ref.endsWith("account_id")) {
                out.append(ACCOUNT);
            } else if (ref.equals("var.region") || ref.startsWith("data.aws_region.")) {
                out.append(REGION);
            } else {
                out.append("\\Q<unresolved ").append(ref).append(">\\E");
            }
            last = m.end();
        }
        out.append(Pattern.quote(t.substring(last)));
        return Pattern.compile(out.toString());
    }

    static Map<String, Object> find(List<Map<String, Object>> objs, String kind, String name) {
        return objs.stream().filter(o -> kind.equals(o.get("kind")))
                .filter(o -> name.equals(Yq.get(o, "metadata.name"))).findFirst().orElse(null);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> container(Map<String, Object> workload, String podSpecPath, String name) {
        Object list = Yq.get(workload, podSpecPath + ".containers");
        if (list instanceof List<?> l) {
            for (Object c : l) {
                if (c instanceof Map<?, ?> m && name.equals(m.get("name"))) {
                    return (Map<String, Object>) m;
                }
            }
        }
        return null;
    }

    static String env(Map<String, Object> container, String name) {
        if (container != null && container.get("env") instanceof List<?> l) {
            for (Object e : l) {
                if (e instanceof Map<?, ?> m && name.equals(m.get("name"))) {
                    return String.valueOf(m.get("value"));
                }
            }
        }
        return null;
    }

    static List<String> violations(Inputs in) {
        List<String> out = new ArrayList<>();
        Map<String, Object> ci = Yamls.parseAll(in.ci()).get(0);
        String imageName = String.valueOf(Yq.get(ci, "env.IMAGE_NAME"));

        // GitOps deploy: set-image-tag.sh writes the tag, and the commit carries every file it writes for prod.
        StringBuilder runs = new StringBuilder();
        if (Yq.get(ci, "jobs.deploy.steps") instanceof List<?> steps) {
            steps.forEach(s -> runs.append(s instanceof Map<?, ?> m && m.get("run") != null ? m.get("run") + "\n" : ""));
        }
        String deployRun = runs.toString();
        if (!deployRun.contains("cluster-resources/scripts/set-image-tag.sh \"$IMAGE_TAG\" prod")) {
            out.add("ci.yml deploy does not run cluster-resources/scripts/set-image-tag.sh \"$IMAGE_TAG\" prod");
        }
        if (deployRun.matches("(?s).*\\b(yq|sed) -i\\b.*")) {
            out.add("ci.yml deploy edits image tags itself instead of through set-image-tag.sh");
        }
        String prodBlock = in.setImageTag().contains("== prod")
                ? in.setImageTag().substring(in.setImageTag().indexOf("== prod"), in.setImageTag().indexOf("\nfi", in.setImageTag().indexOf("== prod")))
                : "";
        List<String> written = new ArrayList<>();
        Matcher setLine = Pattern.compile("set_line \"\\$here/(\\S+)\"").matcher(prodBlock);
        while (setLine.find()) {
            written.add("cluster-resources/" + setLine.group(1));
        }
        Matcher commit = Pattern.compile("git commit [^\\n]*? -- ([^\\n]+)").matcher(deployRun);
        List<String> committed = commit.find() ? List.of(commit.group(1).strip().split("\\s+")) : List.of();
        if (written.size() < 2) {
            out.add("set-image-tag.sh prod writes fewer than the two prod files (Helm values, kustomize overlay): " + written);
        }
        for (String file : written) {
            if (committed.stream().noneMatch(c -> file.equals(c) || file.startsWith(c.endsWith("/") ? c : c + "/"))) {
                out.add("ci.yml deploy does not commit " + file + " (written by set-image-tag.sh)");
            }
        }
        // Argo CD syncs the chart with a values file that set-image-tag.sh writes.
        Map<String, Object> argo = Yamls.parseAll(in.argoApp()).get(0);
        String valuesFile = Yq.get(argo, "spec.source.path") + "/" + Yq.get(argo, "spec.source.helm.valueFiles.0");
        if (!written.contains(valuesFile)) {
            out.add("Argo CD app crm syncs " + valuesFile + ", which set-image-tag.sh prod does not write");
        }
        String argoNamespace = String.valueOf(Yq.get(argo, "spec.destination.namespace"));

        // One deploy path: the pipeline writes the tag and Argo CD pulls; no job talks to the cluster's API (its
        // endpoint is closed to GitHub's runners). The ancestry check needs the whole history in the checkout.
        if (in.ci().matches("(?s).*\\b(kubectl|helm upgrade|aws eks update-kubeconfig)\\b.*")) {
            out.add("ci.yml talks to the cluster (kubectl/helm/update-kubeconfig): the pipeline deploys by GitOps only");
        }
        if (!in.ci().contains("fetch-depth: 0")) {
            out.add("ci.yml deploy checks out main without its history (fetch-depth: 0): set-image-tag.sh cannot check ancestry");
        }
        for (var render : Map.of("helm values-prod", in.helmProd(), "kustomize prod", in.kustomizeProd()).entrySet()) {
            Map<String, Object> dep = find(render.getValue(), "Deployment", "crm-app");
            Map<String, Object> c = dep == null ? null : container(dep, "spec.template.spec", "crm-app");
            if (c == null) {
                out.add("no deployment/crm-app container crm-app in the " + render.getKey() + " render");
            } else if (!String.valueOf(c.get("image")).matches(".+\\.dkr\\.ecr\\..+/" + Pattern.quote(imageName) + ":[0-9a-f]{40}")) {
                out.add(render.getKey() + " runs " + c.get("image") + ", not the ECR repository " + imageName + " by SHA");
            }
        }
        Map<String, Object> kApp = find(in.kustomizeProd(), "Deployment", "crm-app");
        if (kApp != null && !argoNamespace.equals(Yq.get(kApp, "metadata.namespace"))) {
            out.add("the prod overlay's namespace " + Yq.get(kApp, "metadata.namespace") + " is not Argo CD's " + argoNamespace);
        }

        // Terraform names.
        Map<String, String> tf = in.terraform();
        Map<String, String> prodVars = new LinkedHashMap<>();
        for (String v : List.of("name", "region", "bootstrap_name_prefix", "backup_service_account", "app_namespace")) {
            prodVars.put(v, ClusterFiles.tfDefault(tf.get("envs/prod/variables.tf"), v));
        }
        String ecrName = tfAttr(tf.get("envs/prod/main.tf"), "module \"ecr\"", "name");
        if (!("\"" + imageName + "\"").equals(ecrName) || !in.release().contains("REPOSITORY: " + imageName + "\n")) {
            out.add("ECR repository " + ecrName + " is not the image name " + imageName + " of ci.yml and release.yml");
        }
        // Backup role: modules/backup-access names it from name_prefix, which envs/prod passes in.
        String rolePrefix = tfAttr(tf.get("envs/prod/main.tf"), "module \"backup\"", "name_prefix");
        String roleTemplate = tfAttr(tf.get("modules/backup-access/main.tf"), "resource \"aws_iam_role\" \"backup\"", "name");
        Map<String, String> roleVars = new LinkedHashMap<>();
        if (rolePrefix != null && rolePrefix.startsWith("var.")) {
            roleVars.put("name_prefix", prodVars.get(rolePrefix.substring(4)));
        }
        Pattern role = Pattern.compile("arn:aws:iam::" + ACCOUNT + ":role/"
                + tfPattern(String.valueOf(roleTemplate), roleVars).pattern());
        Pattern bucket = tfPattern(String.valueOf(tfAttr(tf.get("envs/prod/main.tf"), "locals {", "backup_bucket_name")), prodVars);
        // The bucket itself is made by bootstrap with its own name_prefix: both must spell the same name.
        Map<String, String> bootVars = Map.of("name_prefix", String.valueOf(ClusterFiles.tfDefault(tf.get("bootstrap/variables.tf"), "name_prefix")));
        Pattern bootBucket = tfPattern(String.valueOf(tfAttr(tf.get("modules/backup-bucket/main.tf"),
                "resource \"aws_s3_bucket\" \"backup\"", "bucket")), bootVars);
        String prefixDefault = ClusterFiles.tfDefault(tf.get("modules/backup-access/variables.tf"), "prefix");
        for (var render : Map.of("helm values-prod", in.helmProd(), "kustomize prod", in.kustomizeProd()).entrySet()) {
            String where = render.getKey();
            Map<String, Object> sa = find(render.getValue(), "ServiceAccount", String.valueOf(prodVars.get("backup_service_account")));
            String roleArn = sa == null ? null : String.valueOf(Yq.get(sa, "metadata.annotations.eks\\.amazonaws\\.com/role-arn"));
            if (sa == null || !role.matcher(roleArn).matches()) {
                out.add(where + ": service account " + prodVars.get("backup_service_account") + " must carry the role "
                        + role.pattern() + ", has " + roleArn);
            }
            Map<String, Object> cron = find(render.getValue(), "CronJob", "crm-mongodb-backup");
            Map<String, Object> c = null;
            if (cron != null && Yq.get(cron, "spec.jobTemplate.spec.template.spec.containers") instanceof List<?> l) {
                for (Object o : l) {
                    if (o instanceof Map<?, ?> m && env(DeliveryWiringTest.asMap(m), "BACKUP_BUCKET") != null) {
                        c = DeliveryWiringTest.asMap(m);
                    }
                }
            }
            String b = env(c, "BACKUP_BUCKET");
            if (b == null || !bucket.matcher(b).matches() || !bootBucket.matcher(b).matches()) {
                out.add(where + ": backup bucket " + b + " is not the Terraform bucket " + bucket.pattern() + " / " + bootBucket.pattern());
            }
            if (prefixDefault == null || !(env(c, "BACKUP_PREFIX") + "/").equals(prefixDefault)) {
                out.add(where + ": BACKUP_PREFIX " + env(c, "BACKUP_PREFIX") + " is not the role's key prefix " + prefixDefault);
            }
            if (cron != null && sa != null && !prodVars.get("backup_service_account")
                    .equals(Yq.get(cron, "spec.jobTemplate.spec.template.spec.serviceAccountName"))) {
                out.add(where + ": the backup CronJob does not run as " + prodVars.get("backup_service_account"));
            }
        }
        if (!String.valueOf(prodVars.get("app_namespace")).equals(argoNamespace)) {
            out.add("Terraform app_namespace " + prodVars.get("app_namespace") + " (backup role trust, deploy scope) is not "
                    + argoNamespace);
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> asMap(Map<?, ?> m) {
        return (Map<String, Object>) m;
    }

    @Test
    void pipelineClusterAndInfrastructureAgreeOnNames() {
        assertThat(violations(real())).isEmpty();
    }

    @Test
    void plantedMismatchesAreCaught() {
        Inputs in = real();
        assertThat(violations(in.with("ci", "cluster-resources/scripts/set-image-tag.sh \"$IMAGE_TAG\" prod",
                "yq -i '.image.tag = strenv(IMAGE_TAG)' cluster-resources/charts/crm/values-prod.yaml")))
                .anySatisfy(v -> assertThat(v).contains("does not run cluster-resources/scripts/set-image-tag.sh"))
                .anySatisfy(v -> assertThat(v).contains("edits image tags itself"));
        assertThat(violations(in.with("ci", "production [skip ci]\" -- cluster-resources\n",
                "production [skip ci]\" -- cluster-resources/charts/crm/values-prod.yaml\n")))
                .anySatisfy(v -> assertThat(v).contains("does not commit cluster-resources/kustomize/overlays/prod"));
        assertThat(violations(in.with("ci", "fetch-depth: 0", "fetch-depth: 1")))
                .anySatisfy(v -> assertThat(v).contains("without its history"));
        assertThat(violations(in.with("ci", "          exit 1\n", "          exit 1\n      - run: kubectl -n crm rollout status deployment/crm-app\n")))
                .anySatisfy(v -> assertThat(v).contains("deploys by GitOps only"));
        assertThat(violations(in.with("argo", "- values-prod.yaml", "- values-production.yaml")))
                .anySatisfy(v -> assertThat(v).contains("Argo CD app crm syncs"));
        assertThat(violations(in.with("envs/prod/main.tf", "name             = \"crm-app\"", "name             = \"crm\"")))
                .anySatisfy(v -> assertThat(v).contains("ECR repository"));
        assertThat(violations(in.with("modules/backup-access/main.tf", "-mongodb-backup\"", "-backup\"")))
                .anySatisfy(v -> assertThat(v).contains("must carry the role"));
        assertThat(violations(in.with("envs/prod/variables.tf", "default     = \"crm-backup\"", "default     = \"backup\"")))
                .anySatisfy(v -> assertThat(v).contains("service account backup must carry"));
        assertThat(violations(in.with("bootstrap/variables.tf", "default     = \"crm\"", "default     = \"crm-prod\"")))
                .anySatisfy(v -> assertThat(v).contains("backup bucket"));
        assertThat(violations(in.with("modules/backup-access/variables.tf", "default     = \"mongodb/\"",
                "default     = \"mongo/\""))).anySatisfy(v -> assertThat(v).contains("BACKUP_PREFIX"));
    }
}
