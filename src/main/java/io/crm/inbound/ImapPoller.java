package io.crm.inbound;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Date;
import java.util.Properties;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import io.crm.security.SystemActor;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.UIDFolder;
import io.crm.jobs.JobLeases;
import io.crm.jobs.LeasedJob;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls a shared IMAP mailbox for new messages and logs them like the SMTP listener does. Read-only: messages are
 * neither flagged nor deleted; the sync state (the folder's UIDVALIDITY and the highest UID done) lives in MongoDB
 * ({@value #COLLECTION}), so any replica continues where another stopped, and one replica at a time polls (a leased
 * job). A new UIDVALIDITY (the folder was recreated) starts over from the first message; the Message-ID
 * index keeps the messages already logged from being logged again. Each poll's outcome (the last error included) is
 * kept in the sync state for the admin page and {@code GET /api/v1/inbound/status}.
 */
public class ImapPoller implements LeasedJob {

    public static final String COLLECTION = "inbound_sync";
    /** The job's (and its lease's) name. */
    static final String LEASE = "inbound-imap";

    private static final Logger log = LoggerFactory.getLogger(ImapPoller.class);

    private final InboundMail mail;
    private final MongoCollection<Document> states;
    private final JobLeases leases;
    private final InboundProperties.Imap imap;
    private final String password;
    private final Clock clock;

    public ImapPoller(InboundMail mail, MongoCollection<Document> states, JobLeases leases,
                      InboundProperties.Imap imap, String password, Clock clock) {
        this.mail = mail;
        this.states = states;
        this.leases = leases;
        this.imap = imap;
        this.password = password;
        this.clock = clock;
    }

    @Override
    public String name() {
        return LEASE;
    }

    /** Polls every {@code poll-every} while a host is configured (the first poll one interval after start). */
    @Override
    public Duration every() {
        return imap.pollEvery();
    }

    /** A poll of a big mailbox may take a while: the lease lasts {@code crm.inbound.imap.lease}. */
    @Override
    public Duration lease() {
        return imap.lease();
    }

    @Override
    public String run() {
        int[] counts = poll();
        return counts == null ? "failed (see the sync state's last error)"
                : "logged " + counts[0] + ", refused " + counts[1];
    }

    @Override
    public boolean enabled() {
        return imap.enabled();
    }

    /** The sync state's key: one per mailbox and folder. */
    public String mailbox() {
        return imap.username() + "@" + imap.host() + ":" + imap.port() + "/" + imap.folder();
    }

    /** Polls once now if this replica gets the lease (else another replica is polling: nothing to do). */
    public void pollOnce() {
        leases.runNow(this);
    }

    /** One poll; returns {logged, refused}, or null when it failed (recorded in the sync state). */
    private int[] poll() {
        Date started = Date.from(clock.instant());
        try {
            int[] counts = sync();
            states.updateOne(Filters.eq("_id", mailbox()), Updates.combine(Updates.set("lastPollAt", started),
                    Updates.set("lastSuccessAt", started), Updates.set("lastError", null),
                    Updates.set("lastPollLogged", counts[0]), Updates.set("lastPollRefused", counts[1])),
                    new UpdateOptions().upsert(true));
            return counts;
        } catch (MessagingException | IOException | RuntimeException e) {
            // visible to admins (the message only: no stack, no password)
            String error = e.getClass().getSimpleName() + ": " + e.getMessage();
            log.warn("inbound mail: IMAP poll of {} failed: {}", mailbox(), error);
            states.updateOne(Filters.eq("_id", mailbox()), Updates.combine(Updates.set("lastPollAt", started),
                    Updates.set("lastError", error), Updates.set("lastErrorAt", started)),
                    new UpdateOptions().upsert(true));
            return null;
        }
    }

    /** Logs the messages after the last UID done; returns {logged, refused}. */
    private int[] sync() throws MessagingException, IOException {
        Properties properties = new Properties();
        String protocol = imap.ssl() ? "imaps" : "imap";
        properties.setProperty("mail." + protocol + ".connectiontimeout", "20000");
        properties.setProperty("mail." + protocol + ".timeout", "60000");
        Session session = Session.getInstance(properties);
        int logged = 0;
        int refused = 0;
        try (Store store = session.getStore(protocol)) {
            store.connect(imap.host(), imap.port(), imap.username(), password);
            Folder folder = store.getFolder(imap.folder());
            folder.open(Folder.READ_ONLY);
            try {
                UIDFolder uids = (UIDFolder) folder;
                long validity = uids.getUIDValidity();
                Document state = states.find(Filters.eq("_id", mailbox())).first();
                long lastUid = state != null && state.get("uidValidity") instanceof Number v && v.longValue() == validity
                        && state.get("lastUid") instanceof Number u ? u.longValue() : 0L;
                states.updateOne(Filters.eq("_id", mailbox()), Updates.combine(Updates.set("uidValidity", validity),
                        Updates.set("lastUid", lastUid)), new UpdateOptions().upsert(true));
                for (Message message : uids.getMessagesByUID(lastUid + 1, UIDFolder.LASTUID)) {
                    long uid = uids.getUID(message);
                    if (uid <= lastUid) {
                        continue; // "n:*" always includes the last message, even one done already
                    }
                    boolean ok = receive(message);
                    if (ok) {
                        logged++;
                    } else {
                        refused++;
                    }
                    // after each message, so a crash repeats at most that one (and its Message-ID makes it a no-op)
                    states.updateOne(Filters.eq("_id", mailbox()), Updates.combine(Updates.set("lastUid", uid),
                            Updates.inc("logged", ok ? 1 : 0)));
                }
            } finally {
                folder.close(false);
            }
        }
        return new int[] {logged, refused};
    }

    /** Logs one message; false when it was refused (recorded in the sync state, then skipped for good). */
    private boolean receive(Message message) throws MessagingException, IOException {
        long limit = mail.parser().maxSize();
        byte[] raw;
        if (message.getSize() > limit) {
            raw = null;
        } else {
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(0, message.getSize()));
            message.writeTo(out);
            raw = out.toByteArray();
        }
        try {
            if (raw == null) {
                throw new InboundRejected(InboundRejected.Reason.TOO_LARGE,
                        "The message is larger than " + limit + " bytes");
            }
            SystemActor.run(SmtpListener.ACTOR, () -> mail.receive(raw, "imap"));
            return true;
        } catch (InboundRejected e) {
            states.updateOne(Filters.eq("_id", mailbox()), Updates.combine(Updates.inc("refused", 1),
                    Updates.set("lastRefusal", e.getMessage()), Updates.set("lastRefusalAt", Date.from(clock.instant()))));
            return false;
        }
    }
}
