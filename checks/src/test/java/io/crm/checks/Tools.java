package io.crm.checks;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the external tools the checks shell out to, failing (never skipping) when one is missing. */
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
        if (command.contains("/")) {
            Path path = Path.of(command);
            if (!Files.isExecutable(path)) {
                fail(command + " not found: " + INSTALL_HINT);
            }
            return path.toString();
        }
        String pathEnv = System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin");
        List<String> dirs = new ArrayList<>(List.of(pathEnv.split(":")));
        dirs.addAll(List.of("/usr/sbin", "/sbin", "/usr/local/sbin"));
        for (String dir : dirs) {
            Path candidate = Path.of(dir, command);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return fail(command + " not found on PATH: " + INSTALL_HINT);
    }

    public static Result run(Path workDir, Duration timeout, String... command) {
        return run(workDir, timeout, Map.of(), List.of(command));
    }

    public static Result run(Path workDir, Duration timeout, Map<String, String> env, List<String> command) {
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
        builder.environment().putAll(env);
        try {
            Path log = Files.createTempFile("tool-", ".log");
            try {
                builder.redirectOutput(log.toFile());
                Process process = builder.start();
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly().waitFor();
                    return fail(String.join(" ", command) + " did not finish within " + timeout + ":\n"
                            + Files.readString(log, StandardCharsets.UTF_8));
                }
                return new Result(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
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
}
