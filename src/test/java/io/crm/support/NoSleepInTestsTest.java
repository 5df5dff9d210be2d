package io.crm.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No test sleeps. Time a test needs to pass is moved on the service's clock ({@link MutableClock#advance}); waiting
 * for something asynchronous (an import, a started process) polls with a timeout (Awaitility). A sleep makes a test
 * slow when it is long enough and flaky when it is not.
 */
class NoSleepInTestsTest {

    private static final String SLEEP = "sleep";
    private static final String UNITS = "NANOSECONDS|MICROSECONDS|MILLISECONDS|SECONDS|MINUTES|HOURS|DAYS";

    /**
     * In Java sources: a sleep of Thread or of a TimeUnit (qualified or statically imported), parking for a time, a
     * busy wait, and the static imports that would let a bare call through. Assembled from pieces so that this file
     * does not match itself.
     */
    private static final Pattern JAVA = Pattern.compile(String.join("|",
            "\\bThread\\s*\\.\\s*" + SLEEP + "\\s*\\(",
            "\\b(" + UNITS + ")\\s*\\.\\s*" + SLEEP + "\\s*\\(",
            "\\bLockSupport\\s*\\.\\s*park(Nanos|Until)\\s*\\(",
            "\\bThread\\s*\\.\\s*onSpin" + "Wait\\s*\\(",
            "import\\s+static\\s+java\\.lang\\.Thread\\.(" + SLEEP + "|\\*)\\s*;",
            "import\\s+static\\s+java\\.util\\.concurrent\\.locks\\.LockSupport\\.(park\\w*|\\*)\\s*;"));

    /** In shell scripts: the sleep command. */
    private static final Pattern SHELL = Pattern.compile("(^|[\\s;&|({])" + SLEEP + "\\s+[0-9.]");

    /** The main project's tests, and the delivery checks' (a separate Maven project in checks/). */
    private static final List<Path> ROOTS = List.of(Path.of("src/test/java"), Path.of("src/test/resources"),
            Path.of("checks/src/test/java"));

    @Test
    void noTestSleeps() {
        List<Path> scanned = new ArrayList<>();
        List<String> found = new ArrayList<>();
        for (Path root : ROOTS) {
            assertThat(root).as("run from the project directory").isDirectory();
            found.addAll(sleepsUnder(root, scanned::add));
        }
        // the scan did read the tests (this file among them), so an empty result means something
        assertThat(scanned).hasSizeGreaterThan(100)
                .contains(Path.of("src/test/java/io/crm/support/NoSleepInTestsTest.java"));
        assertThat(found).as("sleeps in tests: move the test clock (MutableClock.advance) to make time pass, "
                + "or poll with Awaitility to wait for something").isEmpty();
    }

    @Test
    void aPlantedSleepIsFoundWithItsFileAndLine(@TempDir Path dir) throws IOException {
        Path java = dir.resolve("io/crm/planted/PlantedTest.java");
        Files.createDirectories(java.getParent());
        Files.writeString(java, String.join("\n",
                "package io.crm.planted;",
                "import static java.util.concurrent.TimeUnit.SECONDS;",
                "import java.util.concurrent.TimeUnit;",
                "class PlantedTest {",
                "    void waits() throws Exception {",
                "        Thread." + SLEEP + "(5);",
                "        TimeUnit.MILLISECONDS." + SLEEP + "(5);",
                "        SECONDS." + SLEEP + " (1);",
                "        java.util.concurrent.locks.LockSupport.park" + "Nanos(1_000);",
                "        while (!done()) { Thread.onSpin" + "Wait(); }",
                "    }",
                "    boolean done() { return true; }",
                "}"));
        Path script = dir.resolve("wait.sh");
        Files.writeString(script, "#!/bin/sh\nuntil ready; do " + SLEEP + " 0.2; done\n");
        // what is allowed: moving the test clock, waiting with a timeout, the word in a name or a message
        Path clean = dir.resolve("io/crm/planted/CleanTest.java");
        Files.writeString(clean, String.join("\n",
                "package io.crm.planted;",
                "class CleanTest {",
                "    void moves(io.crm.support.MutableClock clock) {",
                "        clock.advance(java.time.Duration.ofMinutes(5));",
                "        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).until(() -> true);",
                "        Thread.currentThread().interrupt();",
                "        String s = \"no " + SLEEP + " here\";",
                "        asleep(1);",
                "    }",
                "    void asleep(int n) { }",
                "}"));

        List<String> found = sleepsUnder(dir, path -> { });

        String planted = java.toString();
        assertThat(found).containsExactlyInAnyOrder(planted + ":6", planted + ":7", planted + ":8", planted + ":9",
                planted + ":10", script + ":2");
    }

    @Test
    void aStaticImportOfTheSleepIsFound(@TempDir Path dir) throws IOException {
        Path java = dir.resolve("StaticTest.java");
        Files.writeString(java, "import static java.lang.Thread." + SLEEP + ";\nclass StaticTest { }\n");

        assertThat(sleepsUnder(dir, path -> { })).containsExactly(java + ":1");
    }

    /** Every line under {@code root} that sleeps, as {@code file:line}; each file read is given to {@code scanned}. */
    static List<String> sleepsUnder(Path root, java.util.function.Consumer<Path> scanned) {
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                Pattern pattern = patternFor(file);
                if (pattern == null) {
                    continue;
                }
                scanned.accept(file);
                List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
                for (int i = 0; i < lines.size(); i++) {
                    if (pattern.matcher(lines.get(i)).find()) {
                        found.add(file + ":" + (i + 1));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return found;
    }

    private static Pattern patternFor(Path file) {
        String name = file.getFileName().toString();
        if (name.endsWith(".java") || name.endsWith(".kt") || name.endsWith(".groovy")) {
            return JAVA;
        }
        if (name.endsWith(".sh") || name.endsWith(".bash")) {
            return SHELL;
        }
        return null;
    }
}
