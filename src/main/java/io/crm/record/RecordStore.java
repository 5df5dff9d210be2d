package io.crm.record;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoServerException;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.FindOneAndReplaceOptions;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Sorts;
import io.crm.events.Change;
import io.crm.events.Event;
import io.crm.events.HardDeletes;
import io.crm.events.Outbox;
import io.crm.store.PointReads;
import io.crm.store.StoreTransactions;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.bson.types.ObjectId;

/**
 * Storage of one kind of CRM record: insert, read, optimistic-locked replace, archive and restore, keyset-paged lists.
 * Every write bumps {@code _crm.version} and {@code _crm.updatedAt}; a write whose version moved underneath it fails
 * with {@link RecordException.StaleVersion} instead of overwriting someone else's change. Every write stamps who made
 * it and carries its event(s) in the same single-document write ({@link Outbox}); a permanent delete, the one change
 * that cannot, goes through {@link HardDeletes}.
 */
public class RecordStore {

    private static final Pattern INDEX_NAME = Pattern.compile("index: (\\S+)");

    private final MongoCollection<Document> collection;
    private final String label;
    private final Map<String, RecordService.UniqueKey> uniqueIndexes;
    private final Set<String> liveOnlyKeys;
    private final Clock clock;
    private final Outbox outbox;
    private final String entityType;
    private final RecordContext context;
    private final ExtraEvents extraEvents;
    private final PointReads reads;

    /**
     * Events a resource adds to a change besides the change itself ({@code deal.stage_changed} next to
     * {@code deal.updated}), written in the same write.
     */
    @FunctionalInterface
    public interface ExtraEvents {
        /** Extra (action, changes) pairs for a change from {@code before} (null: created) to {@code after}. */
        List<Map.Entry<String, List<Change>>> of(Document before, Document after);

        ExtraEvents NONE = (before, after) -> List.of();
    }

    /**
     * @param label             what a record is called in messages ("Contact")
     * @param uniqueIndexes     unique index name to the rule it enforces (the field and message of its 409)
     * @param liveOnlyKeys      meta keys kept only while a record is live: the keys of sparse unique indexes, so
     *                          uniqueness holds among non-archived records only
     */
    public RecordStore(MongoCollection<Document> collection, String label,
                       Map<String, RecordService.UniqueKey> uniqueIndexes, Set<String> liveOnlyKeys,
                       RecordContext context) {
        this(collection, label, uniqueIndexes, liveOnlyKeys, context, ExtraEvents.NONE);
    }

    public RecordStore(MongoCollection<Document> collection, String label,
                       Map<String, RecordService.UniqueKey> uniqueIndexes, Set<String> liveOnlyKeys,
                       RecordContext context, ExtraEvents extraEvents) {
        // inside StoreTransactions.run every read and write of the record joins the transaction, if there is one
        this.collection = StoreTransactions.sessionAware(collection);
        this.label = label;
        this.uniqueIndexes = uniqueIndexes;
        this.liveOnlyKeys = liveOnlyKeys;
        this.clock = context.clock();
        this.outbox = context.outbox();
        this.entityType = label.toLowerCase(java.util.Locale.ROOT);
        this.context = context;
        this.extraEvents = extraEvents;
        this.reads = new PointReads(context.database(), this.collection);
    }

    public RecordContext context() {
        return context;
    }

    /** The event name of this store's records ("contact"): events are {@code contact.created}, ... */
    public String entityType() {
        return entityType;
    }

    public MongoCollection<Document> collection() {
        return collection;
    }

    /** Lookups of one or a few records (by id, by a unique key): the cheap way to read them. */
    public PointReads reads() {
        return reads;
    }

    public String label() {
        return label;
    }

    private String collectionName() {
        return collection.getNamespace().getCollectionName();
    }

    private static List<Object> ids(List<Document> docs) {
        return docs.stream().map(d -> d.get("_id")).toList();
    }

    /**
     * Inserts a new record (version 1); {@code derived} meta (search text, keys, an explicit owner) is merged into
     * {@code _crm}. The actor creates it and, unless {@code derived} names another owner, owns it.
     */
    public Document insert(Document fields, Document derived) {
        Document doc = newDocument(fields, derived);
        Outbox.append(doc, null, createdEvents(doc));
        try {
            collection.insertOne(doc);
        } catch (MongoServerException e) {
            throw translate(e);
        }
        outbox.written(collectionName(), doc.get("_id"));
        return doc;
    }

