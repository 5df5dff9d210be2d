package io.crm.record;

import java.util.LinkedHashMap;
import java.util.Map;

import org.bson.Document;
import org.bson.types.ObjectId;

/**
 * The use cases every v1 resource shares, over its {@link RecordStore}: create, read, merge-patch update, archive,
 * restore and list. The steps and their order are the same for all (validate and check references, check uniqueness,
 * write with derived meta); a resource supplies the steps that are its own. Plain Java: no Spring needed to use it.
 *
 * @param <F> the resource's list filters
 */
public abstract class RecordService<F extends RecordFilter> {

    public static final String DEFAULT_SORT = "-createdAt";

    protected final RecordStore store;
    private final Map<String, String> sorts;

    /** @param sorts allowed sort field to stored sort path */
    protected RecordService(RecordStore store, Map<String, String> sorts) {
        this.store = store;
        this.sorts = sorts;
    }

    /** The allowed sorts (field to stored path): every record's createdAt and updatedAt, and the resource's own. */
    protected static Map<String, String> sortsBy(String field, String path) {
        return Map.of(field, path, "createdAt", RecordMeta.CREATED_AT, "updatedAt", RecordMeta.UPDATED_AT);
    }

    public RecordStore store() {
        return store;
    }

    public Document create(Map<String, Object> body) {
        Map<String, Object> fields = new LinkedHashMap<>(body);
        String owner = owner(fields);
        Document stored = newRecord(fields);
        checkUnique(stored, null);
        Document meta = derived(stored);
        if (owner != null) {
            meta.put("ownerId", owner);
        }
        Document saved = store.insert(stored, meta);
        created(saved);
        return saved;
    }

    public Document get(String id) {
        return store.get(id);
    }

    private static final int BLIND_UPDATE_ATTEMPTS = 5;

    /** Applies a JSON merge patch; {@code expectedVersion} (from If-Match) must be the current version when given. */
    public Document update(String id, Map<String, Object> patch, Long expectedVersion) {
        Map<String, Object> fields = new LinkedHashMap<>(patch);
        boolean reassigned = fields.containsKey("ownerId");
        String owner = owner(fields);
        if (reassigned && owner == null) {
            throw new RecordException.Invalid("ownerId", "cannot be removed; assign another user instead");
        }
        for (int attempt = 1; ; attempt++) {
            Document current = store.get(id);
            Document next = patched(current, fields);
            checkUnique(next, current.getObjectId("_id"));
            Document meta = derived(next);
            if (owner != null) {
                meta.put("ownerId", owner);
            }
            try {
                Document saved = store.replace(current, next, meta, expectedVersion);
                updated(current, saved);
                return saved;
            } catch (RecordException.StaleVersion raced) {
                // Without If-Match the client asked to patch the latest version: a lost race re-reads and applies
                // the patch again. With If-Match it named one version, so it learns that it is stale (412).
                if (expectedVersion != null || attempt >= BLIND_UPDATE_ATTEMPTS) {
                    throw raced;
                }
            }
        }
    }

    public Document archive(String id, Long expectedVersion) {
        Document current = store.get(id);
        return store.setArchived(current, true, derived(current), expectedVersion);
    }

    /** Restores an archived record (a live one is returned as it is), if its unique values are still free. */
    public Document restore(String id) {
        Document current = store.find(id).orElseThrow(() -> new RecordException.NotFound(store.label()));
        if (!RecordMeta.archived(current)) {
            return current;
        }
        checkUnique(current, current.getObjectId("_id"));
        return store.setArchived(current, false, derived(current), null);
    }

    public Page<Document> list(F filter, String sort, int limit, String cursor) {
        return store.list(filter.toBson(), SortOrder.parse(sort, sorts, DEFAULT_SORT), limit, cursor);
    }

    /**
     * Takes {@code ownerId} out of a body (it is bookkeeping, not a field of the resource) and checks that it names
     * a user; null when the body does not name an owner.
     */
    private String owner(Map<String, Object> fields) {
        Object owner = fields.remove("ownerId");
        if (owner == null) {
            return null;
        }
        if (!(owner instanceof String userId) || !ObjectId.isValid(userId)
                || !store.context().owners().exists(userId)) {
            throw new RecordException.Invalid("ownerId", "must be the id of an existing user");
        }
        return userId;
    }

    /** The document to store for a create body: validated, defaults applied, references checked. */
    protected abstract Document newRecord(Map<String, Object> body);

    /** The document to store after a merge patch of {@code current}: validated, changed references checked. */
    protected abstract Document patched(Document current, Map<String, Object> patch);

    /** The meta derived from a stored document's fields: search text, sort keys, unique keys. */
    protected abstract Document derived(Document stored);

    /**
     * Throws {@link RecordException.Duplicate} when {@code stored} would break a uniqueness rule among live records;
     * {@code self} is the record's own id (null on create). The unique indexes are the real guard; this check gives a
     * clear message first, also where legacy data kept an index from being built. None by default.
     */
    protected void checkUnique(Document stored, ObjectId self) {
    }

    /** Called after a create was stored. */
    protected void created(Document saved) {
    }

    /** Called after an update was stored. */
    protected void updated(Document before, Document saved) {
    }
}
