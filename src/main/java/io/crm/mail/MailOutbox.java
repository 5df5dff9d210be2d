package io.crm.mail;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;
import io.crm.json.JsonValues;
import io.crm.record.RecordException;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.bson.types.ObjectId;

/**
 * The outgoing mail queue ({@code mail_outbox}), shared by the replicas through the database only: one document per
 * message {@link Mail#key() key} (a unique index: enqueueing a key again is a no-op), with its state:
 * {@code pending} (not tried yet), {@code retrying} (refused for a passing reason, tried again at
 * {@code nextAttemptAt}), {@code sent}, {@code failed} (refused for good, or out of attempts: shown to admins, who
 * may send it again). A replica claims one due message at a time with a findOneAndUpdate that moves its
 * {@code dueAt} past the longest attempt and sets a claim token; the outcome is written only under that token, so a
 * replica that dies mid-send leaves a claim that falls due again.
 */
public class MailOutbox {

    public static final String COLLECTION = "mail_outbox";
    static final String PENDING = "pending";
    static final String RETRYING = "retrying";
    static final String SENT = "sent";
    static final String FAILED = "failed";
    static final List<String> UNFINISHED = List.of(PENDING, RETRYING);
    static final Set<String> STATUSES = Set.of(PENDING, RETRYING, SENT, FAILED);

    private final MongoCollection<Document> collection;
    private final Clock clock;
    private final MailProperties properties;
    private final boolean enabled;
    private final Runnable wake;

    public MailOutbox(MongoCollection<Document> collection, Clock clock, MailProperties properties, boolean enabled,
                      Runnable wake) {
        this.collection = collection;
        this.clock = clock;
        this.properties = properties;
        this.enabled = enabled;
        this.wake = wake;
    }

    /** Whether mail is on (an SMTP host is configured); when off, nothing is queued and callers fall back. */
    public boolean enabled() {
        return enabled;
    }

    public MailProperties properties() {
        return properties;
    }

    /**
     * Queues a message unless its key was queued before; returns whether this call queued it. With mail off nothing
     * is queued (false).
     */
    public boolean enqueue(Mail mail) {
        if (!enabled) {
            return false;
        }
        Date now = Date.from(clock.instant());
        Document doc = new Document("_id", new ObjectId()).append("key", mail.key()).append("to", mail.to())
                .append("toName", mail.toName()).append("subject", mail.subject())
                .append("template", mail.template()).append("model", new Document(mail.model()))
                .append("status", PENDING).append("attempts", 0).append("dueAt", now).append("nextAttemptAt", now)
                .append("createdAt", now);
        try {
            collection.insertOne(doc);
        } catch (MongoWriteException e) {
            if (ErrorCategory.fromErrorCode(e.getCode()) == ErrorCategory.DUPLICATE_KEY) {
                return false;
            }
            throw e;
        }
        wake.run();
        return true;
    }

    /** Whether a message of this key was queued already (a cheap check before rendering its model). */
    boolean known(String key) {
        return collection.find(Filters.eq("key", key)).projection(new Document("_id", 1)).first() != null;
    }

    /** Claims the most overdue unclaimed message, holding it until {@code until}; null when none is due. */
    Document claim(Instant now, Instant until, String token) {
        return collection.findOneAndUpdate(Filters.and(Filters.in("status", UNFINISHED),
                        Filters.lte("dueAt", Date.from(now))),
                Updates.combine(Updates.set("dueAt", Date.from(until)), Updates.set("claimToken", token)),
                new FindOneAndUpdateOptions().sort(Sorts.ascending("dueAt")).returnDocument(ReturnDocument.AFTER));
    }

    /** An attempt's outcome: sent, or the error and whether a later attempt may succeed. */
    record Outcome(boolean sent, boolean retryable, String error) {
        static final Outcome SENT = new Outcome(true, false, null);

        static Outcome retry(String error) {
            return new Outcome(false, true, error);
        }

        static Outcome refused(String error) {
            return new Outcome(false, false, error);
        }
    }