    private List<Event> createdEvents(Document doc) {
        List<Event> events = new ArrayList<>();
        events.add(outbox.event(entityType, "created", doc.get("_id"), Change.between(null, audited(doc), Set.of()),
                1));
        extraEvents.of(null, doc).forEach(extra -> events.add(outbox.event(entityType, extra.getKey(), doc.get("_id"),
                extra.getValue(), 1)));
        return events;
    }

    /**
     * The document {@link #insert} would store for these fields and derived meta (version 1, an id, the actor as
     * creator and owner unless {@code derived} names one), for writes in batches ({@link #insertMany}).
     */
    public Document newDocument(Document fields, Document derived) {
        Document doc = new Document("_id", fields.get("_id") instanceof ObjectId id ? id : new ObjectId());
        fields.forEach((k, v) -> {
            if (!k.equals("_id")) {
                doc.put(k, v);
            }
        });
        Document meta = RecordMeta.forNew(clock.instant(), outbox.actor().id());
        meta.putAll(derived);
        doc.put(RecordMeta.META, meta);
        return doc;
    }

    /**
     * Inserts a batch of new records (built by {@link #newDocument}) with one unordered insertMany, each carrying its
     * created event as {@link #insert} does, so a refused document (a unique key taken meanwhile) has no event either.
     * Returns one entry per document, in order: null when it was stored, else why it was not. A failure with no
     * per-document outcome (the database gone) is thrown.
     */
    public List<RuntimeException> insertMany(List<Document> docs) {
        List<RuntimeException> outcomes = new ArrayList<>(java.util.Collections.nCopies(docs.size(), null));
        if (docs.isEmpty()) {
            return outcomes;
        }
        for (Document doc : docs) {
            Outbox.append(doc, null, createdEvents(doc));
        }
        try {
            collection.insertMany(docs, new InsertManyOptions().ordered(false));
        } catch (MongoBulkWriteException e) {
            if (e.getWriteConcernError() != null) {
                // written, but not as durably as asked: outcomes unknown (each stored record has its event)
                outbox.written(collectionName(), ids(docs));
                throw e;
            }
            for (BulkWriteError error : e.getWriteErrors()) {
                outcomes.set(error.getIndex(), error.getCategory() == ErrorCategory.DUPLICATE_KEY
                        ? duplicate(error.getMessage())
                        : new IllegalStateException("not stored: " + error.getMessage()));
            }
        }
        outbox.written(collectionName(), ids(docs));
        return outcomes;
    }

    private static final int DELETE_ATTEMPTS = 5;

    /**
     * Deletes a record for good (the legacy API's delete), with a {@code deleted} event carrying its last values. A
     * change made meanwhile is deleted too (re-read and tried again); a record gone meanwhile is a 404.
     */
    public void delete(Document current) {
        Document target = current;
        for (int attempt = 0; attempt < DELETE_ATTEMPTS; attempt++) {
            long version = RecordMeta.version(target);
            Bson unchanged = Filters.and(Filters.eq("_id", target.get("_id")), version == 0
                    ? Filters.exists(RecordMeta.VERSION, false) : Filters.eq(RecordMeta.VERSION, version));
            Event deleted = outbox.event(entityType, "deleted", target.get("_id"),
                    Change.between(audited(target), null, Set.of()), 0);
            if (context.deletes().delete(collectionName(), collection, target, version,
                    unchanged, deleted)) {
                outbox.written(HardDeletes.COLLECTION, target.get("_id"));
                return;
            }
            target = reads.first(Filters.eq("_id", target.get("_id")));
            if (target == null) {
                throw new RecordException.NotFound(label);
            }
        }
        throw new RecordException.Conflict("The " + label.toLowerCase(java.util.Locale.ROOT)
                + " was changed concurrently; retry");
    }

    /** Any record with this id, archived or not; a malformed id finds nothing. */
    public Optional<Document> find(String id) {
        if (id == null || !ObjectId.isValid(id)) {
            return Optional.empty();
        }
        return Optional.ofNullable(reads.first(Filters.eq("_id", new ObjectId(id))));
    }

    /**
     * The records with these ids, archived or not, in one query ({@code $in}), by id; malformed ids find nothing. For
     * pages that show a related record's name on every row: one query per page, not one per row.
     */
    public Map<String, Document> findAll(Collection<String> ids) {
        List<ObjectId> valid = ids.stream().filter(id -> id != null && ObjectId.isValid(id)).distinct()
                .map(ObjectId::new).toList();
        Map<String, Document> found = new HashMap<>();
        if (!valid.isEmpty()) {
            for (Document record : collection.find(Filters.in("_id", valid))) {
                found.put(record.getObjectId("_id").toHexString(), record);
            }
        }
        return found;
    }

