package io.crm.mail;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import io.crm.support.MutableClock;
import io.crm.support.TestMongo;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.mail.javamail.JavaMailSenderImpl;

import static org.assertj.core.api.Assertions.assertThat;

/** The outbox against a real SMTP server (GreenMail on loopback) and the test store; no Spring context. */
class MailOutboxTest {

    @RegisterExtension
    static GreenMailExtension smtp = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    private static MongoClient client;
    private MongoCollection<Document> collection;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-02T09:00:00Z"));
    private final MailProperties properties = new MailProperties("CRM <crm@crm.example.com>",
            URI.create("https://crm.example.com"), List.of(Duration.ofMinutes(1), Duration.ofMinutes(5)),
            Duration.ofSeconds(1), Duration.ofDays(30));

    @BeforeAll
    static void connect() {
        client = MongoClients.create(TestMongo.uri("crm_mail_test"));
    }

    @AfterAll
    static void close() {
        client.close();
    }

    @BeforeEach
    void fresh() {
        collection = client.getDatabase("crm_mail_test").getCollection(MailOutbox.COLLECTION);
        collection.drop();
        new MailConfiguration().mailOutboxIndexes().indexes().forEach(i -> collection.createIndex(i.getKeys(),
                i.getOptions()));
    }

    private MailOutbox outbox() {
        return new MailOutbox(collection, clock, properties, true, () -> { });
    }

    private MailDispatcher dispatcher(MailOutbox outbox, int port) {
        JavaMailSenderImpl sender = new JavaMailSenderImpl();
        sender.setHost("127.0.0.1");
        sender.setPort(port);
        return new MailDispatcher(outbox, new MailDelivery(sender, new MailTemplates(), properties.from()), clock,
                properties.pollEvery());
    }

    private MailDispatcher dispatcher(MailOutbox outbox) {
        return dispatcher(outbox, smtp.getSmtp().getPort());
    }

    private static Mail invitation(String key, String to, String subject, String name) {
        return new Mail(key, to, name, subject, "invitation", Map.of("name", name, "inviter", "Ada <admin>",
                "link", "https://crm.example.com/signup?token=abc&x=1", "hours", 24));
    }

    @Test
    void aMessageGoesOutOnceAsTextAndHtmlWithAMessageIdFromItsKey() throws Exception {
        MailOutbox outbox = outbox();
        assertThat(outbox.enqueue(invitation("invite:1", "bob@example.com", "You are invited", "Bob"))).isTrue();
        assertThat(outbox.enqueue(invitation("invite:1", "bob@example.com", "You are invited", "Bob"))).isFalse();
        MailDispatcher dispatcher = dispatcher(outbox);

        assertThat(dispatcher.sendDue()).isEqualTo(1);
        assertThat(dispatcher.sendDue()).isZero();

        MimeMessage[] received = smtp.getReceivedMessages();
        assertThat(received).hasSize(1);
        MimeMessage message = received[0];
        assertThat(message.getSubject()).isEqualTo("You are invited");
        assertThat(message.getFrom()[0].toString()).isEqualTo("CRM <crm@crm.example.com>");
        assertThat(message.getMessageID()).isEqualTo(new MailDelivery(new JavaMailSenderImpl(), new MailTemplates(),
                properties.from()).messageId("invite:1")).endsWith("@crm.example.com>");
        String text = GreenMailUtil.getBody(message);
        assertThat(message.getContentType()).startsWith("multipart/alternative");
        MimeMultipart alternative = (MimeMultipart) message.getContent();
        assertThat(alternative.getBodyPart(0).getContentType()).startsWith("text/plain");
        assertThat((String) alternative.getBodyPart(0).getContent())
                .contains("Ada <admin> invited you", "https://crm.example.com/signup?token=abc&x=1");
        assertThat(alternative.getBodyPart(1).getContentType()).startsWith("text/html");
        assertThat((String) alternative.getBodyPart(1).getContent())
                .contains("<span>Ada &lt;admin&gt;</span> invited you", "href=\"https://crm.example.com/signup?token=abc&amp;x=1\"");
        assertThat(text).isNotEmpty();

        Document stored = collection.find(Filters.eq("key", "invite:1")).first();
        assertThat(stored.getString("status")).isEqualTo("sent");
        assertThat(stored.getInteger("attempts")).isEqualTo(1);
        assertThat(stored.get("model")).as("the link does not outlive its mail in the store").isNull();
    }

