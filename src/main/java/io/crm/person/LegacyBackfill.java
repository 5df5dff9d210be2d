package io.crm.person;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoWriteException;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.bulk.BulkWriteResult;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoCursor;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.WriteModel;
import io.crm.contact.ContactSchema;
import io.crm.events.ChangeTokens;
import io.crm.record.RecordMeta;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.bson.types.ObjectId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.stereotype.Component;

/**
 * Adopts documents written by the original Flask service ({_id, person_id, name, email, phone, ...}, no bookkeeping)
 * as contacts: adds the {@code _crm} sub-document and nothing else, so every original field stays as it was.
 * Idempotent (only documents without {@code _crm} are touched, and each update re-checks that), batched, and safe
 * when several replicas start at once.
 *
 * <p>Runs as a lifecycle phase before the web server starts (the server's phase is {@code Integer.MAX_VALUE - 2048}),
 * i.e. after every index was ensured at singleton initialisation and before any request is served. A legacy email
 * already used by another live contact (the original allowed duplicates) does not stop it: that document simply gets
 * no unique email key, and the count is logged.
 */
@Component
public class LegacyBackfill implements SmartLifecycle {

    /** Before the web server's start phase, so no request sees a half-migrated store. */
    public static final int PHASE = 0;
    static final int BATCH = 500;

    private static final Logger log = LoggerFactory.getLogger(LegacyBackfill.class);

    private final MongoTemplate mongo;
    private final ChangeTokens changes;
    private volatile boolean running;

    public LegacyBackfill(MongoTemplate mongo, ChangeTokens changes) {
        this.mongo = mongo;
        this.changes = changes;
    }

    /** What one run did. */
    public record Result(long migrated, long withoutEmailKey, long skippedNonObjectIds) {
    }

    @Override
    public void start() {
        run();
        running = true;
    }

    @Override
    public void stop() {
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }

    /** Migrates every document that lacks {@code _crm}, in batches of {@value #BATCH}. */
    public Result run() {
        MongoCollection<Document> persons = persons();
        // "_crm.archived: null" is answered by the archived-prefixed contact indexes (a missing field is indexed as
        // null), so the check stays cheap on every start once everything is migrated.
        Bson unmigrated = Filters.and(Filters.eq(RecordMeta.ARCHIVED, null), Filters.exists(RecordMeta.META, false));
        long[] counts = new long[3];
        List<Document> batch = new ArrayList<>(BATCH);
        try (MongoCursor<Document> cursor = persons.find(unmigrated).batchSize(BATCH).iterator()) {
            while (cursor.hasNext()) {
                batch.add(cursor.next());
                if (batch.size() == BATCH) {
                    migrate(persons, batch, counts);
                    batch.clear();
                }
            }
        }
        migrate(persons, batch, counts);
        Result result = new Result(counts[0], counts[1], counts[2]);
        if (result.migrated() > 0 || result.skippedNonObjectIds() > 0) {
            log.info("Legacy backfill: adopted {} documents of the original service as contacts", result.migrated());
        }
        if (result.withoutEmailKey() > 0) {
            log.warn("Legacy backfill: {} documents share an email with another live contact; they were kept as they "
                    + "are but do not reserve their email (new duplicates are still refused)", result.withoutEmailKey());
        }
        if (result.skippedNonObjectIds() > 0) {
            log.warn("Legacy backfill: {} documents have an _id that is not an ObjectId; they stay visible under "
                    + "/person but not under /api/v1/contacts", result.skippedNonObjectIds());
        }
        return result;
    }

    /** Adopts one document now (a legacy write that arrived after startup); returns it as stored afterwards. */
    Document adopt(Document doc) {
        if (doc.get(RecordMeta.META) != null || !(doc.get("_id") instanceof ObjectId)) {
            return doc;
        }
        migrate(persons(), List.of(doc), new long[3]);
        Document now = persons().find(Filters.eq("_id", doc.get("_id"))).first();
        return now == null ? doc : now;
    }

