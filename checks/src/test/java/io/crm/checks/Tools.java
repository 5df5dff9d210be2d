package io.crm.checks;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The one process runner of the checks: runs the external tools they shell out to (kubectl, terraform, nginx,
 * promtool, shellcheck, node_modules/.bin/...), bounded in time, stdout and stderr merged into one text. A missing
 * tool fails the test (never skips it) with a message naming the install script.
 */
public final class Tools {

    public static final String INSTALL_HINT = "install it with scripts/install-test-tools.sh";

    private Tools() {
    }

    /** The result of one process run: exit code and stdout+stderr interleaved. */
    public record Result(int exitCode, String output) {

        public boolean ok() {
            return exitCode == 0;
        }
    }

    /** Absolute path of a command on PATH (or an explicit path), failing the test when it is not there. */
    public static String require(String command) {
        return which(command).map(Path::toString).orElseGet(() -> fail(command
                + (command.contains("/") ? " not found: " : " not found on PATH: ") + INSTALL_HINT));
    }

    /**
     * The executable for a command name (searched on PATH and the sbin folders, where Debian puts nginx) or an
     * explicit path; empty when absent, for callers whose failure message must say more than the install hint.
     */
    public static Optional<Path> which(String command) {
        if (command.contains("/")) {
            Path path = Path.of(command);
            return Files.isExecutable(path) ? Optional.of(path) : Optional.empty();
        }
        String pathEnv = System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin");
        List<String> dirs = new ArrayList<>(List.of(pathEnv.split(":")));
        dirs.addAll(List.of("/usr/sbin", "/sbin", "/usr/local/sbin"));
        for (String dir : dirs) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, command);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    public static Result run(Path workDir, Duration timeout, String... command) {
        return run(workDir, timeout, Map.of(), null, List.of(command));
    }

    public static Result run(Path workDir, Duration timeout, List<String> command) {
        return run(workDir, timeout, Map.of(), null, command);
    }

    public static Result run(Path workDir, Duration timeout, Map<String, String> env, List<String> command) {
        return run(workDir, timeout, env, null, command);
    }

    /**
     * Runs {@code command} in {@code workDir} with {@code env} added to this JVM's environment. {@code stdin} (may be
     * null) is written to the process and its input then closed, so a tool that reads stdin never waits for it.
     * Output goes to a temporary file, not a pipe: a child that keeps the pipe open cannot stall the timeout.
     * Exceeding the timeout kills the process tree and fails the test.
     */
    public static Result run(Path workDir, Duration timeout, Map<String, String> env, String stdin,
            List<String> command) {
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
        builder.environment().putAll(env);
        try {
            Path log = Files.createTempFile("tool-", ".log");
            try {
                builder.redirectOutput(log.toFile());
                Process process = builder.start();
                try (OutputStream in = process.getOutputStream()) {
                    if (stdin != null) {
                        in.write(stdin.getBytes(StandardCharsets.UTF_8));
                    }
                } catch (IOException e) {
                    // The tool exited without reading its input: its exit code and output tell why.
                }
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly().waitFor();
                    return fail(String.join(" ", command) + " did not finish within " + timeout + ":\n"
                            + output(log));
                }
                return new Result(process.exitValue(), output(log));
            } finally {
                Files.deleteIfExists(log);
            }
        } catch (IOException e) {
            return fail("could not run " + String.join(" ", command) + ": " + e.getMessage() + " (" + INSTALL_HINT + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail("interrupted while running " + String.join(" ", command));
        }
    }

    /** Tool output as text; bytes that are not UTF-8 become replacement characters instead of an exception. */
    private static String output(Path log) throws IOException {
        return new String(Files.readAllBytes(log), StandardCharsets.UTF_8);
    }
}