    /** The live (not archived) record, or 404. */
    public Document get(String id) {
        return find(id).filter(d -> !RecordMeta.archived(d)).orElseThrow(() -> new RecordException.NotFound(label));
    }

    /** Whether a record other than {@code self} (null: any record) matches {@code filter}. */
    public boolean exists(Bson filter, ObjectId self) {
        Bson query = self == null ? filter : Filters.and(filter, Filters.ne("_id", self));
        return collection.find(query).projection(new Document("_id", 1)).first() != null;
    }

    /**
     * Replaces {@code current} with {@code next} if nobody changed it since it was read; {@code expectedVersion}
     * (from If-Match) must equal the current version when given.
     */
    public Document replace(Document current, Document next, Document derived, Long expectedVersion) {
        return replace("updated", current, next, derived, expectedVersion, null);
    }

    /**
     * Writes a new version of {@code current} with the same fields whose one event is {@code action} with
     * {@code changes} (a merge's summary on the kept contact).
     */
    public Document mark(Document current, String action, List<Change> changes) {
        Document next = new Document(current);
        next.remove(RecordMeta.META);
        // the derived meta stays as it is, the keys of the unique indexes included
        Document kept = new Document();
        Document meta = RecordMeta.of(current);
        liveOnlyKeys.stream().filter(meta::containsKey).forEach(k -> kept.put(k, meta.get(k)));
        return replace(action, current, next, kept, null, changes);
    }

    /**
     * Right to erasure: replaces {@code current} with {@code kept} (what may stay: references, no personal data),
     * archived, in one write whose one event, {@code erased}, names the erased fields without their values. The
     * record's pending events lose their values in the same write, so no consumer ever receives them; consumers
     * blank what they already hold when the erased event reaches them (it comes after every earlier event of the
     * record).
     */
    public Document erase(Document current, Document kept, Document derived) {
        List<Change> erased = new ArrayList<>();
        for (Change change : Change.between(audited(current), null, Set.of())) {
            erased.add(new Change(change.field(), null, null));
        }
        Document scrubbed = new Document(current);
        Document meta = new Document(RecordMeta.of(current));
        List<Document> pending = new ArrayList<>();
        for (Document entry : Outbox.pending(current)) {
            pending.add(new Document(entry).append("changes",
                    Change.blanked(entry.getList("changes", Document.class, List.of()))));
        }
        meta.put(Outbox.FIELD, pending);
        scrubbed.put(RecordMeta.META, meta);
        Document archived = new Document(derived).append("archived", true)
                .append("archivedAt", Date.from(clock.instant()));
        return replace("erased", scrubbed, kept, archived, null, erased);
    }

    /** @param changes the event's changes; null: the difference between current and next */
    private Document replace(String action, Document current, Document next, Document derived,
                             Long expectedVersion, List<Change> changes) {
        long version = RecordMeta.version(current);
        if (expectedVersion != null && expectedVersion != version) {
            throw new RecordException.StaleVersion(expectedVersion, version);
        }
        Document meta = new Document(RecordMeta.of(current));
        liveOnlyKeys.forEach(meta::remove);
        meta.putAll(derived);
        if (Boolean.TRUE.equals(meta.get("archived"))) {
            liveOnlyKeys.forEach(meta::remove);
        }
        meta.put("version", version + 1);
        meta.put("updatedAt", Date.from(clock.instant()));
        meta.put("updatedBy", outbox.actor().id());
        meta.remove(Outbox.FIELD);
        Document doc = new Document(next);
        doc.put("_id", current.get("_id"));
        doc.put(RecordMeta.META, meta);
        List<Event> events = new ArrayList<>();
        events.add(outbox.event(entityType, action, current.get("_id"), changes != null ? changes
                : Change.between(audited(current), audited(doc), Set.of()), version + 1));
        extraEvents.of(current, doc).forEach(extra -> events.add(outbox.event(entityType, extra.getKey(),
                current.get("_id"), extra.getValue(), version + 1)));
        Outbox.append(doc, current, events);
        Bson unchanged = Filters.and(Filters.eq("_id", current.get("_id")), Filters.eq(RecordMeta.VERSION, version));
        Document saved;
        try {
            saved = collection.findOneAndReplace(unchanged, doc,
                    new FindOneAndReplaceOptions().returnDocument(ReturnDocument.AFTER));
        } catch (MongoServerException e) {
            // a findAndModify reports a broken unique index as a command error, an insert as a write error
            throw translate(e);
        }
        if (saved == null) {
            Document now = reads.first(Filters.eq("_id", current.get("_id")));
            if (now == null) {
                throw new RecordException.NotFound(label);
            }
            throw new RecordException.StaleVersion(version, RecordMeta.version(now));
        }
        outbox.written(collectionName(), current.get("_id"));
        return saved;
    }

