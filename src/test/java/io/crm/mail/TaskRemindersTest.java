package io.crm.mail;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import io.crm.activity.ActivityService;
import io.crm.security.Role;
import io.crm.support.Http;
import jakarta.mail.internet.MimeMessage;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.mail.javamail.JavaMailSender;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Task reminders and the morning digest with mail on (GreenMail) and the clock moved, never slept: a reminder comes
 * once when its lead time is reached, the digest at 07:00 in each user's zone, and two instances on one store send
 * each reminder once. The service's own reminder loop also runs; every check is on what was queued or arrived, so
 * which instance queued a message does not matter.
 */
class TaskRemindersTest extends MailOnTest {

    @Autowired
    TaskReminders reminders;
    @Autowired
    ActivityService activities;
    @Autowired
    MailPreferences preferences;
    @Autowired
    MailOutbox outbox;
    @Autowired
    JavaMailSender sender;
    @Autowired
    io.crm.security.UserService userService;

    private String contact() {
        Http.Response created = http.post("/api/v1/contacts", Map.of("name", "Carl Contact",
                "email", "carl-" + new ObjectId() + "@example.com"));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        return created.json().get("id").asString();
    }

    private String task(String subject, Instant due, String assigneeId) {
        Map<String, Object> body = new java.util.LinkedHashMap<>(Map.of("type", "task", "subject", subject,
                "dueAt", due.toString(), "contactId", contact()));
        if (assigneeId != null) {
            body.put("assigneeId", assigneeId);
        }
        Http.Response created = http.post("/api/v1/activities", body);
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        return created.json().get("id").asString();
    }

    private List<Document> queued(String prefix) {
        return mongo.getCollection(MailOutbox.COLLECTION)
                .find(new Document("key", new Document("$regex", "^" + prefix))).into(new ArrayList<>());
    }

    private static String id(Document user) {
        return user.getObjectId("_id").toHexString();
    }

    @Test
    void tasksAreAssignedToTheirCreatorByDefaultAndOnlyToExistingUsers() {
        Http.Response created = http.post("/api/v1/activities", Map.of("type", "task", "subject", "Call back",
                "contactId", contact()));
        assertThat(created.json().get("assigneeId").asString()).isEqualTo(id(admin));
        Http.Response nobody = http.post("/api/v1/activities", Map.of("type", "task", "subject", "Call back",
                "contactId", contact(), "assigneeId", new ObjectId().toHexString()));
        assertThat(nobody.status()).isEqualTo(400);
        assertThat(nobody.contentType()).startsWith("application/problem+json");
        assertThat(nobody.body()).contains("assigneeId");
        Document member = user(Role.MEMBER);
        Http.Response reassigned = http.patch("/api/v1/activities/" + created.json().get("id").asString(),
                Map.of("assigneeId", id(member)));
        assertThat(reassigned.json().get("assigneeId").asString()).isEqualTo(id(member));
    }

    @Test
    void aReminderComesOnceWhenItsLeadTimeIsReached() throws Exception {
        Document member = user(Role.MEMBER);
        Http.Response lead = http.anonymous().withToken(token(member)).patch("/api/v1/mail-preferences", Map.of("reminderLead", "1h"));
        assertThat(lead.status()).as(lead.toString()).isEqualTo(200);
        assertThat(http.anonymous().withToken(token(member)).get("/api/v1/mail-preferences").json().get("reminderLead").asString())
                .isEqualTo("1h");
        String task = task("Send the quote", clock.instant().plus(Duration.ofHours(2)), id(member));

        reminders.remind();
        clock.advance(Duration.ofMinutes(59));
        reminders.remind();
        assertThat(queued("reminder:" + task)).as("not before its lead time").isEmpty();

        clock.advance(Duration.ofMinutes(1));
        reminders.remind();
        reminders.remind();
        clock.advance(Duration.ofMinutes(30));
        reminders.remind();
        assertThat(queued("reminder:" + task)).hasSize(1);
        MimeMessage mail = received(1)[0];
        assertThat(mail.getSubject()).isEqualTo("Task due: Send the quote");
        await().atMost(Duration.ofSeconds(20)).until(() -> "sent".equals(queued("reminder:" + task).get(0)
                .getString("status")));
        assertThat(SMTP.getReceivedMessages()).hasSize(1);
    }

