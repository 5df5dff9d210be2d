package io.crm.audit;

import java.time.Clock;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Updates;
import io.crm.record.RecordStore;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Settles audit events left {@code pending} by a change whose outcome was never seen (a timeout, a crash between the
 * write and the event's update). A change happened when the entity reached the event's version (or, for a delete,
 * is gone) and no other applied event claims that version.
 */
public class AuditReconciler {

    private static final Logger log = LoggerFactory.getLogger(AuditReconciler.class);
    private static final int BATCH = 500;

    private final AuditLog audit;
    private final MongoDatabase database;
    private final Map<String, AuditedCollection> collections;
    private final Clock clock;
    private final Duration settleAfter;

    public AuditReconciler(AuditLog audit, MongoDatabase database, List<AuditedCollection> collections, Clock clock,
                           Duration settleAfter) {
        this.audit = audit;
        this.database = database;
        this.collections = collections.stream()
                .collect(Collectors.toMap(AuditedCollection::entityType, Function.identity()));
        this.clock = clock;
        this.settleAfter = settleAfter;
    }

    /** Settles pending events older than the settle delay; returns how many were settled. */
    public int reconcile() {
        Date before = Date.from(clock.instant().minus(settleAfter));
        int settled = 0;
        for (Document event : audit.collection().find(Filters.and(Filters.eq("state", AuditLog.PENDING),
                Filters.lt("at", before))).sort(new Document("state", 1).append("at", 1)).limit(BATCH)) {
            String state = outcome(event);
            audit.collection().updateOne(Filters.and(Filters.eq("_id", event.get("_id")),
                    Filters.eq("state", AuditLog.PENDING)), Updates.set("state", state));
            settled++;
        }
        if (settled > 0) {
            log.info("settled {} pending audit events", settled);
        }
        return settled;
    }

    private String outcome(Document event) {
        AuditedCollection where = collections.get(event.getString("entityType"));
        String entityId = event.getString("entityId");
        if (where == null || !ObjectId.isValid(entityId)) {
            return AuditLog.NOT_APPLIED;
        }
        Document entity = database.getCollection(where.collection())
                .find(Filters.eq("_id", new ObjectId(entityId))).projection(Projections.include(where.versionPath()))
                .first();
        if ("delete".equals(event.getString("action"))) {
            return entity == null ? AuditLog.APPLIED : AuditLog.NOT_APPLIED;
        }
        long version = event.get("version") instanceof Number n ? n.longValue() : 0;
        if (entity == null || version(entity, where.versionPath()) < version) {
            return AuditLog.NOT_APPLIED;
        }
        Document claimed = audit.collection().find(Filters.and(Filters.eq("entityId", entityId),
                Filters.eq("version", version), Filters.eq("state", AuditLog.APPLIED)))
                .projection(Projections.include("_id")).first();
        return claimed == null ? AuditLog.APPLIED : AuditLog.NOT_APPLIED;
    }

    private static long version(Document entity, String path) {
        return RecordStore.valueAt(entity, path) instanceof Number n ? n.longValue() : 0;
    }
}
