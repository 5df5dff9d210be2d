package io.crm.store;

import java.time.Duration;
import java.util.Map;

/**
 * A copy of the embedded store as of one version.
 *
 * @param version    the store version copied
 * @param pauseNanos how long commands were held back to fix that version
 * @param documents  documents per collection namespace ({@code database.collection}) in the copy
 */
public record StoreSnapshot(long version, long pauseNanos, Map<String, Long> documents) {

    public StoreSnapshot {
        documents = Map.copyOf(documents);
    }

    public Duration pause() {
        return Duration.ofNanos(pauseNanos);
    }
}
