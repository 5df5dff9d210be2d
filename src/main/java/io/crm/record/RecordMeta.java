package io.crm.record;

import java.time.Instant;
import java.util.Date;
import java.util.Locale;

import org.bson.Document;

/**
 * Bookkeeping every CRM record carries, kept in one sub-document {@value #META} so it never collides with a record's
 * own (possibly free-form, legacy) fields, and so the legacy API can hide it.
 */
public final class RecordMeta {

    public static final String META = "_crm";
    public static final String CREATED_AT = META + ".createdAt";
    public static final String UPDATED_AT = META + ".updatedAt";
    public static final String VERSION = META + ".version";
    public static final String ARCHIVED = META + ".archived";
    public static final String ARCHIVED_AT = META + ".archivedAt";
    /** The user who owns the record (the creator unless reassigned), and who created and last changed it. */
    public static final String OWNER_ID = META + ".ownerId";
    public static final String CREATED_BY = META + ".createdBy";
    public static final String UPDATED_BY = META + ".updatedBy";
    /** Lower-cased text the {@code q} filter searches (fields joined by {@link #SEARCH_SEPARATOR}). */
    public static final String SEARCH = META + ".search";
    public static final String SEARCH_SEPARATOR = "\u001f";

    private RecordMeta() {
    }

    public static Document forNew(Instant now, String actorId) {
        Date at = Date.from(now);
        return new Document("createdAt", at).append("updatedAt", at).append("version", 1L).append("archived", false)
                .append("ownerId", actorId).append("createdBy", actorId).append("updatedBy", actorId);
    }

    public static Document of(Document record) {
        Object meta = record.get(META);
        return meta instanceof Document d ? d : new Document();
    }

    public static long version(Document record) {
        Object v = of(record).get("version");
        return v instanceof Number n ? n.longValue() : 0L;
    }

    public static boolean archived(Document record) {
        return Boolean.TRUE.equals(of(record).get("archived"));
    }

    public static Instant createdAt(Document record) {
        Object v = of(record).get("createdAt");
        return v instanceof Date d ? d.toInstant() : null;
    }

    public static Instant updatedAt(Document record) {
        Object v = of(record).get("updatedAt");
        return v instanceof Date d ? d.toInstant() : null;
    }

    /** A text sort key: lower-cased, and "" for a missing (or, in legacy data, non-text) value so it is one type. */
    public static String sortKey(Object value) {
        return value instanceof String s ? s.toLowerCase(Locale.ROOT) : "";
    }

    /** The {@link #SEARCH} text of some field values (missing ones as ""). */
    public static String searchText(Object... values) {
        String[] texts = new String[values.length];
        for (int i = 0; i < values.length; i++) {
            texts[i] = values[i] == null ? "" : String.valueOf(values[i]);
        }
        return String.join(SEARCH_SEPARATOR, texts).toLowerCase(Locale.ROOT);
    }
}
