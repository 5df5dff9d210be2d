package io.crm.checks;

import java.nio.file.Files;
import java.nio.file.Path;

/** The repository's root folder, whichever directory Maven was started from. */
public final class Repo {

    private Repo() {
    }

    public static Path root() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            if (Files.exists(dir.resolve("checks/pom.xml"))) {
                return dir;
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException("repository root not found above " + Path.of("").toAbsolutePath());
    }
}
