package io.crm.notification;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Date;
import java.util.List;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import io.crm.security.UserService;
import io.crm.support.CountingMongo;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Who hears that a webhook subscription was disabled: its creator while an enabled admin, else every enabled admin. */
class WebhookDisabledNoticesTest {

    @RegisterExtension
    static final CountingMongo mongo = new CountingMongo("webhook_notices_test");

    private MongoCollection<Document> users;
    private NotificationStore store;
    private WebhookDisabledNotices notices;
    private final ObjectId creator = new ObjectId();
    private final ObjectId otherAdmin = new ObjectId();
    private final ObjectId member = new ObjectId();
    private final ObjectId disabledAdmin = new ObjectId();

    @BeforeEach
    void fresh() {
        MongoDatabase db = mongo.database();
        db.drop();
        users = db.getCollection(UserService.COLLECTION);
        users.insertMany(List.of(user(creator, "ADMIN", true), user(otherAdmin, "ADMIN", true),
                user(member, "MEMBER", true), user(disabledAdmin, "ADMIN", false)));
        store = new NotificationStore(db.getCollection(NotificationStore.COLLECTION));
        notices = new WebhookDisabledNotices(store, users);
    }

    private static Document user(ObjectId id, String role, boolean enabled) {
        return new Document("_id", id).append("role", role).append("enabled", enabled);
    }

    private static Document disabledSubscription(Object createdBy) {
        return new Document("_id", new ObjectId()).append("url", "https://hooks.example.test/crm")
                .append("description", "").append("disabled", true).append("disabledAt", new Date(1_000_000L))
                .append("disabledReason", "every delivery failed for 3 days (since the last success); the last "
                        + "error: HTTP 500").append("createdBy", createdBy);
    }

    private List<String> notified() {
        return store.collection().find().map(n -> n.getString(NotificationStore.USER_ID))
                .into(new java.util.ArrayList<>());
    }

    @Test
    void theCreatorHearsOfItOnceWithTheReason() {
        Document subscription = disabledSubscription(new Document("id", creator.toHexString()).append("name", "Ada"));
        notices.disabled(subscription);
        notices.disabled(subscription);
        assertThat(notified()).containsExactly(creator.toHexString());
        Document notice = store.collection().find().first();
        assertThat(notice.getString("kind")).isEqualTo(WebhookDisabledNotices.KIND);
        assertThat(notice.getString("text")).isEqualTo("Webhook “https://hooks.example.test/crm” was disabled: "
                + "every delivery failed for 3 days (since the last success); the last error: HTTP 500");
        assertThat(notice.getString("link")).isEqualTo("/admin/webhooks");
        assertThat(notice.get(NotificationStore.READ_AT)).isNull();
    }

    @Test
    void everyEnabledAdminHearsOfItWhenTheCreatorIsNoLongerOneOrUnknown() {
        users.updateOne(new Document("_id", creator), new Document("$set", new Document("role", "MEMBER")));
        notices.disabled(disabledSubscription(new Document("id", creator.toHexString()).append("name", "Ada")));
        assertThat(notified()).containsExactlyInAnyOrder(otherAdmin.toHexString());

        store.collection().drop();
        notices.disabled(disabledSubscription(null));
        assertThat(notified()).as("made before subscriptions recorded their creator")
                .containsExactlyInAnyOrder(otherAdmin.toHexString());

        store.collection().drop();
        notices.disabled(disabledSubscription(new Document("id", "anonymous").append("name", "anonymous")));
        assertThat(notified()).as("made with authentication off").containsExactlyInAnyOrder(otherAdmin.toHexString());
    }
}
