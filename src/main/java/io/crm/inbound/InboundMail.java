package io.crm.inbound;

import java.io.ByteArrayInputStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.gridfs.GridFSBucket;
import com.mongodb.client.gridfs.model.GridFSUploadOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Updates;
import io.crm.activity.ActivityService;
import io.crm.contact.ContactSchema;
import io.crm.contact.ContactService;
import io.crm.record.RecordException;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stores a checked incoming message ({@link ParsedEmail}) once per Message-ID and logs it as an {@code email}
 * activity on every contact whose address is its From, To or Cc (through {@link ActivityService}, so the events, the
 * audit log and the timelines see it like any activity). The message's first write claims its Message-ID (a unique
 * index), so the same message arriving twice (a retry, BCC and IMAP both, two replicas) is logged once; a message
 * whose logging was interrupted is finished by its next delivery (see {@link #claimUnfinished}).
 */
public class InboundMail {

    public static final String COLLECTION = "inbound_emails";
    /** GridFS bucket of the stored attachments ({@code inbound_attachments.files}, {@code .chunks}). */
    public static final String BUCKET = "inbound_attachments";
    /** Longest activity subject and body (the activity schema's limits). */
    static final int SUBJECT_LENGTH = 200;
    static final int BODY_LENGTH = 20_000;
    /**
     * Longest text and HTML body kept on the stored message (a MongoDB document holds 16 MB at most, a message may
     * be 25 MB); longer ones are cut and marked {@code truncated}.
     */
    static final int STORED_TEXT = 1_000_000;
    static final int STORED_HTML = 2_000_000;
    /** How long after its last claim an interrupted message may be finished by another delivery of it. */
    static final java.time.Duration RESUME_AFTER = java.time.Duration.ofMinutes(10);

    private static final Logger log = LoggerFactory.getLogger(InboundMail.class);

    private final MongoCollection<Document> emails;
    private final MongoCollection<Document> contacts;
    private final GridFSBucket attachments;
    private final ActivityService activities;
    private final ContactService contactService;
    private final AttachmentPolicy policy;
    private final InboundAddress address;
    private final MailParser parser;
    private final boolean createContacts;
    private final Clock clock;

    public InboundMail(MongoCollection<Document> emails, MongoCollection<Document> contacts, GridFSBucket attachments,
                       ActivityService activities, ContactService contactService, AttachmentPolicy policy,
                       InboundAddress address, MailParser parser, boolean createContacts, Clock clock) {
        this.emails = emails;
        this.contacts = contacts;
        this.attachments = attachments;
        this.activities = activities;
        this.contactService = contactService;
        this.policy = policy;
        this.address = address;
        this.parser = parser;
        this.createContacts = createContacts;
        this.clock = clock;
    }

    public MailParser parser() {
        return parser;
    }

    /**
     * 503: the same Message-ID is being logged by another delivery (or its interrupted attempt is recent); the SMTP
     * listener answers 451 and the poller retries, so the sender comes back once it is finished or can be finished.
     */
    public static final class BeingLogged extends RecordException {
        BeingLogged() {
            super(503, "Service unavailable", "This message is being logged by another delivery; retry later");
        }
    }

    /** What became of a message: the stored message, and whether it had been stored before. */
    public record Outcome(Document email, boolean duplicate) {
    }

    /** Parses, checks and stores a raw message that came {@code via} smtp, http or imap. */
    public Outcome receive(byte[] raw, String via) {
        ParsedEmail parsed;
        try {
            parsed = parser.parse(raw);
        } catch (InboundRejected e) {
            // the reason, never the content
            log.info("inbound mail via {} refused ({}): {}", via, e.reason(), e.getMessage());
            throw e;
        }
        return store(parsed, via);
    }

    public Outcome store(ParsedEmail parsed, String via) {
        ObjectId id = new ObjectId();
        Date now = Date.from(clock.instant());
        Document email = new Document("_id", id)
                .append("messageId", parsed.messageId())
                .append("from", parsed.from())
                .append("fromName", parsed.fromName())
                .append("to", addresses(parsed.to()))
                .append("cc", addresses(parsed.cc()))
                .append("subject", parsed.subject())
                .append("date", parsed.date() == null ? null : Date.from(parsed.date()))
                .append("text", cut(parsed.text(), STORED_TEXT))
                .append("html", cut(parsed.html(), STORED_HTML))
                .append("truncated", parsed.text().length() > STORED_TEXT || parsed.html().length() > STORED_HTML)
                .append("size", parsed.size())
                .append("via", via)
                .append("receivedAt", now)
                .append("claimedAt", now)
                .append("state", "received");
        try {
            emails.insertOne(email);
        } catch (MongoWriteException e) {
            if (e.getError().getCategory() != ErrorCategory.DUPLICATE_KEY) {
                throw e;
            }
            Document existing = emails.find(Filters.eq("messageId", parsed.messageId())).first();
            if (existing == null || "logged".equals(existing.getString("state"))) {
                log.info("inbound mail via {}: Message-ID already logged, ignored", via);
                return new Outcome(existing, true);
            }
            Document resumed = claimUnfinished(existing);
            if (resumed == null) {
                // being logged right now (or its attempt died less than RESUME_AFTER ago): the sender retries later
                throw new BeingLogged();
            }
            log.info("inbound mail via {}: finishing a message whose logging was interrupted", via);
            email = resumed;
            id = resumed.getObjectId("_id");
        }
        return log(id, email, parsed, via);
    }

    /**
     * A message stored but not logged on all its contacts (its process died midway) is finished by the next delivery
     * of the same Message-ID, once {@link #RESUME_AFTER} has passed since it was last claimed (so a replica still
     * working on it is not raced); null when there is nothing to finish.
     */
    private Document claimUnfinished(Document existing) {
        Date claimedAt = existing.getDate("claimedAt");
        if (claimedAt == null
                || claimedAt.toInstant().plus(RESUME_AFTER).isAfter(clock.instant())) {
            return null;
        }
        return emails.findOneAndUpdate(Filters.and(Filters.eq("_id", existing.getObjectId("_id")),
                        Filters.eq("state", "received"), Filters.eq("claimedAt", claimedAt)),
                Updates.set("claimedAt", Date.from(clock.instant())),
                new com.mongodb.client.model.FindOneAndUpdateOptions()
                        .returnDocument(com.mongodb.client.model.ReturnDocument.AFTER));
    }

    /**
     * Stores the attachments (unless an interrupted attempt did) and logs the activities, recording each contact
     * as it is done, so finishing an interrupted message logs only the contacts still missing.
     */
    private Outcome log(ObjectId id, Document email, ParsedEmail parsed, String via) {
        List<Document> stored = email.getList("attachments", Document.class);
        if (stored == null) {
            stored = storeAttachments(id, parsed);
            emails.updateOne(Filters.eq("_id", id), Updates.set("attachments", stored));
        }
        Set<ObjectId> done = new LinkedHashSet<>(email.getList("contactIds", ObjectId.class, List.of()));
        List<String> created = new ArrayList<>();
        int logged = 0;
        for (Document contact : contactsOf(parsed, created)) {
            ObjectId contactId = contact.getObjectId("_id");
            if (!done.add(contactId)) {
                continue;
            }
            ObjectId activity = activities.create(activity(parsed, contactId)).getObjectId("_id");
            emails.updateOne(Filters.eq("_id", id), Updates.combine(Updates.push("contactIds", contactId),
                    Updates.push("activityIds", activity)));
            logged++;
        }
        emails.updateOne(Filters.eq("_id", id), Updates.combine(Updates.addEachToSet("createdContacts",
                new ArrayList<>(created)), Updates.set("state", "logged")));
        log.info("inbound mail via {}: logged on {} contact(s), {} attachment(s)", via, logged, stored.size());
        return new Outcome(emails.find(Filters.eq("_id", id)).first(), false);
    }

    private List<Document> storeAttachments(ObjectId emailId, ParsedEmail parsed) {
        List<Document> result = new ArrayList<>();
        int stored = 0;
        for (ParsedEmail.Attachment attachment : parsed.attachments()) {
            Document meta = new Document("filename", attachment.filename())
                    .append("contentType", attachment.contentType())
                    .append("size", attachment.content().length);
            String refusal = policy.refusal(attachment, stored);
            if (refusal == null) {
                ObjectId file = attachments.uploadFromStream(
                        attachment.filename().isEmpty() ? "attachment" : attachment.filename(),
                        new ByteArrayInputStream(attachment.content()),
                        new GridFSUploadOptions().metadata(new Document("emailId", emailId)
                                .append("contentType", attachment.contentType())));
                meta.append("fileId", file);
                stored++;
            } else {
                meta.append("refused", refusal);
            }
            result.add(meta);
        }
        return result;
    }

    /**
     * The live contacts whose address is among the message's From/To/Cc (case-insensitively: the contacts' unique
     * email key is lower case), the capture address itself left out; with {@code createContacts}, the addresses no
     * contact has become contacts, except those in the allowed sender domains (the sales team's own).
     */
    private List<Document> contactsOf(ParsedEmail parsed, List<String> created) {
        Map<String, String> names = new LinkedHashMap<>();
        for (ParsedEmail.Address a : parsed.participants()) {
            if (!address.isCaptureAddress(a.email())) {
                names.putIfAbsent(a.email(), a.name());
            }
        }
        if (names.isEmpty()) {
            return List.of();
        }
        List<Document> found = contacts.find(Filters.in(ContactSchema.EMAIL_KEY, names.keySet()))
                .projection(Projections.include("_id", ContactSchema.EMAIL_KEY)).into(new ArrayList<>());
        if (!createContacts) {
            return found;
        }
        Set<String> known = new LinkedHashSet<>();
        found.forEach(c -> known.add(c.getEmbedded(List.of(ContactSchema.EMAIL_KEY.split("\\.")), String.class)));
        for (Map.Entry<String, String> unknown : names.entrySet()) {
            if (known.contains(unknown.getKey()) || parser.ownDomain(unknown.getKey())) {
                continue;
            }
            String name = unknown.getValue().isBlank() ? unknown.getKey() : unknown.getValue();
            try {
                found.add(contactService.create(Map.of("name", name, "email", unknown.getKey())));
                created.add(unknown.getKey());
            } catch (RecordException.Duplicate e) {
                // created meanwhile (another message naming it at the same moment): use that one
                Document other = contacts.find(Filters.eq(ContactSchema.EMAIL_KEY, unknown.getKey())).first();
                if (other != null) {
                    found.add(other);
                }
            } catch (RecordException e) {
                log.info("inbound mail: no contact created for an address the contact rules refuse ({})",
                        e.getMessage());
            }
        }
        return found;
    }

    private static Map<String, Object> activity(ParsedEmail parsed, ObjectId contact) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "email");
        String subject = parsed.subject().isBlank() ? "(no subject)" : parsed.subject();
        body.put("subject", cut(subject, SUBJECT_LENGTH));
        StringBuilder text = new StringBuilder("From: ").append(parsed.from());
        if (!parsed.to().isEmpty()) {
            text.append("\nTo: ").append(String.join(", ", addresses(parsed.to())));
        }
        if (!parsed.cc().isEmpty()) {
            text.append("\nCc: ").append(String.join(", ", addresses(parsed.cc())));
        }
        if (parsed.date() != null) {
            text.append("\nDate: ").append(parsed.date());
        }
        if (!parsed.text().isBlank()) {
            text.append("\n\n").append(parsed.text().strip());
        }
        body.put("body", cut(text.toString(), BODY_LENGTH));
        body.put("contactId", contact.toHexString());
        return body;
    }

    private static List<String> addresses(List<ParsedEmail.Address> list) {
        return list.stream().map(ParsedEmail.Address::email).toList();
    }

    private static String cut(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }

    /** The stored message as the API shows it (no HTML or text body: the activity carries the text). */
    public static Map<String, Object> toJson(Document email) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", email.getObjectId("_id").toHexString());
        for (String key : List.of("messageId", "from", "to", "cc", "subject", "via", "state")) {
            json.put(key, email.get(key));
        }
        json.put("date", email.getDate("date") == null ? null : email.getDate("date").toInstant().toString());
        json.put("receivedAt", email.getDate("receivedAt").toInstant().toString());
        List<Map<String, Object>> files = new ArrayList<>();
        for (Document a : email.getList("attachments", Document.class, List.of())) {
            Map<String, Object> file = new LinkedHashMap<>();
            file.put("filename", a.getString("filename"));
            file.put("contentType", a.getString("contentType"));
            file.put("size", a.get("size"));
            file.put("stored", a.get("fileId") != null);
            if (a.get("refused") != null) {
                file.put("refused", a.getString("refused"));
            }
            files.add(file);
        }
        json.put("attachments", files);
        json.put("contactIds", ids(email, "contactIds"));
        json.put("activityIds", ids(email, "activityIds"));
        json.put("createdContacts", email.getList("createdContacts", String.class, List.of()));
        return json;
    }

    private static List<String> ids(Document email, String key) {
        return email.getList(key, ObjectId.class, List.of()).stream().map(ObjectId::toHexString).toList();
    }
}