    @Test
    void lineBreaksInSubjectsAndNamesNeverMakeHeaders() throws Exception {
        MailOutbox outbox = outbox();
        outbox.enqueue(invitation("inject:1", "bob@example.com", "Hello\r\nBcc: evil@example.com\r\nX-Evil: 1",
                "Bob\r\nBcc: evil2@example.com"));
        outbox.enqueue(invitation("inject:2", "carol@example.com\r\nBcc: evil3@example.com", "Hi", "Carol"));
        dispatcher(outbox).sendDue();

        MimeMessage[] received = smtp.getReceivedMessages();
        assertThat(received).as("no copy for a smuggled Bcc").hasSize(1);
        MimeMessage message = received[0];
        assertThat(message.getHeader("Bcc")).isNull();
        assertThat(message.getHeader("X-Evil")).isNull();
        assertThat(message.getSubject()).isEqualTo("Hello Bcc: evil@example.com X-Evil: 1");
        assertThat(message.getRecipients(Message.RecipientType.TO)).hasSize(1);
        assertThat(message.getRecipients(Message.RecipientType.TO)[0].toString())
                .isEqualTo("\"Bob Bcc: evil2@example.com\" <bob@example.com>");
        Document refused = collection.find(Filters.eq("key", "inject:2")).first();
        assertThat(refused.getString("status")).as("an address with a line break is refused for good")
                .isEqualTo("failed");
        assertThat(refused.getString("lastError")).startsWith("not sent: ");
    }

    @Test
    void aServerAwayIsRetriedWithBackoffThenGivenUpAndAnAdminRetryWorks() throws Exception {
        MailOutbox outbox = outbox();
        outbox.enqueue(invitation("retry:1", "bob@example.com", "Hi", "Bob"));
        int closedPort = smtp.getSmtp().getPort();
        smtp.stop();
        MailDispatcher away = dispatcher(outbox, closedPort);

        assertThat(away.sendDue()).isEqualTo(1);
        Document first = collection.find().first();
        assertThat(first.getString("status")).isEqualTo("retrying");
        assertThat(first.getDate("nextAttemptAt").toInstant()).isEqualTo(clock.instant().plus(Duration.ofMinutes(1)));
        assertThat(first.getString("lastError")).isNotBlank();
        assertThat(away.sendDue()).as("not before its time").isZero();

        clock.advance(Duration.ofMinutes(1));
        assertThat(away.sendDue()).isEqualTo(1);
        Document second = collection.find().first();
        assertThat(second.getDate("nextAttemptAt").toInstant()).isEqualTo(clock.instant().plus(Duration.ofMinutes(5)));

        clock.advance(Duration.ofMinutes(5));
        assertThat(away.sendDue()).isEqualTo(1);
        Document failed = collection.find().first();
        assertThat(failed.getString("status")).isEqualTo("failed");
        assertThat(failed.getInteger("attempts")).isEqualTo(3);
        assertThat(outbox.problems(10)).extracting(d -> d.getString("key")).containsExactly("retry:1");

        smtp.start();
        outbox.retry(failed.getObjectId("_id").toHexString());
        assertThat(dispatcher(outbox).sendDue()).isEqualTo(1);
        assertThat(smtp.getReceivedMessages()).hasSize(1);
        assertThat(collection.find().first().getString("status")).isEqualTo("sent");
    }

    @Test
    void twoReplicasOnOneStoreSendEachMessageOnce() throws Exception {
        MailOutbox one = outbox();
        MailOutbox two = outbox();
        for (int i = 0; i < 20; i++) {
            // both replicas enqueue every message (as both would find the same due reminder)
            Mail mail = invitation("twice:" + i, "user" + i + "@example.com", "Message " + i, "User " + i);
            one.enqueue(mail);
            two.enqueue(mail);
        }
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            List<CompletableFuture<Integer>> runs = new ArrayList<>();
            for (MailOutbox outbox : List.of(one, two)) {
                MailDispatcher dispatcher = dispatcher(outbox);
                runs.add(CompletableFuture.supplyAsync(dispatcher::sendDue, threads));
            }
            int attempts = runs.stream().mapToInt(CompletableFuture::join).sum();
            assertThat(attempts).isEqualTo(20);
        } finally {
            threads.shutdown();
        }
        MimeMessage[] received = smtp.getReceivedMessages();
        assertThat(received).hasSize(20);
        List<String> subjects = new ArrayList<>();
        for (MimeMessage m : received) {
            subjects.add(m.getSubject());
        }
        assertThat(subjects).doesNotHaveDuplicates();
    }

    @Test
    void withMailOffNothingIsQueued() {
        MailOutbox off = new MailOutbox(collection, clock, properties, false, () -> { });
        assertThat(off.enqueue(invitation("off:1", "bob@example.com", "Hi", "Bob"))).isFalse();
        assertThat(collection.countDocuments()).isZero();
    }
}