    /**
     * Writes an attempt's outcome under the claim it was made with; false when the claim was lost. A sent message
     * loses its model (a sign-up or reset link must not outlive its mail in the store).
     */
    boolean finish(Document message, String token, Outcome outcome, Instant at) {
        int attempts = message.getInteger("attempts", 0) + 1;
        List<Duration> delays = properties.retryDelays();
        List<Bson> set = new ArrayList<>(List.of(Updates.set("attempts", attempts),
                Updates.set("lastAttemptAt", Date.from(at)), Updates.set("lastError", outcome.error()),
                Updates.unset("claimToken")));
        if (outcome.sent()) {
            set.addAll(List.of(Updates.set("status", SENT), Updates.set("sentAt", Date.from(at)),
                    Updates.unset("model"), Updates.set("nextAttemptAt", null),
                    Updates.set("expireAt", Date.from(at.plus(properties.keep())))));
        } else if (outcome.retryable() && attempts <= delays.size()) {
            Instant next = at.plus(delays.get(attempts - 1));
            set.addAll(List.of(Updates.set("status", RETRYING), Updates.set("dueAt", Date.from(next)),
                    Updates.set("nextAttemptAt", Date.from(next))));
        } else {
            set.addAll(List.of(Updates.set("status", FAILED), Updates.set("failedAt", Date.from(at)),
                    Updates.set("nextAttemptAt", null),
                    Updates.set("expireAt", Date.from(at.plus(properties.keep())))));
        }
        return collection.updateOne(Filters.and(Filters.eq("_id", message.get("_id")),
                Filters.eq("claimToken", token)), Updates.combine(set)).getModifiedCount() == 1;
    }

    /** Messages, newest first, of one status or all, cursor-paged by id. */
    public List<Document> page(String status, String cursor, int size) {
        List<Bson> and = new ArrayList<>();
        if (status != null && !status.isBlank()) {
            if (!STATUSES.contains(status)) {
                throw new RecordException.BadQuery("status must be one of pending, retrying, sent, failed");
            }
            and.add(Filters.eq("status", status));
        }
        if (cursor != null && !cursor.isBlank()) {
            if (!ObjectId.isValid(cursor)) {
                throw new RecordException.BadQuery("cursor is not valid");
            }
            and.add(Filters.lt("_id", new ObjectId(cursor)));
        }
        return collection.find(and.isEmpty() ? new Document() : Filters.and(and)).sort(Sorts.descending("_id"))
                .limit(size + 1).into(new ArrayList<>());
    }

    /** The messages an admin should look at: failed ones and those waiting for another attempt, newest first. */
    public List<Document> problems(int size) {
        List<Document> out = new ArrayList<>(page(FAILED, null, size));
        out.addAll(page(RETRYING, null, size));
        out.sort((a, b) -> b.getObjectId("_id").compareTo(a.getObjectId("_id")));
        return out.size() > size ? out.subList(0, size) : out;
    }

    /** Sends a failed or retrying message again now: one more attempt. */
    public Document retry(String id) {
        Document doc = ObjectId.isValid(id) ? collection.find(Filters.eq("_id", new ObjectId(id))).first() : null;
        if (doc == null) {
            throw new RecordException.NotFound("Message");
        }
        String status = doc.getString("status");
        if (!FAILED.equals(status) && !RETRYING.equals(status)) {
            throw new RecordException.Conflict("only a failed or retrying message can be sent again");
        }
        Instant now = clock.instant();
        Date due = doc.getDate("dueAt");
        if (doc.getString("claimToken") != null && due != null && due.toInstant().isAfter(now)) {
            throw new RecordException.Conflict("the message is being sent right now");
        }
        Document updated = collection.findOneAndUpdate(Filters.and(Filters.eq("_id", doc.get("_id")),
                        Filters.eq("status", status)),
                Updates.combine(Updates.set("status", RETRYING), Updates.set("dueAt", Date.from(now)),
                        Updates.set("nextAttemptAt", Date.from(now)), Updates.set("failedAt", null),
                        Updates.set("expireAt", null), Updates.unset("claimToken")),
                new FindOneAndUpdateOptions().returnDocument(ReturnDocument.AFTER));
        if (updated == null) {
            throw new RecordException.Conflict("the message changed meanwhile; look again");
        }
        wake.run();
        return updated;
    }

    /** A new claim token. */
    static String token() {
        return UUID.randomUUID().toString();
    }

    /** The API's and the admin page's view: never the model (it may hold a sign-up or reset link). */
    public static Map<String, Object> toJson(Document d) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", d.getObjectId("_id").toHexString());
        out.put("key", d.getString("key"));
        out.put("to", d.getString("to"));
        out.put("subject", d.getString("subject"));
        out.put("template", d.getString("template"));
        out.put("status", d.getString("status"));
        out.put("attempts", d.getInteger("attempts", 0));
        out.put("lastError", d.getString("lastError"));
        out.put("lastAttemptAt", JsonValues.toJson(d.get("lastAttemptAt")));
        out.put("nextAttemptAt", JsonValues.toJson(d.get("nextAttemptAt")));
        out.put("createdAt", JsonValues.toJson(d.get("createdAt")));
        out.put("sentAt", JsonValues.toJson(d.get("sentAt")));
        out.put("failedAt", JsonValues.toJson(d.get("failedAt")));
        return out;
    }
}
