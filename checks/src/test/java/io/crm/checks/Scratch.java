package io.crm.checks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Scratch copies of repository folders for the planted-error tests, and the file reads/writes around them
 * (unchecked, so test helpers and lambdas stay short).
 */
public final class Scratch {

    private Scratch() {
    }

    /**
     * Copies a directory tree (file modes kept, so copied scripts stay executable), skipping every path that has a
     * folder or file named in {@code skip} (e.g. .terraform). The source may be a symbolic link to the folder.
     */
    public static void copyTree(Path from, Path to, String... skip) {
        List<String> skipped = List.of(skip);
        try {
            Path source = from.toRealPath();
            try (Stream<Path> paths = Files.walk(source)) {
                for (Path p : (Iterable<Path>) paths::iterator) {
                    Path rel = source.relativize(p);
                    boolean excluded = false;
                    for (Path part : rel) {
                        excluded |= skipped.contains(part.toString());
                    }
                    if (excluded) {
                        continue;
                    }
                    Path target = to.resolve(rel.toString());
                    if (Files.isDirectory(p)) {
                        Files.createDirectories(target);
                    } else {
                        Files.createDirectories(target.getParent());
                        Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes a tree if it exists (best effort per file: a leftover in the temp folder is harmless). */
    public static void deleteTree(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void write(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Replaces the first occurrence of an exact snippet of a file, failing when it is not there (so a planted error
     * is really planted, and a test cannot pass because its anchor moved).
     */
    public static void plant(Path file, String from, String to) {
        String text = read(file);
        if (!text.contains(from)) {
            throw new AssertionError("planted-error anchor not found in " + file + ": " + from);
        }
        write(file, text.replaceFirst(Pattern.quote(from), Matcher.quoteReplacement(to)));
    }
}
