package io.crm.checks.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Runs a command with a time limit and returns exit code and combined output (shared by infra and workflow checks). */
public final class Cmd {

    public record Result(int exit, String output) {
        public boolean ok() {
            return exit == 0;
        }
    }

    private Cmd() {
    }

    public static Result run(Path dir, Map<String, String> env, long timeoutSeconds, List<String> command) {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        try {
            Path log = Files.createTempFile("cmd", ".log");
            pb.redirectOutput(log.toFile());
            Process p = pb.start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
                throw new IllegalStateException("timed out after " + timeoutSeconds + "s: " + command);
            }
            String out = Files.readString(log, StandardCharsets.UTF_8);
            Files.deleteIfExists(log);
            return new Result(p.exitValue(), out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The executable on PATH (or at an absolute path), or null. */
    public static Path which(String name) {
        if (name.contains("/")) {
            Path p = Path.of(name);
            return Files.isExecutable(p) ? p : null;
        }
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path p = Path.of(d, name);
            if (!d.isEmpty() && Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    /** Copies a directory tree, skipping the named folder names (e.g. .terraform, node_modules). */
    public static void copyTree(Path source, Path to, List<String> skip) {
        try {
            copyReal(source.toRealPath(), to, skip);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void copyReal(Path from, Path to, List<String> skip) {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path src : (Iterable<Path>) s::iterator) {
                Path rel = from.relativize(src);
                boolean skipped = false;
                for (Path part : rel) {
                    if (skip.contains(part.toString())) {
                        skipped = true;
                        break;
                    }
                }
                if (skipped) {
                    continue;
                }
                Path dst = to.resolve(rel.toString());
                if (Files.isDirectory(src)) {
                    Files.createDirectories(dst);
                } else {
                    Files.copy(src, dst);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void deleteTree(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
