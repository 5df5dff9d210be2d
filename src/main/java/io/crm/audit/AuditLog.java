package io.crm.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import io.crm.events.Change;
import io.crm.events.Event;
import io.crm.events.EventConsumer;
import io.crm.events.IdempotentInserts;
import org.bson.Document;

/**
 * The audit trail of every change to CRM records, users and tokens: a consumer of the events the relay hands over
 * (each change carries its event in its own write, so a stored change always has its audit entry and an entry
 * always a change). Entries keep the shape and vocabulary the audit API has always shown ({@code create},
 * {@code update}, ... with old and new values per field); the entry's id is the event's, which makes a relayed-again
 * batch a no-op.
 */
public class AuditLog implements EventConsumer {

    public static final String COLLECTION = "audit_events";
    /** Every entry is a change that happened; the field stays for clients that read it. */
    public static final String APPLIED = "applied";

    /** Event actions to the audit vocabulary; actions not listed (stage_changed) repeat an audited change. */
    private static final Map<String, String> ACTIONS = Map.of("created", "create", "updated", "update",
            "archived", "archive", "restored", "restore", "merged", "merge", "deleted", "delete",
            "revoked", "revoke", "erased", "erase");

    private final MongoCollection<Document> entries;

    public AuditLog(MongoCollection<Document> entries) {
        this.entries = entries;
    }

    public MongoCollection<Document> collection() {
        return entries;
    }

    @Override
    public String name() {
        return "audit";
    }

    @Override
    public void accept(List<Event> events) {
        List<Document> docs = new ArrayList<>(events.size());
        for (Event event : events) {
            String action = ACTIONS.get(event.action());
            if (action == null) {
                continue;
            }
            if (action.equals("erase")) {
                // what was stored before the erasure request is written first, then scrubbed
                insert(docs);
                docs.clear();
                scrub(event.objectType(), event.objectId());
            }
            docs.add(entry(event, action));
        }
        insert(docs);
    }

    private void insert(List<Document> docs) {
        IdempotentInserts.insert(entries, docs);
    }

    /** Right to erasure: the old and new values of an object's entries become null; field names stay. */
    private void scrub(String entityType, String entityId) {
        for (Document entry : entries.find(Filters.and(Filters.eq("entityType", entityType),
                Filters.eq("entityId", entityId)))) {
            entries.updateOne(Filters.eq("_id", entry.get("_id")), Updates.set("changes",
                    Change.blanked(entry.getList("changes", Document.class, List.of()))));
        }
    }

    private static Document entry(Event event, String action) {
        return new Document("_id", event.id())
                .append("at", java.util.Date.from(event.occurredAt()))
                .append("actorId", event.actor().id())
                .append("actorName", event.actor().name())
                .append("action", action)
                .append("entityType", event.objectType())
                .append("entityId", event.objectId())
                .append("version", event.version())
                .append("changes", event.changes().stream().map(Change::toDocument).toList())
                .append("state", APPLIED);
    }
}
