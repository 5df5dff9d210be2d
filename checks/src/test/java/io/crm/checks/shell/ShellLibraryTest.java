package io.crm.checks.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.crm.checks.Repo;
import io.crm.checks.Scratch;
import io.crm.checks.Shellcheck;
import io.crm.checks.Tools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every shell script of the repository (found by name or shebang, wherever it lives) is shellcheck-clean, and none
 * defines a function that the shared library scripts/lib/common.sh defines: the helpers (log, now_ms, take_port,
 * stop_pid, wait_http, ...) exist once, so the scripts' copies cannot come back and drift apart again.
 */
class ShellLibraryTest {

    static final String LIBRARY = "scripts/lib/common.sh";

    /** Folders that hold no scripts of ours: build output, installed packages, tool state. */
    private static final Set<String> SKIPPED_DIRS = Set.of(".git", "target", "node_modules", ".terraform");
    private static final Pattern SHEBANG = Pattern.compile("^#!\\s*\\S*/(?:env\\s+)?(?:ba|da)?sh\\b.*");
    /** "name() {", "name () (", "function name {", "function name() {": bash's ways to define a function. */
    private static final Pattern FUNCTION = Pattern.compile(
            "^\\s*(?:function\\s+([A-Za-z_][\\w:.-]*)\\s*(?:\\(\\s*\\))?|([A-Za-z_][\\w:.-]*)\\s*\\(\\s*\\))\\s*[{(]?",
            Pattern.MULTILINE);

    @TempDir
    Path tmp;

    /** Shell scripts under root, relative to it and sorted: every *.sh file and every file with a sh/bash shebang. */
    static List<String> scripts(Path root) {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile)
                    .filter(f -> root.relativize(f).getNameCount() > 0)
                    .filter(f -> {
                        for (Path part : root.relativize(f)) {
                            if (SKIPPED_DIRS.contains(part.toString())) {
                                return false;
                            }
                        }
                        return true;
                    })
                    .filter(ShellLibraryTest::isShellScript)
                    .map(f -> root.relativize(f).toString())
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean isShellScript(Path file) {
        if (file.getFileName().toString().endsWith(".sh")) {
            return true;
        }
        try (Stream<String> lines = Files.lines(file)) {
            return lines.findFirst().map(first -> SHEBANG.matcher(first).matches()).orElse(false);
        } catch (IOException | UncheckedIOException e) {
            return false; // not text: not a script
        }
    }

    /** Names of the functions a script defines, in order of appearance. */
    static Set<String> functions(String script) {
        Set<String> names = new LinkedHashSet<>();
        Matcher m = FUNCTION.matcher(script);
        while (m.find()) {
            names.add(m.group(1) != null ? m.group(1) : m.group(2));
        }
        return names;
    }

    /** One line per function that a script under root defines although the library already does. */
    static List<String> redefinitions(Path root) {
        Set<String> shared = functions(Scratch.read(root.resolve(LIBRARY)));
        List<String> out = new ArrayList<>();
        for (String script : scripts(root)) {
            if (script.equals(LIBRARY)) {
                continue;
            }
            for (String name : functions(Scratch.read(root.resolve(script)))) {
                if (shared.contains(name)) {
                    out.add(script + " defines " + name + "(), which " + LIBRARY + " already defines: use the library's");
                }
            }
        }
        return out;
    }

    static Tools.Result shellcheck(Path root) {
        return Shellcheck.run(root, scripts(root));
    }

    /** A scratch tree holding only the repository's scripts, at their paths, for the planted errors. */
    private Path copyOfScripts() {
        Path root = Repo.root();
        for (String script : scripts(root)) {
            Scratch.write(tmp.resolve(script), Scratch.read(root.resolve(script)));
        }
        return tmp;
    }

    @Test
    void findsEveryScriptAndTheLibraryDefinesTheSharedHelpers() {
        // Not vacuous: the scripts of every folder are found, .ci/run and mvnw by their shebang.
        assertThat(scripts(Repo.root())).contains(LIBRARY, "bench/run.sh", "bench/store-transport.sh",
                "deploy/local/rehearsal.sh", "e2e/run.sh", "scripts/test.sh", "scripts/install-test-tools.sh",
                ".ci/run", "mvnw", "cluster-resources/scripts/set-image-tag.sh");
        assertThat(functions(Scratch.read(Repo.root().resolve(LIBRARY))))
                .contains("log", "now_ms", "take_port", "stop_pid", "stop_pids", "wait_port", "wait_http");
    }

    @Test
    void everyScriptPassesShellcheck() {
        Tools.Result result = shellcheck(Repo.root());
        assertThat(result.exitCode()).as(result.output()).isZero();
    }

    @Test
    void shellcheckCatchesAPlantedErrorInTheLibrary() {
        Path copy = copyOfScripts();
        Scratch.plant(copy.resolve(LIBRARY), "kill -TERM \"$pid\" 2>/dev/null || true\n  local deadline",
                "kill -TERM $pid 2>/dev/null || true\n  local deadline");
        Tools.Result result = shellcheck(copy);
        assertThat(result.exitCode()).isNotZero();
        assertThat(result.output()).contains("SC2086", LIBRARY);
    }

    @Test
    void noScriptRedefinesALibraryFunction() {
        assertThat(redefinitions(Repo.root())).isEmpty();
    }

    @Test
    void aCopiedHelperIsFound() {
        Path copy = copyOfScripts();
        Scratch.plant(copy.resolve("bench/run.sh"), "\nPIDS=()\n", "\nnow_ms() { date +%s%3N; }\nPIDS=()\n");
        Scratch.plant(copy.resolve("e2e/run.sh"), "\nsummary() {", "\nfunction log {\n  echo \"$*\"\n}\nsummary() {");
        assertThat(redefinitions(copy)).containsExactly(
                "bench/run.sh defines now_ms(), which " + LIBRARY + " already defines: use the library's",
                "e2e/run.sh defines log(), which " + LIBRARY + " already defines: use the library's");
    }
}
