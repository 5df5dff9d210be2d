package io.crm.activity;

import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;

import io.crm.record.Field;
import io.crm.record.Fields;
import io.crm.record.RecordMeta;
import io.crm.record.Schema;
import org.bson.Document;

/** Activities (notes, tasks, calls, meetings, emails) on contacts, companies and deals. */
public final class ActivitySchema {

    public static final String COLLECTION = "activities";
    public static final List<String> TYPES = List.of("note", "task", "call", "meeting", "email");
    public static final String DEFAULT_TYPE = "note";
    public static final List<String> LINKS = List.of("contactId", "companyId", "dealId");
    /**
     * dueAt as a sort key that every activity has: activities without a due date sort after all dated ones (so
     * keyset paging never meets a missing value).
     */
    public static final String DUE_KEY = RecordMeta.META + ".dueKey";
    /** True for a task that is not completed: the {@code open=true} filter. */
    public static final String OPEN_KEY = RecordMeta.META + ".open";
    static final Date NO_DUE_DATE = Date.from(Instant.parse("9999-12-31T23:59:59Z"));
    private static final int SEARCHED_BODY_LENGTH = 1000;

    public static final Schema SCHEMA = new Schema(List.of(
            Field.optional("type", Fields.oneOf(TYPES)),
            Field.required("subject", Fields.text(1, 200)),
            Field.optional("body", Fields.text(1, 20_000)),
            Field.optional("dueAt", Fields.instant()),
            Field.optional("completedAt", Fields.instant()),
            Field.optional("contactId", Fields.objectId()).label("Contact"),
            Field.optional("companyId", Fields.objectId()).label("Company"),
            Field.optional("dealId", Fields.objectId()).label("Deal"),
            // the user a task's reminders go to (an existing user's id; default the creator)
            Field.optional("assigneeId", Fields.userId()).label("Assignee")));

    private ActivitySchema() {
    }

    /** An open task: a task without completedAt. */
    public static boolean isOpen(Document activity) {
        return "task".equals(activity.get("type")) && activity.get("completedAt") == null;
    }

    public static Document derived(Document stored) {
        Object subject = stored.get("subject");
        Object body = stored.get("body");
        String bodyText = body instanceof String s ? s.substring(0, Math.min(s.length(), SEARCHED_BODY_LENGTH)) : "";
        return new Document("dueKey", stored.get("dueAt") instanceof Date d ? d : NO_DUE_DATE)
                .append("open", isOpen(stored))
                .append("search", RecordMeta.searchText(subject, bodyText));
    }

    /**
     * The web page of the record an activity is on (its contact, else its deal, else its company; the dashboard's
     * task links follow the same order), for links in mails and notifications.
     */
    public static String recordPage(Document activity) {
        if (activity.get("contactId") != null) {
            return "/contacts/" + activity.get("contactId");
        }
        if (activity.get("dealId") != null) {
            return "/deals/" + activity.get("dealId");
        }
        return activity.get("companyId") != null ? "/companies/" + activity.get("companyId") : "/";
    }
}
