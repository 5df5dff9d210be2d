package io.crm.record;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;

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
    /** The resource's custom values, or null when it has none (a {@value CustomFields#FIELD} body key is unknown). */
    private final CustomFields custom;

    /** @param sorts allowed sort field to stored sort path */
    protected RecordService(RecordStore store, Map<String, String> sorts) {
        this(store, sorts, null);
    }

    /** A resource with custom values ({@link CustomFields}), applied on every write of it. */
    protected RecordService(RecordStore store, Map<String, String> sorts, CustomFields custom) {
        this.store = store;
        this.sorts = sorts;
        this.custom = custom;
    }

    /** The allowed sorts (field to stored path): every record's createdAt and updatedAt, and the resource's own. */
    protected static Map<String, String> sortsBy(String field, String path) {
        return Map.of(field, path, "createdAt", RecordMeta.CREATED_AT, "updatedAt", RecordMeta.UPDATED_AT);
    }

    public RecordStore store() {
        return store;
    }

    /** The resource's custom values, or null when it has none. */
    public CustomFields customFields() {
        return custom;
    }

    public Document create(Map<String, Object> body) {
        Map<String, Object> fields = new LinkedHashMap<>(body);
        String owner = owner(fields);
        Document stored = built(fields);
        unique(stored, null);
        Document meta = meta(stored);
        if (owner != null) {
            meta.put("ownerId", owner);
        }
        Document saved = store.insert(stored, meta);
        created(saved);
        return saved;
    }

    /**
     * A uniqueness rule among live records as the batch path checks it: the stored path of its key (the path of a
     * unique index, so one {@code $in} lookup answers for a whole batch), the API field it reports, the message.
     */
    public record UniqueKey(String path, String field, String message) {
    }

    /** The resource's unique keys for batch writes; they must say what {@link #checkUnique} says. None by default. */
    protected List<UniqueKey> uniqueKeys() {
        return List.of();
    }

    /** The unique key stored at {@code path}, if the resource has one. */
    public java.util.Optional<UniqueKey> uniqueKey(String path) {
        return uniqueKeys().stream().filter(k -> k.path().equals(path)).findFirst();
    }

    /** One body's outcome in a batch create: the stored record, or why it was not stored. */
    public record Outcome(Document saved, RuntimeException error) {
    }

    /**
     * Creates many records at once (imports): each body is validated as {@link #create} does; the valid ones are
     * checked for uniqueness together and stored with one batch write ({@link #insertAll}). One outcome per body.
     */
    public List<Outcome> createAll(List<Map<String, Object>> bodies) {
        List<Outcome> outcomes = new ArrayList<>(bodies.size());
        List<Document> valid = new ArrayList<>();
        List<Integer> at = new ArrayList<>();
        for (Map<String, Object> body : bodies) {
            try {
                valid.add(prepare(body));
                at.add(outcomes.size());
                outcomes.add(null);
            } catch (RecordException e) {
                outcomes.add(new Outcome(null, e));
            }
        }
        List<RuntimeException> written = insertAll(valid);
        for (int i = 0; i < valid.size(); i++) {
            outcomes.set(at.get(i), new Outcome(written.get(i) == null ? valid.get(i) : null, written.get(i)));
        }
        return outcomes;
    }

    /**
     * The first step of a batch create: the document {@link #create} would store for this body (validated, defaults
     * applied, references and owner checked, derived meta, an id), not yet checked for uniqueness nor stored.
     */
    public Document prepare(Map<String, Object> body) {
        Map<String, Object> fields = new LinkedHashMap<>(body);
        String owner = owner(fields);
        Document stored = built(fields);
        Document meta = meta(stored);
        if (owner != null) {
            meta.put("ownerId", owner);
        }
        return store.newDocument(stored, meta);
    }

    /**
     * The second step: stores prepared documents as one batch. Uniqueness is checked for the whole batch with one
     * indexed {@code $in} query per unique key (and within the batch: the first of equal values wins); the unique
     * indexes stay the real guard against a racing writer. One entry per document: null when stored, else why not.
     */
    public List<RuntimeException> insertAll(List<Document> prepared) {
        return insertAll(prepared, Set.of());
    }

    /**
     * {@link #insertAll(List)} for a caller that has just looked up the stored values of some unique keys itself
     * (an import matching duplicates by email): no second query for those paths, only the check within the batch;
     * the unique index still refuses a value taken in between.
     */
    public List<RuntimeException> insertAll(List<Document> prepared, Set<String> lookedUp) {
        List<RuntimeException> outcomes = new ArrayList<>(java.util.Collections.nCopies(prepared.size(), null));
        for (UniqueKey key : uniqueKeys()) {
            Map<Object, Integer> first = new HashMap<>();
            for (int i = 0; i < prepared.size(); i++) {
                Object value = RecordStore.valueAt(prepared.get(i), key.path());
                if (value != null && outcomes.get(i) == null && first.putIfAbsent(value, i) != null) {
                    outcomes.set(i, new RecordException.Duplicate(key.field(), key.message()));
                }
            }
            if (first.isEmpty() || lookedUp.contains(key.path())) {
                continue;
            }
            Set<Object> taken = new HashSet<>();
            store.collection().find(Filters.in(key.path(), first.keySet()))
                    .projection(Projections.include(key.path()))
                    .forEach(d -> taken.add(RecordStore.valueAt(d, key.path())));
            first.forEach((value, i) -> {
                if (taken.contains(value) && outcomes.get(i) == null) {
                    outcomes.set(i, new RecordException.Duplicate(key.field(), key.message()));
                }
            });
        }
        if (custom != null) {
            custom.checkUnique(store, prepared.stream().map(CustomFields::of).toList(), outcomes);
        }
        List<Document> insert = new ArrayList<>();
        List<Integer> at = new ArrayList<>();
        for (int i = 0; i < prepared.size(); i++) {
            if (outcomes.get(i) == null) {
                insert.add(prepared.get(i));
                at.add(i);
            }
        }
        List<RuntimeException> written = store.insertMany(insert);
        for (int i = 0; i < insert.size(); i++) {
            if (written.get(i) != null) {
                outcomes.set(at.get(i), written.get(i));
            } else {
                created(insert.get(i));
            }
        }
        return outcomes;
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
            Document next = patchedWith(current, fields);
            unique(next, current.getObjectId("_id"));
            Document meta = meta(next);
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
        return store.setArchived(current, true, meta(current), expectedVersion);
    }

    /** Restores an archived record (a live one is returned as it is), if its unique values are still free. */
    public Document restore(String id) {
        Document current = store.find(id).orElseThrow(() -> new RecordException.NotFound(store.label()));
        if (!RecordMeta.archived(current)) {
            return current;
        }
        unique(current, current.getObjectId("_id"));
        return store.setArchived(current, false, meta(current), null);
    }

    public Page<Document> list(F filter, String sort, int limit, String cursor) {
        return store.list(filter.toBson(), SortOrder.parse(sort, sorts, DEFAULT_SORT), limit, cursor);
    }

    /**
     * The JSON view of a record: the resource's own view ({@code own}) with, for a resource with custom values, its
     * {@value CustomFields#FIELD} object (live properties only) before the bookkeeping.
     */
    public Map<String, Object> toJson(Document stored, java.util.function.Function<Document, Map<String, Object>> own) {
        Map<String, Object> json = own.apply(stored);
        if (custom == null) {
            return json;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        Map<String, Object> values = custom.view(CustomFields.of(stored));
        json.forEach((k, v) -> {
            if (k.equals("createdAt")) {
                out.put(CustomFields.FIELD, values);
            }
            out.put(k, v);
        });
        out.putIfAbsent(CustomFields.FIELD, values);
        return out;
    }

    /** The JSON view of a record's custom values (live properties only; empty for a resource without them). */
    public Map<String, Object> customView(Document stored) {
        return custom == null ? Map.of() : custom.view(CustomFields.of(stored));
    }

    /** {@link #newRecord} plus the body's custom values, every field problem of both reported at once. */
    private Document built(Map<String, Object> fields) {
        if (custom == null) {
            return newRecord(fields);
        }
        Object json = fields.remove(CustomFields.FIELD);
        List<FieldError> errors = new ArrayList<>();
        Document values = null;
        try {
            values = custom.create(json);
        } catch (RecordException.Invalid invalid) {
            errors.addAll(invalid.errors());
        }
        Document stored = null;
        try {
            stored = newRecord(fields);
        } catch (RecordException.Invalid invalid) {
            errors.addAll(0, invalid.errors());
        }
        if (!errors.isEmpty()) {
            throw new RecordException.Invalid(errors);
        }
        return withValues(stored, values);
    }

    /** {@link #patched} plus the patch's custom values (merge-patched into the current ones). */
    private Document patchedWith(Document current, Map<String, Object> patch) {
        if (custom == null) {
            return patched(current, patch);
        }
        Map<String, Object> fields = new LinkedHashMap<>(patch);
        boolean given = fields.containsKey(CustomFields.FIELD);
        Object json = fields.remove(CustomFields.FIELD);
        List<FieldError> errors = new ArrayList<>();
        Document values = CustomFields.of(current);
        if (given) {
            try {
                values = custom.patch(values, json);
            } catch (RecordException.Invalid invalid) {
                errors.addAll(invalid.errors());
            }
        }
        Document next = null;
        try {
            next = patched(current, fields);
        } catch (RecordException.Invalid invalid) {
            errors.addAll(0, invalid.errors());
        }
        if (!errors.isEmpty()) {
            throw new RecordException.Invalid(errors);
        }
        return withValues(next, values);
    }

    private static Document withValues(Document stored, Document values) {
        if (values == null || values.isEmpty()) {
            stored.remove(CustomFields.FIELD);
        } else {
            stored.put(CustomFields.FIELD, values);
        }
        return stored;
    }

    /**
     * The whole derived meta of a stored document: the resource's {@link #derived} keys and, for a resource with
     * custom values, their {@code _crm.props} entries (always set, so a stale list never survives a write).
     */
    protected final Document meta(Document stored) {
        Document meta = derived(stored);
        if (custom != null) {
            meta.put(CustomFields.INDEX_KEY, custom.indexEntries(CustomFields.of(stored)));
        }
        return meta;
    }

    /** The resource's uniqueness rules and its unique custom properties'. */
    protected final void unique(Document stored, ObjectId self) {
        checkUnique(stored, self);
        if (custom != null) {
            custom.checkUnique(store, CustomFields.of(stored), self);
        }
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

    /** The resource's fields and their rules: the one description every view of the record is derived from. */
    public abstract Schema schema();

    /** The record's API JSON without its custom values (the resource's own fields and the bookkeeping). */
    public abstract Map<String, Object> view(Document stored);

    /** Fields the server sets that the record's JSON shows besides the schema's (a deal's closedAt). */
    public List<String> serverFields() {
        return List.of();
    }

    /** The record's API JSON with its custom values. */
    public Map<String, Object> toJson(Document stored) {
        return toJson(stored, this::view);
    }

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
