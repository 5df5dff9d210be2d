package io.crm.inbound;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** The test messages under src/test/resources/inbound. */
final class Corpus {

    private Corpus() {
    }

    static byte[] read(String name) {
        try (InputStream in = Corpus.class.getResourceAsStream("/inbound/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no test message " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
