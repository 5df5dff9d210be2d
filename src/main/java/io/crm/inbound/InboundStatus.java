package io.crm.inbound;

import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import org.bson.Document;

/**
 * What an admin sees of incoming mail (the admin page and {@code GET /api/v1/inbound/status}): whether the SMTP
 * listener runs and for which address (never its secret), and the IMAP poller's sync state and last error as the
 * replica that last polled recorded it in MongoDB.
 */
public class InboundStatus {

    private final InboundProperties properties;
    private final SmtpListener smtp;
    private final ImapPoller imap;
    private final MongoCollection<Document> states;

    public InboundStatus(InboundProperties properties, SmtpListener smtp, ImapPoller imap,
                         MongoCollection<Document> states) {
        this.properties = properties;
        this.smtp = smtp;
        this.imap = imap;
        this.states = states;
    }

    public Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        Map<String, Object> listener = new LinkedHashMap<>();
        listener.put("enabled", properties.smtpPort() != 0);
        listener.put("running", smtp.isRunning());
        listener.put("port", properties.smtpPort() == 0 ? null : properties.smtpPort());
        listener.put("address", properties.address() == null || properties.address().isBlank() ? null
                : properties.address());
        listener.put("allowedSenderDomains", properties.allowedSenderDomains());
        json.put("smtp", listener);
        Map<String, Object> poller = new LinkedHashMap<>();
        poller.put("enabled", imap.enabled());
        poller.put("mailbox", imap.enabled() ? imap.mailbox() : null);
        Document state = imap.enabled() ? states.find(Filters.eq("_id", imap.mailbox())).first() : null;
        poller.put("sync", state == null ? null : sync(state));
        json.put("imap", poller);
        return json;
    }

    static Map<String, Object> sync(Document state) {
        Map<String, Object> json = new LinkedHashMap<>();
        for (String key : List.of("uidValidity", "lastUid", "logged", "refused", "lastPollLogged", "lastPollRefused",
                "lastError", "lastRefusal")) {
            json.put(key, state.get(key));
        }
        for (String key : List.of("lastPollAt", "lastSuccessAt", "lastErrorAt", "lastRefusalAt")) {
            json.put(key, state.get(key) instanceof Date d ? d.toInstant().toString() : null);
        }
        return json;
    }
}
