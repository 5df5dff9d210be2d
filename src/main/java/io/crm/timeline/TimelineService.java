package io.crm.timeline;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.Map;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import io.crm.activity.ActivitySchema;
import io.crm.activity.ActivityService;
import io.crm.company.CompanyService;
import io.crm.contact.ContactService;
import io.crm.deal.DealService;
import io.crm.deal.StageChangeLog;
import io.crm.record.Cursor;
import io.crm.record.Page;
import io.crm.record.RecordException;
import io.crm.record.RecordMeta;
import io.crm.record.SortOrder;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.bson.types.ObjectId;

import org.springframework.stereotype.Service;

/**
 * A record's timeline: its live activities (at their creation time) and the stage changes of its live deals, newest
 * first. Two keyset-paged queries, each served by an index in (time desc, id desc) order, merged; the cursor is the
 * last entry's (time, id), and ids are unique across both collections, so paging is exact while entries are added.
 */
@Service
public class TimelineService {

    static final SortOrder ORDER = new SortOrder("at", "at", false);

    private final ContactService contacts;
    private final CompanyService companies;
    private final DealService deals;
    private final ActivityService activities;
    private final StageChangeLog stageChanges;

    public TimelineService(ContactService contacts, CompanyService companies, DealService deals,
                           ActivityService activities, StageChangeLog stageChanges) {
        this.contacts = contacts;
        this.companies = companies;
        this.deals = deals;
        this.activities = activities;
        this.stageChanges = stageChanges;
    }

    public Page<Document> ofContact(String id, int limit, String cursor) {
        ObjectId contact = contacts.get(id).getObjectId("_id");
        return timeline("contactId", contact, deals.liveDealTitles("contactIds", contact), limit, cursor);
    }

    public Page<Document> ofCompany(String id, int limit, String cursor) {
        ObjectId company = companies.get(id).getObjectId("_id");
        return timeline("companyId", company, deals.liveDealTitles("companyId", company), limit, cursor);
    }

    public Page<Document> ofDeal(String id, int limit, String cursor) {
        Document deal = deals.get(id);
        ObjectId dealId = deal.getObjectId("_id");
        return timeline("dealId", dealId, Map.of(dealId, deal.getString("title")), limit, cursor);
    }

    private Page<Document> timeline(String link, ObjectId id, Map<ObjectId, String> dealTitles, int limit,
                                    String cursor) {
        Cursor after = null;
        if (cursor != null && !cursor.isBlank()) {
            after = Cursor.decode(cursor, ORDER);
            if (!(after.value() instanceof Date)) {
                throw new RecordException.BadQuery(
                        "cursor is not valid for this list and sort; start again without it");
            }
        }
        List<Entry> entries = new ArrayList<>();
        activities.store().collection()
                .find(Filters.and(Filters.eq(RecordMeta.ARCHIVED, false), Filters.eq(link, id),
                        before(RecordMeta.CREATED_AT, after)))
                .sort(Sorts.descending(RecordMeta.CREATED_AT, "_id")).limit(limit + 1)
                .forEach(a -> entries.add(activity(a)));
        if (!dealTitles.isEmpty()) {
            stageChanges.collection()
                    .find(Filters.and(Filters.in(StageChangeLog.DEAL_ID, dealTitles.keySet()),
                            before(StageChangeLog.AT, after)))
                    .sort(Sorts.descending(StageChangeLog.AT, "_id")).limit(limit + 1)
                    .forEach(c -> entries.add(stageChange(c, dealTitles)));
        }
        entries.sort(Comparator.comparing(Entry::at).thenComparing(Entry::id).reversed());
        if (entries.size() <= limit) {
            return new Page<>(entries.stream().map(Entry::json).toList(), null);
        }
        List<Entry> page = entries.subList(0, limit);
        Entry last = page.get(limit - 1);
        return new Page<>(page.stream().map(Entry::json).toList(), Cursor.after(ORDER, last.at(), last.id()).encode());
    }

    /** Strictly after the cursor in newest-first order: older, or as old with a smaller id. */
    private static Bson before(String path, Cursor after) {
        if (after == null) {
            return Filters.empty();
        }
        return Filters.or(Filters.lt(path, after.value()),
                Filters.and(Filters.eq(path, after.value()), Filters.lt("_id", after.id())));
    }

    private Entry activity(Document stored) {
        Date at = (Date) RecordMeta.of(stored).get("createdAt");
        Document json = new Document("kind", "activity").append("at", at.toInstant());
        json.putAll(activities.view(stored));
        return new Entry(at, stored.getObjectId("_id"), json);
    }

    private static Entry stageChange(Document change, Map<ObjectId, String> dealTitles) {
        Date at = change.getDate(StageChangeLog.AT);
        ObjectId dealId = change.getObjectId(StageChangeLog.DEAL_ID);
        Document json = new Document("kind", "stageChange").append("at", at.toInstant())
                .append("id", change.getObjectId("_id").toHexString())
                .append("dealId", dealId.toHexString())
                .append("dealTitle", dealTitles.get(dealId))
                .append("from", change.get("from"))
                .append("to", change.get("to"));
        return new Entry(at, change.getObjectId("_id"), json);
    }

    private record Entry(Date at, ObjectId id, Document json) {
    }
}
