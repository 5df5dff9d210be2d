package io.crm.notification;

import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import io.crm.events.Event;
import io.crm.events.IdempotentInserts;
import io.crm.security.Role;
import org.bson.Document;
import org.bson.types.ObjectId;

/**
 * Tells the admin who created a webhook subscription, in their notifications (the bell), that it was disabled after
 * failing for the whole window, and why; every enabled admin when its creator is no longer one (or it has none: made
 * before subscriptions recorded their creator, or with authentication off). One notice per user and disabling.
 */
final class WebhookDisabledNotices {

    static final String KIND = "webhook_disabled";

    private final NotificationStore store;
    private final MongoCollection<Document> users;

    WebhookDisabledNotices(NotificationStore store, MongoCollection<Document> users) {
        this.store = store;
        this.users = users;
    }

    void disabled(Document subscription) {
        Date at = subscription.getDate("disabledAt");
        String id = subscription.getObjectId("_id").toHexString();
        String description = subscription.getString("description");
        String name = description != null && !description.isBlank() ? description : subscription.getString("url");
        String text = "Webhook “" + name + "” was disabled: " + subscription.getString("disabledReason");
        List<Document> notices = new ArrayList<>();
        for (String userId : recipients(subscription)) {
            notices.add(new Document("_id", "webhook-disabled:" + id + ":" + at.getTime() + ":" + userId)
                    .append(NotificationStore.USER_ID, userId).append("kind", KIND).append("text", text)
                    .append("link", "/admin/webhooks").append(NotificationStore.AT, at)
                    .append(NotificationStore.READ_AT, null)
                    .append("expireAt", Date.from(at.toInstant().plus(NotificationStore.KEEP)))
                    .append("objectType", "webhook").append("objectId", id));
        }
        IdempotentInserts.insert(store.collection(), notices);
    }

    private Set<String> recipients(Document subscription) {
        Document createdBy = subscription.get("createdBy", Document.class);
        String creator = createdBy == null ? null : createdBy.getString("id");
        if (creator != null && ObjectId.isValid(creator)) {
            Document user = users.find(Filters.eq("_id", new ObjectId(creator)))
                    .projection(Projections.include("role", "enabled")).first();
            if (user != null && Role.ADMIN.name().equals(user.getString("role"))
                    && Boolean.TRUE.equals(user.getBoolean("enabled"))) {
                return Set.of(creator);
            }
        }
        Set<String> admins = new LinkedHashSet<>();
        users.find(Filters.and(Filters.eq("role", Role.ADMIN.name()), Filters.eq("enabled", true)))
                .projection(Projections.include("_id")).forEach(u -> admins.add(Event.idText(u.get("_id"))));
        return admins;
    }
}
