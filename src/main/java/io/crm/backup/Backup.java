package io.crm.backup;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * One backup file as listed.
 *
 * @param name      the file's name without extension, e.g. {@code crm-20261204T031700.000Z}
 * @param status    running, completed or failed
 * @param startedAt when it was started (from its name)
 * @param size      bytes of the file (0 while running or failed)
 * @param manifest  the manifest of a completed backup, else null
 * @param error     why a failed one failed, else null
 */
public record Backup(String name, Status status, Instant startedAt, long size, BackupManifest manifest,
                     String error) {

    public enum Status { RUNNING, COMPLETED, FAILED }

    public String fileName() {
        return name + Backups.COMPLETED;
    }

    /** The API's JSON shape. */
    public Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("name", name);
        json.put("file", status == Status.COMPLETED ? fileName() : null);
        json.put("status", status.name().toLowerCase(Locale.ROOT));
        json.put("startedAt", startedAt.toString());
        json.put("size", size);
        if (manifest != null) {
            json.put("createdAt", manifest.createdAt().toString());
            json.put("pauseMillis", manifest.pauseMillis());
            json.put("serviceVersion", manifest.serviceVersion());
            json.put("formatVersion", manifest.formatVersion());
            json.put("sha256", manifest.sha256());
            json.put("documents", new TreeMap<>(manifest.documents()));
        }
        json.put("error", error);
        return json;
    }
}
