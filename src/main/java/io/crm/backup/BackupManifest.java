package io.crm.backup;

import java.time.Instant;
import java.util.Map;

/**
 * What a backup holds, stored as {@code manifest.json} inside the archive.
 *
 * @param format         always {@link #FORMAT}: tells a backup from any other zip file
 * @param formatVersion  the archive layout; a service refuses versions newer than {@link #FORMAT_VERSION}
 * @param serviceVersion the version of the service that wrote it
 * @param createdAt      the instant the copied store version was fixed
 * @param pauseMillis    how long the store held commands back to fix it
 * @param storeFile      the name of the store file in the archive
 * @param size           that file's size in bytes
 * @param sha256         that file's SHA-256, hex
 * @param documents      documents per collection namespace ({@code database.collection})
 */
public record BackupManifest(String format, int formatVersion, String serviceVersion, Instant createdAt,
                             double pauseMillis, String storeFile, long size, String sha256,
                             Map<String, Long> documents) {

    public static final String FORMAT = "crm-embedded-store-backup";
    public static final int FORMAT_VERSION = 1;

    public BackupManifest {
        documents = documents == null ? Map.of() : Map.copyOf(documents);
    }

    public long totalDocuments() {
        return documents.values().stream().mapToLong(Long::longValue).sum();
    }
}
