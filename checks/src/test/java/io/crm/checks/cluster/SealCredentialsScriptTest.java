package io.crm.checks.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.crm.checks.Scratch;
import io.crm.checks.Tools;

/**
 * sealed-secrets/seal-crm-credentials.sh run against stand-ins for kubectl (prints the Secret's literals) and
 * kubeseal (records its arguments, passes or merges what it reads): the credentials it seals include the MongoDB
 * replica set's keyfile, and --add-replica-set-key merges only that key into the existing sealed file.
 */
class SealCredentialsScriptTest {

    static final String KUBECTL = """
            #!/bin/bash
            printf '%s\\n' "$@" | grep -- '^--from-literal=' || true
            """;

    static final String KUBESEAL = """
            #!/bin/bash
            printf '%s\\n' "$@" > "$STUB_DIR/kubeseal.args"
            merge=""
            while (( $# )); do
              if [[ "$1" == --merge-into ]]; then merge="$2"; fi
              shift
            done
            if [[ -n "$merge" ]]; then cat >> "$merge"; else cat; fi
            """;

    static final Pattern KEY = Pattern.compile("(?m)^--from-literal=mongodb-replica-set-key=(.*)$");

    /** Runs a copy of the script (its text given) in a scratch sealed-secrets/ folder; returns the folder. */
    static Tools.Result run(Path tmp, String script, String... args) {
        Path dir = tmp.resolve("sealed-secrets");
        Scratch.write(dir.resolve("seal-crm-credentials.sh"), script);
        Scratch.write(dir.resolve("pub-cert.pem"), "stand-in certificate\n");
        Scratch.write(tmp.resolve("bin/kubectl"), KUBECTL);
        Scratch.write(tmp.resolve("bin/kubeseal"), KUBESEAL);
        for (String f : List.of("bin/kubectl", "bin/kubeseal", "sealed-secrets/seal-crm-credentials.sh")) {
            assertThat(tmp.resolve(f).toFile().setExecutable(true)).isTrue();
        }
        List<String> command = new ArrayList<>(List.of("bash", dir.resolve("seal-crm-credentials.sh").toString()));
        command.addAll(List.of(args));
        return Tools.run(tmp, ClusterFiles.TOOL_TIMEOUT,
                Map.of("PATH", tmp.resolve("bin") + ":" + System.getenv("PATH"), "STUB_DIR", tmp.toString()), command);
    }

    static Path target(Path tmp) {
        return tmp.resolve("sealed-secrets/crm/sealedsecret-crm-credentials.yaml");
    }

    /** What the script gets wrong about the replica set key, in both of its modes. */
    static List<String> violations(Path tmp, String script) {
        List<String> out = new ArrayList<>();
        Path full = tmp.resolve("full");
        Scratch.write(target(full), "");
        Tools.Result sealed = run(full, script);
        String secret = sealed.ok() ? Scratch.read(target(full)) : "";
        Matcher key = KEY.matcher(secret);
        if (!key.find() || !key.group(1).matches("[A-Za-z0-9+/=]{6,1024}")) {
            out.add("the sealed credentials lack a mongodb-replica-set-key of 6-1024 base64 characters: " + sealed.output());
        }
        for (String other : List.of("mongodb-root-password", "mongodb-app-password", "admin-password")) {
            if (!secret.contains("--from-literal=" + other + "=")) {
                out.add("the sealed credentials lack " + other);
            }
        }
        Path add = tmp.resolve("add");
        Scratch.write(target(add), "existing sealed credentials\n");
        Tools.Result added = run(add, script, "--add-replica-set-key");
        String merged = added.ok() ? Scratch.read(target(add)) : "";
        String kubesealArgs = added.ok() ? Scratch.read(add.resolve("kubeseal.args")) : "";
        if (!merged.startsWith("existing sealed credentials\n") || !KEY.matcher(merged).find()
                || merged.contains("password") || !kubesealArgs.contains("--merge-into\n" + target(add))) {
            out.add("--add-replica-set-key must merge only the key into the existing file: " + added.output() + merged);
        }
        if (run(tmp.resolve("none"), script, "--add-replica-set-key").ok()) {
            out.add("--add-replica-set-key must fail when there is no sealed file to add to");
        }
        return out;
    }

    static String script() {
        return Scratch.read(ClusterFiles.clusterResources().resolve(ShellcheckTest.SCRIPT));
    }

    @Test
    void sealsTheReplicaSetKeyWithTheCredentialsOrAddsItAlone(@TempDir Path tmp) {
        assertThat(violations(tmp, script())).isEmpty();
    }

    @Test
    void plantedErrorsAreCaught(@TempDir Path tmp) {
        String script = script();
        String fullKey = "  --from-literal=admin-password=\"$admin_password\" \\\n"
                + "  --from-literal=mongodb-replica-set-key=\"$(replica_set_key)\" |\n";
        assertThat(script).contains(fullKey, "--merge-into \"$target\"", "openssl rand -base64 756 | tr -d '\\n'");
        assertThat(violations(tmp.resolve("a"), script.replace(fullKey,
                "  --from-literal=admin-password=\"$admin_password\" |\n")))
                .anySatisfy(p -> assertThat(p).contains("lack a mongodb-replica-set-key"));
        assertThat(violations(tmp.resolve("b"), script.replace("--merge-into \"$target\"", ">\"$target\"")))
                .anySatisfy(p -> assertThat(p).contains("must merge only the key"));
        assertThat(violations(tmp.resolve("c"), script.replace("openssl rand -base64 756 | tr -d '\\n'",
                "openssl rand -base64 900 | tr -d '\\n'")))
                .anySatisfy(p -> assertThat(p).contains("6-1024 base64"));
    }
}
