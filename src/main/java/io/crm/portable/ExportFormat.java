package io.crm.portable;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import java.util.Set;

import org.bson.json.JsonMode;
import org.bson.json.JsonWriterSettings;

/** The constants of the export format (docs/export-format.md) shared by the writer and the reader. */
final class ExportFormat {

    static final String NAME = "crm-export";
    /** Raised whenever a change would make an older reader misread a file; readers refuse newer versions. */
    static final int VERSION = 1;

    static final String TYPE = "type";
    static final String HEADER = "header";
    static final String COLLECTION = "collection";
    static final String DOCUMENT = "document";
    static final String TRAILER = "trailer";

    /**
     * Collections that are not exported: browser sessions (a session's id is its cookie, a live credential that must
     * not travel in a file; users sign in again), sign-in throttling counters and ShedLock leases (runtime state that
     * expires within minutes), and the import's own progress record.
     */
    static final Set<String> NOT_EXPORTED = Set.of("sessions", "login_throttle", "shedLock", Importer.PROGRESS);

    /** Canonical Extended JSON: every BSON type (int vs long, dates, decimals, binary subtypes) round-trips. */
    static final JsonWriterSettings EXACT = JsonWriterSettings.builder().outputMode(JsonMode.EXTENDED).build();
    /** Header and trailer: plain numbers and strings only, so they stay readable with {@code zcat | head -1}. */
    static final JsonWriterSettings READABLE = JsonWriterSettings.builder().outputMode(JsonMode.RELAXED).build();

    /** A line longer than this is refused as corrupt (the largest BSON document, 16 MiB, fits with room to spare). */
    static final int MAX_LINE_BYTES = 128 * 1024 * 1024;

    private ExportFormat() {
    }

    static boolean exported(String collection) {
        return !collection.startsWith("system.") && !NOT_EXPORTED.contains(collection);
    }

    /** The version of this build (Spring Boot's build-info), "unknown" when run from classes without it. */
    static String serviceVersion() {
        try (InputStream in = ExportFormat.class.getResourceAsStream("/META-INF/build-info.properties")) {
            if (in != null) {
                Properties properties = new Properties();
                properties.load(in);
                String version = properties.getProperty("build.version");
                if (version != null) {
                    return version;
                }
            }
        } catch (IOException e) {
            // fall through: the version is informational only
        }
        String manifest = ExportFormat.class.getPackage().getImplementationVersion();
        return manifest != null ? manifest : "unknown";
    }
}
