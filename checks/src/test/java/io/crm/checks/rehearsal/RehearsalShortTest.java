package io.crm.checks.rehearsal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.crm.checks.Repo;
import io.crm.checks.Tools;
import org.junit.jupiter.api.Test;

/**
 * The zero-downtime rehearsal (deploy/local/rehearsal.sh --short) on loopback with real processes: standalone
 * store, three instances of the packaged jar, nginx, wrk load; rolling restart, kill -9 failover (with the jobs' lease
 * takeover), database outage, persistence, and the job log (no two runs of a job at once). It builds nothing:
 * scripts/test.sh runs the application's ./mvnw verify first, which packages target/crm-*.jar. Bounded: the script's
 * own phases take a few minutes; this test gives it 20 at most.
 */
class RehearsalShortTest {

    @Test
    void shortRehearsalHoldsEveryPromise() throws IOException {
        Path jar = packagedJar();
        for (String tool : List.of("wrk", "nginx", "curl", "jq")) {
            Tools.require(tool);
        }
        Tools.Result result = Tools.run(Repo.root(), Duration.ofMinutes(20),
                List.of(Tools.require("bash"), Repo.root().resolve("deploy/local/rehearsal.sh").toString(),
                        "--short", "--jar", jar.toString()));
        System.out.println(result.output());
        String last = result.output().strip().lines().reduce((a, b) -> b).orElse("");
        Matcher counts = Pattern.compile("^(\\d+) passed, (\\d+) failed$").matcher(last);
        assertThat(counts.matches()).as("summary line, got: " + last).isTrue();
        assertThat(Integer.parseInt(counts.group(2))).as("failed rehearsal assertions:\n" + result.output()).isZero();
        // Every scenario asserted something: e2e 1, rolling >= 10, failover 5, outage 10, persistence 2, jobs 3.
        assertThat(Integer.parseInt(counts.group(1))).isGreaterThanOrEqualTo(31);
        assertThat(result.exitCode()).isZero();
        assertThat(result.output()).contains("== rehearsal summary (short)", "rolling: requests=", "failover: requests=",
                "outage: requests=", "(lease takeover)", "jobs: expired-documents:");
    }

    private static Path packagedJar() throws IOException {
        Path target = Repo.root().resolve("target");
        if (Files.isDirectory(target)) {
            try (Stream<Path> files = Files.list(target)) {
                List<Path> jars = files.filter(f -> f.getFileName().toString().matches("crm-.*\\.jar")).sorted().toList();
                if (!jars.isEmpty()) {
                    return jars.get(0);
                }
            }
        }
        return fail("target/crm-*.jar not found: the rehearsal runs the packaged application. Package it first with "
                + "./mvnw -B -q package -DskipTests (scripts/test.sh does this by running ./mvnw verify before the checks)");
    }
}
