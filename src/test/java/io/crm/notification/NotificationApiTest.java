package io.crm.notification;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import io.crm.events.Actor;
import io.crm.events.Change;
import io.crm.events.Event;
import io.crm.security.Role;
import io.crm.support.ApiTest;
import io.crm.support.Http;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

class NotificationApiTest extends ApiTest {

    @Autowired
    NotificationConsumer consumer;

    private static String handle(Document user) {
        String email = user.getString("email");
        return email.substring(0, email.indexOf('@'));
    }

    private Http asUser(Document user) {
        return http.anonymous().withToken(token(user));
    }

    @Test
    void aMentionInAnActivityNotifiesTheMentionedTeammateOnly() {
        Document ana = user(Role.MEMBER);
        Document bo = user(Role.VIEWER);
        Http anaApi = asUser(ana);
        String contact = create("/api/v1/contacts", Map.of("name", "Carla Diaz"));
        anaApi.post("/api/v1/activities", Map.of("type", "note", "subject", "Pricing call",
                "body", "@" + handle(bo) + " can you check this? Also mail " + bo.getString("email")
                        + " and me, @" + handle(ana), "contactId", contact));
        relayed();

        JsonNode bos = asUser(bo).get("/api/v1/notifications").json();
        assertThat(bos.get("unread").asLong()).isEqualTo(1);
        JsonNode item = bos.get("items").get(0);
        assertThat(item.get("kind").asString()).isEqualTo("mentioned");
        assertThat(item.get("text").asString()).isEqualTo("Test member mentioned you in “Pricing call”");
        assertThat(item.get("link").asString()).isEqualTo("/contacts/" + contact);
        assertThat(item.get("readAt").isNull()).isTrue();
        Document stored = mongo.getCollection(NotificationStore.COLLECTION).find().first();
        assertThat(stored.getDate("expireAt").toInstant())
                .isEqualTo(stored.getDate("at").toInstant().plus(java.time.Duration.ofDays(90)));
        // mentioning yourself is no news
        assertThat(anaApi.get("/api/v1/notifications").json().get("items")).isEmpty();
    }

    @Test
    void aTaskAssignedToSomeoneElseNotifiesThemAndReassigningNotifiesTheNewAssignee() {
        Document bo = user(Role.MEMBER);
        Document cy = user(Role.MEMBER);
        String contact = create("/api/v1/contacts", Map.of("name", "Carla Diaz"));
        String task = create("/api/v1/activities", Map.of("type", "task", "subject", "Send the quote",
                "contactId", contact, "assigneeId", bo.getObjectId("_id").toHexString()));
        create("/api/v1/activities", Map.of("type", "task", "subject", "My own", "contactId", contact));
        relayed();
        JsonNode bos = asUser(bo).get("/api/v1/notifications").json().get("items");
        assertThat(bos).hasSize(1);
        assertThat(bos.get(0).get("kind").asString()).isEqualTo("assigned");
        assertThat(bos.get(0).get("text").asString()).isEqualTo("Test admin assigned you the task “Send the quote”");
        // a task the admin keeps (assigned to its creator by default) is no news to anyone
        assertThat(http.get("/api/v1/notifications").json().get("items")).isEmpty();

        http.patch("/api/v1/activities/" + task, Map.of("assigneeId", cy.getObjectId("_id").toHexString()));
        relayed();
        assertThat(asUser(cy).get("/api/v1/notifications").json().get("items").get(0).get("kind").asString())
                .isEqualTo("assigned");
        assertThat(asUser(bo).get("/api/v1/notifications").json().get("items")).hasSize(1);
    }

    @Test
    void editingANoteNotifiesOnlyWhoItNewlyMentions() {
        Document bo = user(Role.MEMBER);
        Document cy = user(Role.MEMBER);
        String contact = create("/api/v1/contacts", Map.of("name", "Carla Diaz"));
        String note = create("/api/v1/activities", Map.of("subject", "Intro", "body", "@" + handle(bo),
                "contactId", contact));
        http.patch("/api/v1/activities/" + note, Map.of("body", "@" + handle(bo) + " and @" + handle(cy)));
        relayed();
        assertThat(asUser(bo).get("/api/v1/notifications").json().get("unread").asLong()).isEqualTo(1);
        assertThat(asUser(cy).get("/api/v1/notifications").json().get("unread").asLong()).isEqualTo(1);
    }

    @Test
    void aStageChangeNotifiesTheDealsOwnerUnlessTheyMadeIt() {
        Document owner = user(Role.MEMBER);
        Http ownerApi = asUser(owner);
        String deal = ownerApi.post("/api/v1/deals", Map.of("title", "Acme renewal")).json().get("id").asString();
        ownerApi.patch("/api/v1/deals/" + deal, Map.of("stage", "qualified"));
        http.patch("/api/v1/deals/" + deal, Map.of("stage", "negotiation"));
        relayed();

        JsonNode items = ownerApi.get("/api/v1/notifications").json().get("items");
        assertThat(items).hasSize(1);
        assertThat(items.get(0).get("kind").asString()).isEqualTo("deal_stage");
        assertThat(items.get(0).get("text").asString()).endsWith("moved your deal “Acme renewal” to negotiation");
        assertThat(items.get(0).get("link").asString()).isEqualTo("/deals/" + deal);
    }

    @Test
    void notificationsAreMarkedReadOneByOneOrAllAndOnlyByTheirOwner() {
        Document bo = user(Role.MEMBER);
        Http boApi = asUser(bo);
        String contact = create("/api/v1/contacts", Map.of("name", "Carla Diaz"));
        for (String subject : new String[] {"one", "two", "three"}) {
            create("/api/v1/activities", Map.of("subject", subject + " @" + handle(bo), "contactId", contact));
        }
        relayed();
        JsonNode items = boApi.get("/api/v1/notifications").json().get("items");
        assertThat(items).hasSize(3);
        assertThat(items.get(0).get("text").asString()).contains("three");  // newest first
        String id = items.get(0).get("id").asString();

        assertThat(http.post("/api/v1/notifications/" + id + "/read", Map.of()).status())
                .as("someone else's").isEqualTo(404);
        assertThat(boApi.post("/api/v1/notifications/" + id + "/read", Map.of()).status()).isEqualTo(204);
        JsonNode unread = boApi.get("/api/v1/notifications?unread=true").json();
        assertThat(unread.get("items")).hasSize(2);
        assertThat(unread.get("unread").asLong()).isEqualTo(2);

        assertThat(boApi.post("/api/v1/notifications/read", Map.of()).json().get("marked").asLong()).isEqualTo(2);
        assertThat(boApi.get("/api/v1/notifications").json().get("unread").asLong()).isZero();
        Http.Response bad = boApi.get("/api/v1/notifications?unread=maybe");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.headers().get("content-type").get(0)).startsWith("application/problem+json");
    }

    @Test
    void aBatchRelayedTwiceNotifiesOnce() {
        Document bo = user(Role.MEMBER);
        String contact = create("/api/v1/contacts", Map.of("name", "Carla Diaz"));
        String activity = create("/api/v1/activities", Map.of("subject", "hi", "contactId", contact));
        relayed();
        // a relay that crashed after the consumers took a batch hands the same events again
        Event event = new Event(new ObjectId(), "activity.updated", clock.instant(),
                new Actor(admin.getObjectId("_id").toHexString(), "Admin"), "activity", activity,
                List.of(new Change("subject", "hi", "hi @" + handle(bo))), 2);
        consumer.accept(List.of(event));
        consumer.accept(List.of(event));
        assertThat(asUser(bo).get("/api/v1/notifications").json().get("items")).hasSize(1);
    }
}
