package io.crm.checks.container;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.crm.checks.Repo;
import io.crm.checks.Shellcheck;
import io.crm.checks.Tools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * scripts/install-test-tools.sh (run by the test command, as root in CI) must never stop a user's own services or
 * processes: it stops and kills nothing, and installs packages under a policy-rc.d that forbids starting services,
 * putting back whatever policy-rc.d was there before. The function is run for real (the script sourced) against a
 * scratch policy file and a stand-in apt-get that asks the policy the way invoke-rc.d does.
 */
class InstallTestToolsScriptTest {

    private static final Duration TIMEOUT = Duration.ofMinutes(1);
    private static final Path SCRIPT = Repo.root().resolve("scripts/install-test-tools.sh");

    /** Commands that stop, kill or restart something that may not be ours. */
    private static final List<Pattern> FORBIDDEN = List.of(
            Pattern.compile("\\b(pkill|killall|kill|start-stop-daemon)\\b"),
            Pattern.compile("\\bsystemctl\\b.*\\b(stop|kill|restart|try-restart|disable|mask|isolate)\\b"),
            Pattern.compile("\\b(service|invoke-rc\\.d)\\s+\\S+\\s+(stop|restart|force-stop|force-reload)\\b"));

    @TempDir
    Path tmp;

    static List<String> stopsOrKills(String script) {
        List<String> problems = new ArrayList<>();
        script.lines().map(line -> line.replaceFirst("(^|\\s)#.*$", "")).forEach(line -> {
            for (Pattern forbidden : FORBIDDEN) {
                if (forbidden.matcher(line).find()) {
                    problems.add("stops or kills a process: " + line.strip());
                }
            }
        });
        return problems;
    }

    @Test
    void scriptPassesShellcheck() {
        Tools.Result result = Shellcheck.run(Repo.root(), SCRIPT);
        assertThat(result.exitCode()).as(result.output()).isZero();
    }

    @Test
    void scriptStopsAndKillsNothing() throws IOException {
        assertThat(stopsOrKills(Files.readString(SCRIPT))).isEmpty();
    }

    @Test
    void theStopRuleCatchesPlantedStops() throws IOException {
        String script = Files.readString(SCRIPT);
        for (String planted : List.of("pkill -x nginx 2>/dev/null || true", "systemctl stop \"$svc\" || true",
                "killall prometheus", "service nginx stop", "kill \"$(cat /run/nginx.pid)\"")) {
            assertThat(stopsOrKills(script.replace("\nmain() {\n", "\nmain() {\n  " + planted + "\n")))
                    .as(planted).isNotEmpty();
        }
    }

    /** Sources {@code script}, points it at a scratch policy file and installs "nginx prometheus" with a fake apt. */
    private Tools.Result install(Path script, Path policy, int aptExit) throws IOException {
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path aptGet = bin.resolve("apt-get");
        // What invoke-rc.d and deb-systemd-invoke do before starting a service: run policy-rc.d, 101 = not allowed.
        Files.writeString(aptGet, """
                #!/usr/bin/env bash
                if [[ -x $POLICY ]]; then "$POLICY" nginx start; echo "$?" >"$RECORD"; else echo none >"$RECORD"; fi
                exit "$APT_EXIT"
                """);
        Files.setPosixFilePermissions(aptGet, PosixFilePermissions.fromString("rwxr-xr-x"));
        String command = "source \"$1\"; POLICY_RC_D=\"$2\"; install_without_starting_services nginx prometheus";
        return Tools.run(tmp, TIMEOUT, Map.of("PATH", bin + ":" + System.getenv("PATH"), "POLICY", policy.toString(),
                        "RECORD", tmp.resolve("record").toString(), "APT_EXIT", String.valueOf(aptExit)),
                List.of(Tools.require("bash"), "-c", command, "bash", script.toString(), policy.toString()));
    }

    private String recorded() throws IOException {
        return Files.readString(tmp.resolve("record")).strip();
    }

    private List<String> filesBeside(Path policy) throws IOException {
        try (Stream<Path> files = Files.list(policy.getParent())) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void installsUnderAPolicyThatStartsNothingAndPutsBackTheUsersPolicy() throws IOException {
        Path policy = Files.createDirectories(tmp.resolve("sbin")).resolve("policy-rc.d");
        String users = "#!/bin/sh\n# the machine owner's own policy: allow everything\nexit 0\n";
        Files.writeString(policy, users);
        Files.setPosixFilePermissions(policy, PosixFilePermissions.fromString("rwx------"));

        Tools.Result result = install(SCRIPT, policy, 0);
        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(recorded()).as("policy-rc.d exit status during the install").isEqualTo("101");
        assertThat(Files.readString(policy)).isEqualTo(users);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(policy))).isEqualTo("rwx------");
        assertThat(filesBeside(policy)).containsExactly("policy-rc.d");
    }

    @Test
    void removesItsPolicyWhenThereWasNoneAndAlsoWhenTheInstallFails() throws IOException {
        Path policy = Files.createDirectories(tmp.resolve("sbin")).resolve("policy-rc.d");
        Tools.Result ok = install(SCRIPT, policy, 0);
        assertThat(ok.exitCode()).as(ok.output()).isZero();
        assertThat(recorded()).isEqualTo("101");
        assertThat(policy).doesNotExist();

        Files.writeString(policy, "#!/bin/sh\nexit 0\n");
        Files.setPosixFilePermissions(policy, PosixFilePermissions.fromString("rwxr-xr-x"));
        Tools.Result failed = install(SCRIPT, policy, 100);
        assertThat(failed.exitCode()).as("apt-get's failure ends the script").isNotZero();
        assertThat(recorded()).isEqualTo("101");
        assertThat(Files.readString(policy)).isEqualTo("#!/bin/sh\nexit 0\n");
        assertThat(filesBeside(policy)).containsExactly("policy-rc.d");
    }

    @Test
    void thePolicyCheckCatchesAPolicyThatAllowsStarting() throws IOException {
        Path planted = tmp.resolve("install-test-tools.sh");
        String script = Files.readString(SCRIPT);
        assertThat(script).contains("\\nexit 101\\n");
        Files.writeString(planted, script.replace("\\nexit 101\\n", "\\nexit 0\\n"));
        Path policy = Files.createDirectories(tmp.resolve("sbin")).resolve("policy-rc.d");
        Tools.Result result = install(planted, policy, 0);
        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(recorded()).as("the planted policy lets services start").isNotEqualTo("101");
    }
}
