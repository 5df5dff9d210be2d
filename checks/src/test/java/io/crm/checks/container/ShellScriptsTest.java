package io.crm.checks.container;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import io.crm.checks.Repo;
import io.crm.checks.Shellcheck;
import io.crm.checks.Tools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** shellcheck on the delivery scripts of issue 5 (e2e and rehearsal), and the e2e script's failure contract. */
class ShellScriptsTest {

    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    @TempDir
    Path tmp;

    static List<Path> scripts() throws IOException {
        List<Path> scripts = new ArrayList<>();
        for (String dir : List.of("e2e", "deploy/local")) {
            try (Stream<Path> files = Files.list(Repo.root().resolve(dir))) {
                files.filter(f -> f.toString().endsWith(".sh")).sorted().forEach(scripts::add);
            }
        }
        return scripts;
    }

    private static Tools.Result shellcheck(Path... files) {
        return Shellcheck.run(Repo.root(), files);
    }

    @Test
    void everyScriptPassesShellcheck() throws IOException {
        List<Path> scripts = scripts();
        assertThat(scripts).extracting(p -> p.getFileName().toString())
                .contains("run.sh", "rehearsal.sh", "render-nginx-conf.sh", "verify-acked.sh");
        Tools.Result result = shellcheck(scripts.toArray(Path[]::new));
        assertThat(result.exitCode()).as(result.output()).isZero();
        for (Path script : scripts) {
            assertThat(Files.isExecutable(script)).as(script + " is executable").isTrue();
            assertThat(Files.readString(script)).startsWith("#!/usr/bin/env bash\n").contains("set -");
        }
    }

    @Test
    void shellcheckCatchesAPlantedError() throws IOException {
        Path copy = tmp.resolve("run.sh");
        String original = Files.readString(Repo.root().resolve("e2e/run.sh"));
        Files.writeString(copy, original.replace("BODY=$(cat \"$work/body\")", "BODY=$(cat $work/body)"));
        Tools.Result result = shellcheck(copy);
        assertThat(result.exitCode()).isNotZero();
        assertThat(result.output()).contains("SC2086");
    }

    @Test
    void e2eStopsAtTheFirstFailureWithTheSummaryLine() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Tools.Result result = Tools.run(Repo.root(), TIMEOUT, List.of(Tools.require("bash"),
                Repo.root().resolve("e2e/run.sh").toString(), "http://127.0.0.1:" + closedPort));
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.output()).contains("FAIL GET /health is healthy");
        assertThat(result.output().strip().lines().reduce((a, b) -> b)).contains("0 passed, 1 failed");
    }

    @Test
    void verifyAckedFindsALostWrite() throws IOException {
        Path acks = Files.createDirectories(tmp.resolve("acks"));
        Files.writeString(acks.resolve("acked-a-1.txt"), "p-1\np-2\n");
        Files.writeString(acks.resolve("acked-a-2.txt"), "p-3\n");
        Path persons = tmp.resolve("persons.json");
        String script = Repo.root().resolve("deploy/local/verify-acked.sh").toString();

        Files.writeString(persons, "[{\"person_id\":\"p-1\"},{\"person_id\":\"p-2\"},{\"person_id\":\"p-3\"},{\"person_id\":\"x\"}]");
        Tools.Result ok = Tools.run(tmp, TIMEOUT, List.of(Tools.require("bash"), script, acks.toString(), persons.toString()));
        assertThat(ok.exitCode()).as(ok.output()).isZero();
        assertThat(ok.output()).contains("acked=3 missing=0");

        // Planted: p-2 was acknowledged but is not stored.
        Files.writeString(persons, "[{\"person_id\":\"p-1\"},{\"person_id\":\"p-3\"}]");
        Tools.Result lost = Tools.run(tmp, TIMEOUT, List.of(Tools.require("bash"), script, acks.toString(), persons.toString()));
        assertThat(lost.exitCode()).isNotZero();
        assertThat(lost.output()).contains("acked=3 missing=1", "p-2");
    }
}