    /** What an event's changes compare: the record's own fields, its owner and whether it is archived. */
    private static Map<String, Object> audited(Document record) {
        Map<String, Object> view = new LinkedHashMap<>();
        record.forEach((k, v) -> {
            if (!k.equals("_id") && !k.equals(RecordMeta.META)) {
                view.put(k, v);
            }
        });
        Document meta = RecordMeta.of(record);
        view.put("ownerId", meta.get("ownerId"));
        view.put("archived", Boolean.TRUE.equals(meta.get("archived")));
        return view;
    }

    /**
     * Archives or restores: the record stays, only hidden from (or shown again in) normal reads. {@code derived} is
     * the record's derived meta, which restoring brings back (its unique keys included).
     */
    public Document setArchived(Document current, boolean archived, Document derived, Long expectedVersion) {
        Document next = new Document(current);
        next.remove(RecordMeta.META);
        Document meta = new Document(derived).append("archived", archived)
                .append("archivedAt", archived ? Date.from(clock.instant()) : null);
        return replace(archived ? "archived" : "restored", current, next, meta, expectedVersion, null);
    }

    /** One page of records matching {@code filter}, in {@code order}, after {@code cursor} (null: from the start). */
    public Page<Document> list(Bson filter, SortOrder order, int limit, String cursor) {
        List<Bson> conditions = new ArrayList<>();
        conditions.add(filter);
        if (cursor != null && !cursor.isBlank()) {
            Cursor after = Cursor.decode(cursor, order);
            conditions.add(order.ascending()
                    ? Filters.or(Filters.gt(order.path(), after.value()),
                    Filters.and(Filters.eq(order.path(), after.value()), Filters.gt("_id", after.id())))
                    : Filters.or(Filters.lt(order.path(), after.value()),
                    Filters.and(Filters.eq(order.path(), after.value()), Filters.lt("_id", after.id()))));
        }
        Bson sort = order.ascending() ? Sorts.ascending(order.path(), "_id") : Sorts.descending(order.path(), "_id");
        List<Document> items = collection.find(Filters.and(conditions)).sort(sort).limit(limit + 1)
                .into(new ArrayList<>(limit + 1));
        String next = null;
        if (items.size() > limit) {
            items = items.subList(0, limit);
            Document last = items.get(limit - 1);
            next = Cursor.after(order, valueAt(last, order.path()), last.getObjectId("_id")).encode();
        }
        return new Page<>(items, next);
    }

    /** The value at a dotted path of a stored document ({@code _crm.emailKey}), null when absent. */
    public static Object valueAt(Document doc, String path) {
        Object value = doc;
        for (String part : path.split("\\.")) {
            value = value instanceof Document d ? d.get(part) : null;
        }
        return value;
    }

    private RuntimeException translate(MongoServerException e) {
        if (ErrorCategory.fromErrorCode(e.getCode()) != ErrorCategory.DUPLICATE_KEY) {
            return e;
        }
        return duplicate(e.getMessage());
    }

    private RecordException.Duplicate duplicate(String serverMessage) {
        Matcher m = INDEX_NAME.matcher(String.valueOf(serverMessage));
        RecordService.UniqueKey rule = m.find() ? uniqueIndexes.get(m.group(1)) : null;
        if (rule != null) {
            return new RecordException.Duplicate(rule.field(), rule.message());
        }
        return new RecordException.Duplicate("A " + label.toLowerCase() + " with these unique values already exists");
    }

    /**
     * Whether the store enforces this unique index of the collection ({@link RecordContext.Unique}): a uniqueness
     * rule it enforces needs no lookup before a write, whose E11000 becomes the same 409.
     */
    public boolean enforced(String index) {
        return context.unique().enforced(collectionName(), index);
    }
}