    private void migrate(MongoCollection<Document> persons, List<Document> batch, long[] counts) {
        long before = counts[0];
        adoptBatch(persons, batch, counts);
        if (counts[0] > before) {
            // adopted documents are new contacts, made without events: what a replica kept of contacts is stale
            changes.changed("contact");
        }
    }

    private void adoptBatch(MongoCollection<Document> persons, List<Document> batch, long[] counts) {
        if (batch.isEmpty()) {
            return;
        }
        Set<String> taken = takenEmailKeys(persons, batch);
        List<Document> metas = new ArrayList<>(batch.size());
        List<WriteModel<Document>> writes = new ArrayList<>(batch.size());
        for (Document doc : batch) {
            if (!(doc.get("_id") instanceof ObjectId id)) {
                counts[2]++;
                continue;
            }
            Document meta = meta(doc, id);
            Object key = meta.get("emailKey");
            if (key instanceof String k && !taken.add(k)) {
                meta.remove("emailKey");
                counts[1]++;
            }
            metas.add(meta);
            writes.add(new UpdateOneModel<>(onlyIfUnmigrated(id), Updates.set(RecordMeta.META, meta)));
        }
        if (writes.isEmpty()) {
            return;
        }
        try {
            BulkWriteResult result = persons.bulkWrite(writes, new BulkWriteOptions().ordered(false));
            counts[0] += result.getModifiedCount();
        } catch (MongoBulkWriteException e) {
            counts[0] += e.getWriteResult().getModifiedCount();
            for (BulkWriteError error : e.getWriteErrors()) {
                if (ErrorCategory.fromErrorCode(error.getCode()) != ErrorCategory.DUPLICATE_KEY) {
                    throw e;
                }
                // Raced with a live contact taking the same email: adopt it without the unique key.
                Document meta = metas.get(error.getIndex());
                meta.remove("emailKey");
                UpdateOneModel<Document> write = (UpdateOneModel<Document>) writes.get(error.getIndex());
                try {
                    counts[0] += persons.updateOne(write.getFilter(), Updates.set(RecordMeta.META, meta))
                            .getModifiedCount();
                    counts[1]++;
                } catch (MongoWriteException again) {
                    throw e;
                }
            }
        }
    }

    /** Email keys of this batch already held by live contacts. */
    private static Set<String> takenEmailKeys(MongoCollection<Document> persons, List<Document> batch) {
        List<String> keys = new ArrayList<>();
        for (Document doc : batch) {
            Object key = ContactSchema.derived(doc).get("emailKey");
            if (key instanceof String k) {
                keys.add(k);
            }
        }
        Set<String> taken = new HashSet<>();
        if (keys.isEmpty()) {
            return taken;
        }
        persons.find(Filters.in(ContactSchema.EMAIL_KEY, keys)).projection(Projections.include(ContactSchema.EMAIL_KEY))
                .forEach(d -> {
                    Object key = RecordMeta.of(d).get("emailKey");
                    if (key instanceof String k) {
                        taken.add(k);
                    }
                });
        return taken;
    }

    /**
     * Version 1, live, created and last updated when its ObjectId was made (the original kept no other timestamp),
     * plus the derived keys (search text, name sort key, email key).
     */
    private static Document meta(Document doc, ObjectId id) {
        Instant created = id.getDate().toInstant();
        Document meta = RecordMeta.forNew(created, null); // the original recorded no author or owner
        meta.putAll(ContactSchema.derived(doc));
        return meta;
    }

    /** A flat filter (not $and): equivalent on MongoDB, and takes the embedded store's fast _id path. */
    private static Bson onlyIfUnmigrated(ObjectId id) {
        return new Document("_id", id).append(RecordMeta.META, new Document("$exists", false));
    }

    private MongoCollection<Document> persons() {
        return mongo.getCollection(ContactSchema.COLLECTION);
    }
}
