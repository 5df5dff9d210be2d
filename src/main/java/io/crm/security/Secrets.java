package io.crm.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Secrets come from the environment or from a {@code *_FILE} (a mounted Kubernetes or Docker secret). */
public final class Secrets {

    private Secrets() {
    }

    /** The file's content (trailing newline stripped) when a file is named, else the value; "" when neither. */
    public static String valueOrFile(String value, String file) {
        if (file != null && !file.isBlank()) {
            try {
                return Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                // the message names the file, never its content
                throw new UncheckedIOException("cannot read secret file " + file, e);
            }
        }
        return value == null ? "" : value;
    }
}
