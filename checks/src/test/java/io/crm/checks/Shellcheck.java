package io.crm.checks;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** shellcheck as every check runs it: all severities (style and up), sourced files followed. */
public final class Shellcheck {

    private Shellcheck() {
    }

    /** Runs shellcheck in {@code workDir} on the given scripts (paths absolute or relative to workDir). */
    public static Tools.Result run(Path workDir, List<String> scripts) {
        List<String> command = new ArrayList<>(List.of(Tools.require("shellcheck"), "--severity=style", "--external-sources"));
        command.addAll(scripts);
        return Tools.run(workDir, Duration.ofMinutes(3), command);
    }

    public static Tools.Result run(Path workDir, Path... scripts) {
        return run(workDir, List.of(scripts).stream().map(Path::toString).toList());
    }
}
