package io.crm.notification;

import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import io.crm.activity.ActivitySchema;
import io.crm.events.Change;
import io.crm.events.Event;
import io.crm.events.EventConsumer;
import io.crm.events.IdempotentInserts;
import io.crm.record.RecordMeta;
import io.crm.security.UserService;
import org.bson.Document;
import org.bson.types.ObjectId;

/**
 * Turns events into the in-app notifications people asked for: a task or activity assigned to you, a mention of you
 * ({@code @handle}) in an activity's subject or text, and a stage change of a deal you own. Never for what you did
 * yourself. Fed by the event relay, so a notification exists exactly when its change does.
 */
public class NotificationConsumer implements EventConsumer {

    static final String ASSIGNEE = "assigneeId";

    private final NotificationStore store;
    private final MongoCollection<Document> activities;
    private final MongoCollection<Document> deals;
    private final MongoCollection<Document> users;

    NotificationConsumer(NotificationStore store, MongoCollection<Document> activities,
                         MongoCollection<Document> deals, MongoCollection<Document> users) {
        this.store = store;
        this.activities = activities;
        this.deals = deals;
        this.users = users;
    }

    @Override
    public String name() {
        return "notifications";
    }

    @Override
    public void accept(List<Event> events) {
        List<Document> entries = new ArrayList<>();
        for (Event event : events) {
            if ("activity".equals(event.objectType()) && ObjectId.isValid(event.objectId())
                    && (event.action().equals("created") || event.action().equals("updated"))) {
                activity(event, entries);
            } else if ("deal".equals(event.objectType()) && event.action().equals("stage_changed")
                    && ObjectId.isValid(event.objectId())) {
                stageChanged(event, entries);
            }
        }
        IdempotentInserts.insert(store.collection(), entries);
    }

    private void activity(Event event, List<Document> entries) {
        Map<String, Change> changes = byField(event);
        Map<String, String> recipients = new LinkedHashMap<>();  // user id -> kind; the first reason wins
        Change assignee = changes.get(ASSIGNEE);
        if (assignee != null && assignee.newValue() != null) {
            recipients.put(Event.idText(assignee.newValue()), "assigned");
        }
        for (String field : List.of("subject", "body")) {
            Change change = changes.get(field);
            if (change != null) {
                for (String handle : Mentions.added(change.oldValue(), change.newValue())) {
                    userByHandle(handle).ifPresent(id -> recipients.putIfAbsent(id, "mentioned"));
                }
            }
        }
        recipients.remove(event.actor().id());
        if (recipients.isEmpty()) {
            return;
        }
        Document activity = activities.find(Filters.eq("_id", new ObjectId(event.objectId())))
                .projection(Projections.include("subject", "type", "contactId", "companyId", "dealId")).first();
        if (activity == null) {
            return;  // deleted since: nothing to point at
        }
        String subject = String.valueOf(activity.get("subject"));
        String link = ActivitySchema.recordPage(activity);
        recipients.forEach((userId, kind) -> entries.add(entry(event, userId, kind, link,
                kind.equals("assigned")
                        ? event.actor().name() + " assigned you the " + activity.get("type") + " “" + subject + "”"
                        : event.actor().name() + " mentioned you in “" + subject + "”")));
    }

    private void stageChanged(Event event, List<Document> entries) {
        Document deal = deals.find(Filters.eq("_id", new ObjectId(event.objectId())))
                .projection(Projections.include("title", RecordMeta.OWNER_ID)).first();
        if (deal == null) {
            return;
        }
        Object owner = RecordMeta.of(deal).get("ownerId");
        if (owner == null || owner.toString().equals(event.actor().id())) {
            return;
        }
        Change stage = byField(event).get("stage");
        entries.add(entry(event, owner.toString(), "deal_stage", "/deals/" + event.objectId(),
                event.actor().name() + " moved your deal “" + deal.get("title") + "” to "
                        + (stage == null ? "another stage" : stage.newValue())));
    }

    private Optional<String> userByHandle(String handle) {
        Document user = users.find(Filters.regex(UserService.EMAIL_KEY, "^" + Pattern.quote(handle) + "@"))
                .projection(Projections.include("_id")).first();
        return Optional.ofNullable(user).map(u -> Event.idText(u.get("_id")));
    }

    private static Map<String, Change> byField(Event event) {
        Map<String, Change> changes = new LinkedHashMap<>();
        event.changes().forEach(c -> changes.put(c.field(), c));
        return changes;
    }

    private static Document entry(Event event, String userId, String kind, String link, String text) {
        return new Document("_id", event.id().toHexString() + ":" + userId).append(NotificationStore.USER_ID, userId)
                .append("kind", kind).append("text", text).append("link", link)
                .append(NotificationStore.AT, Date.from(event.occurredAt())).append(NotificationStore.READ_AT, null)
                .append("expireAt", Date.from(event.occurredAt().plus(NotificationStore.KEEP)))
                .append("objectType", event.objectType()).append("objectId", event.objectId());
    }
}
