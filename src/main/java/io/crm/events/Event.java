package io.crm.events;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

import org.bson.Document;
import org.bson.types.ObjectId;

/**
 * One change to one object, as it travels from the record's outbox through the relay to every consumer (the audit
 * log, the event feed, webhook deliveries, the deal stage history).
 *
 * @param id         unique and the same everywhere the event goes, so every consumer can be idempotent by it
 * @param type       {@code <objectType>.<action>}: {@code contact.created}, {@code deal.stage_changed}, ...
 * @param occurredAt when the change was made (the service's clock)
 * @param actor      who made it
 * @param objectType {@code contact}, {@code company}, {@code deal}, {@code activity}, {@code user}, {@code token}
 * @param objectId   the object's id as text (hex for ObjectIds; legacy ids as they are)
 * @param changes    field, stored value before and after (null when absent)
 * @param version    the object's version after the change (0 for a permanent delete)
 */
public record Event(ObjectId id, String type, Instant occurredAt, Actor actor, String objectType, String objectId,
                    List<Change> changes, long version) {

    public Event {
        changes = List.copyOf(changes);
    }

    /** The action part of the type: {@code created}, {@code stage_changed}, ... */
    public String action() {
        return type.substring(type.indexOf('.') + 1);
    }

    /** The stored form: an outbox entry inside a record, and the body of every consumer's copy. */
    public Document toDocument() {
        return new Document("_id", id).append("type", type).append("at", Date.from(occurredAt))
                .append("actorId", actor.id()).append("actorName", actor.name())
                .append("objectType", objectType).append("objectId", objectId)
                .append("changes", changes.stream().map(Change::toDocument).toList())
                .append("version", version);
    }

    public static Event fromDocument(Document doc) {
        List<Change> changes = new ArrayList<>();
        for (Document c : doc.getList("changes", Document.class, List.of())) {
            changes.add(new Change(c.getString("field"), c.get("old"), c.get("new")));
        }
        Object version = doc.get("version");
        return new Event(doc.getObjectId("_id"), doc.getString("type"), doc.getDate("at").toInstant(),
                new Actor(doc.getString("actorId"), doc.getString("actorName")), doc.getString("objectType"),
                doc.getString("objectId"), changes, version instanceof Number n ? n.longValue() : 0);
    }

    /** An object id as events carry it: ObjectIds as hex, anything else (legacy ids) as text. */
    public static String idText(Object id) {
        return id instanceof ObjectId oid ? oid.toHexString() : String.valueOf(id);
    }
}
