package io.crm.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import io.crm.security.Role;
import io.crm.support.ApiTest;
import io.crm.support.Http;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/**
 * The IMAP poller against GreenMail's IMAP server on loopback: new messages by UID, the sync state and last error
 * kept in MongoDB and shown to admins, a changed UIDVALIDITY handled without logging anything twice. The test polls
 * itself ({@link ImapPoller#pollOnce()}); the service's own loop waits an hour first.
 */
@TestPropertySource(properties = {
        "crm.inbound.imap.host=127.0.0.1",
        "crm.inbound.imap.username=" + InboundImapTest.USER,
        "crm.inbound.imap.password=" + InboundImapTest.PASSWORD,
        "crm.inbound.imap.ssl=false",
        "crm.inbound.imap.poll-every=1h"})
class InboundImapTest extends ApiTest {

    static final String USER = "capture";
    static final String PASSWORD = "imap-password";
    private static final GreenMail GREENMAIL = new GreenMail(ServerSetupTest.IMAP.dynamicPort());

    static {
        GREENMAIL.start();
    }

    @Autowired
    private ImapPoller poller;

    private GreenMailUser mailbox;

    @DynamicPropertySource
    static void imapPort(DynamicPropertyRegistry registry) {
        registry.add("crm.inbound.imap.port", () -> GREENMAIL.getImap().getPort());
    }

    @AfterAll
    static void stopGreenMail() {
        GREENMAIL.stop();
    }

    @BeforeEach
    void emptyMailbox() throws Exception {
        GREENMAIL.purgeEmailFromAllMailboxes();
        mailbox = GREENMAIL.setUser("capture@crm.example.com", USER, PASSWORD);
    }

    private void deliver(String file) throws Exception {
        mailbox.deliver(new MimeMessage(Session.getInstance(new java.util.Properties()),
                new ByteArrayInputStream(Corpus.read(file))));
    }

    private JsonNode sync() {
        Http.Response status = http.get("/api/v1/inbound/status");
        assertThat(status.status()).as(status.toString()).isEqualTo(200);
        assertThat(status.json().get("imap").get("enabled").asBoolean()).isTrue();
        return status.json().get("imap").get("sync");
    }

    private long emailActivities() {
        return mongo.getCollection("activities").countDocuments(Filters.eq("type", "email"));
    }

    @Test
    void newMessagesAreLoggedOnceByUid() throws Exception {
        String ann = create("/api/v1/contacts", Map.of("name", "Ann", "email", "ann@customer.example"));
        create("/api/v1/contacts", Map.of("name", "Bob", "email", "bob@customer.example"));
        deliver("bcc-two-contacts.eml");

        poller.pollOnce();

        assertThat(emailActivities()).isEqualTo(2);
        JsonNode sync = sync();
        assertThat(sync.get("lastUid").asLong()).isPositive();
        assertThat(sync.get("logged").asInt()).isEqualTo(1);
        assertThat(sync.get("lastError").isNull()).isTrue();
        long firstUid = sync.get("lastUid").asLong();

        // nothing new: nothing logged; then one new message (a refused one is counted, not retried)
        poller.pollOnce();
        assertThat(emailActivities()).isEqualTo(2);
        deliver("html-with-scripts.eml");
        deliver("bad-no-from.eml");
        poller.pollOnce();
        assertThat(emailActivities()).isEqualTo(3);
        sync = sync();
        assertThat(sync.get("lastUid").asLong()).isEqualTo(firstUid + 2);
        assertThat(sync.get("logged").asInt()).isEqualTo(2);
        assertThat(sync.get("refused").asInt()).isEqualTo(1);
        assertThat(sync.get("lastRefusal").asString()).contains("From");
        List<String> subjects = new ArrayList<>();
        http.get("/api/v1/contacts/" + ann + "/timeline").json().get("items")
                .forEach(i -> subjects.add(i.get("subject").asString()));
        assertThat(subjects).containsExactly("html only", "Proposal for Q3 – pricing");
    }

    @Test
    void whileAnotherReplicaHoldsTheLeaseThisOneDoesNotPoll() throws Exception {
        create("/api/v1/contacts", Map.of("name", "Ann", "email", "ann@customer.example"));
        deliver("bcc-two-contacts.eml");
        // another replica's lease, as ShedLock keeps it in MongoDB (wall-clock times, like ShedLock's own)
        java.time.Instant now = java.time.Instant.now();
        mongo.getCollection("shedLock").insertOne(new Document("_id", ImapPoller.LEASE)
                .append("lockUntil", java.util.Date.from(now.plusSeconds(300)))
                .append("lockedAt", java.util.Date.from(now)).append("lockedBy", "other-replica"));

        poller.pollOnce();

        assertThat(emailActivities()).isZero();
        assertThat(mongo.getCollection(ImapPoller.COLLECTION).countDocuments()).isZero();
        // the lease released: this replica polls
        mongo.getCollection("shedLock").deleteOne(Filters.eq("_id", ImapPoller.LEASE));
        poller.pollOnce();
        assertThat(emailActivities()).isOne();
    }

    @Test
    void aNewUidValidityStartsOverWithoutLoggingTwice() throws Exception {
        create("/api/v1/contacts", Map.of("name", "Ann", "email", "ann@customer.example"));
        deliver("bcc-two-contacts.eml");
        poller.pollOnce();
        assertThat(emailActivities()).isOne();
        // as if the folder had been recreated: the stored UIDVALIDITY no longer matches
        mongo.getCollection(ImapPoller.COLLECTION).updateOne(Filters.eq("_id", poller.mailbox()),
                Updates.set("uidValidity", 1L));

        poller.pollOnce();

        assertThat(emailActivities()).isOne();
        Document state = mongo.getCollection(ImapPoller.COLLECTION).find(Filters.eq("_id", poller.mailbox())).first();
        assertThat(state.get("uidValidity")).isNotEqualTo(1L);
        assertThat(state.get("lastError")).isNull();
    }

    @Test
    void aFailingPollIsVisibleToAdmins() throws Exception {
        GREENMAIL.setUser("capture@crm.example.com", USER, "changed-password");

        poller.pollOnce();

        JsonNode sync = sync();
        assertThat(sync.get("lastError").asString()).isNotBlank().doesNotContain(PASSWORD);
        assertThat(sync.get("lastErrorAt").isNull()).isFalse();
        String page = http.get("/admin/inbound").body();
        assertThat(page).contains("IMAP mailbox", "imap-last-error");
        assertThat(as(Role.MEMBER).get("/api/v1/inbound/status").status()).isEqualTo(403);
    }
}
