package io.crm.record;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.mongodb.client.model.IndexModel;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;

/**
 * The index shapes v1 lists run on. Every list query is "live or archived, maybe one equality filter, keyset order
 * on (sort path, _id)", so each is an equality-then-sort index walk.
 */
public final class RecordIndexes {

    private RecordIndexes() {
    }

    /** A list in one sort order: (archived, path desc, _id desc); also walked backwards for ascending sorts. */
    public static IndexModel sorted(String name, String path) {
        return new IndexModel(Indexes.compoundIndex(Indexes.ascending(RecordMeta.ARCHIVED),
                Indexes.descending(path, "_id")), new IndexOptions().name(name));
    }

    /**
     * {@link #sorted} with the search text after the keyset: a list with {@code q} walks it and tests {@code q} on
     * each entry, reading only the records that contain it (a rare term otherwise reads every record). Only for
     * short search texts (names, emails, titles): an index entry holds the whole text.
     */
    public static IndexModel searched(String name, String path) {
        return new IndexModel(Indexes.compoundIndex(Indexes.ascending(RecordMeta.ARCHIVED),
                Indexes.descending(path, "_id"), Indexes.ascending(RecordMeta.SEARCH)), new IndexOptions().name(name));
    }

    /** A list with one equality filter on {@code field} in one sort order. */
    public static IndexModel filtered(String name, String field, String sortPath) {
        return new IndexModel(Indexes.compoundIndex(Indexes.ascending(RecordMeta.ARCHIVED, field),
                Indexes.descending(sortPath, "_id")), new IndexOptions().name(name));
    }

    /**
     * One index per sort ({@code <prefix>_<sort>}) and one per filter and sort ({@code <prefix>_<filter>_<sort>}):
     * a list request may use one such filter (plus the residual {@code q}), so every list is an index walk.
     */
    public static List<IndexModel> lists(String prefix, Map<String, String> sorts, Map<String, String> filters) {
        return lists(prefix, sorts, filters, false);
    }

    /**
     * As {@link #lists(String, Map, Map)}; with {@code searched}, the newest-first list (the default order) is
     * {@link #searched} ({@code <prefix>_createdAt_q}).
     */
    public static List<IndexModel> lists(String prefix, Map<String, String> sorts, Map<String, String> filters,
            boolean searched) {
        List<IndexModel> indexes = new ArrayList<>();
        sorts.forEach((sort, path) -> indexes.add(searched && path.equals(RecordMeta.CREATED_AT)
                ? searched(prefix + "_" + sort + "_q", path) : sorted(prefix + "_" + sort, path)));
        filters.forEach((filter, field) -> sorts.forEach((sort, path) ->
                indexes.add(filtered(prefix + "_" + filter + "_" + sort, field, path))));
        return indexes;
    }
}