    @Test
    void badMailSettingsAreClearProblems() {
        Http.Response lead = http.patch("/api/v1/mail-preferences", Map.of("reminderLead", "2h"));
        assertThat(lead.status()).isEqualTo(400);
        assertThat(lead.contentType()).startsWith("application/problem+json");
        assertThat(http.patch("/api/v1/mail-preferences", Map.of("digest", "yes")).status()).isEqualTo(400);
        assertThat(http.patch("/api/v1/mail-preferences", Map.of("colour", "red")).status()).isEqualTo(400);
    }

    @Test
    void twoInstancesOnOneStoreSendEachReminderOnce() throws Exception {
        Document member = user(Role.MEMBER);
        List<String> tasks = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            tasks.add(task("Task " + i, clock.instant().plus(Duration.ofMinutes(10 + i)), id(member)));
        }
        clock.advance(Duration.ofMinutes(20));
        MailOutbox otherOutbox = new MailOutbox(mongo.getCollection(MailOutbox.COLLECTION), clock,
                outbox.properties(), true, () -> { });
        TaskReminders other = new TaskReminders(activities, userService, preferences, otherOutbox, clock);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            CompletableFuture<Integer> one = CompletableFuture.supplyAsync(reminders::remind, threads);
            CompletableFuture<Integer> two = CompletableFuture.supplyAsync(other::remind, threads);
            one.join();
            two.join();
        } finally {
            threads.shutdown();
        }
        for (String task : tasks) {
            assertThat(queued("reminder:" + task)).hasSize(1);
        }
        received(5);
        await().atMost(Duration.ofSeconds(20)).until(() -> queued("reminder:").stream()
                .allMatch(d -> "sent".equals(d.getString("status"))));
        assertThat(SMTP.getReceivedMessages()).hasSize(5);
    }

    @Test
    void theDigestComesAtSevenInEachUsersZone() throws Exception {
        Document tokyo = user(Role.MEMBER);
        userService.changeTimeZone(id(tokyo), "Asia/Tokyo");
        Document newYork = user(Role.MEMBER);
        userService.changeTimeZone(id(newYork), "America/New_York");
        // 22:30 UTC on 2 March: 07:30 on 3 March in Tokyo, 17:30 on 2 March in New York
        clock.setInstant(Instant.parse("2026-03-02T22:30:00Z"));
        task("Tokyo overdue", Instant.parse("2026-03-01T03:00:00Z"), id(tokyo));
        task("Tokyo today", Instant.parse("2026-03-03T05:00:00Z"), id(tokyo));
        task("Tokyo tomorrow", Instant.parse("2026-03-04T05:00:00Z"), id(tokyo));
        task("New York today", Instant.parse("2026-03-03T20:00:00Z"), id(newYork));

        reminders.digest();
        assertThat(queued("digest:" + id(tokyo) + ":2026-03-03")).hasSize(1);
        assertThat(queued("digest:" + id(newYork))).as("17:30 in New York").isEmpty();
        MimeMessage digest = received(1)[0];
        assertThat(digest.getSubject()).isEqualTo("Your tasks for 2026-03-03");
        String text = com.icegreen.greenmail.util.GreenMailUtil.getBody(digest);
        assertThat(text).contains("Tokyo overdue", "Tokyo today", "/mail/unsubscribe?token=")
                .doesNotContain("Tokyo tomorrow");

        // 12:05 UTC on 3 March: 07:05 in New York, 21:05 in Tokyo
        clock.setInstant(Instant.parse("2026-03-03T12:05:00Z"));
        reminders.digest();
        reminders.digest();
        assertThat(queued("digest:" + id(newYork) + ":2026-03-03")).hasSize(1);
        assertThat(queued("digest:" + id(tokyo))).hasSize(1);

        // the unsubscribe link works without signing in, after a confirmation
        String token = text.replaceAll("(?s).*/mail/unsubscribe\\?token=([A-Za-z0-9_-]+).*", "$1");
        assertThat(http.anonymous().get("/mail/unsubscribe?token=" + token, "Accept", "text/html").body())
                .contains("id=\"unsubscribe\"");
        assertThat(preferences.unsubscribe(token)).isTrue();
        assertThat(preferences.get(id(tokyo)).digest()).isFalse();
        clock.setInstant(Instant.parse("2026-03-03T22:30:00Z"));
        reminders.digest();
        assertThat(queued("digest:" + id(tokyo) + ":2026-03-04")).as("unsubscribed").isEmpty();
    }
}
