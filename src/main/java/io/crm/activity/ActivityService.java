package io.crm.activity;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.mongodb.client.model.Filters;
import io.crm.company.CompanySchema;
import io.crm.contact.ContactSchema;
import io.crm.deal.DealSchema;
import io.crm.record.Page;
import io.crm.record.RecordException;
import io.crm.record.RecordMeta;
import io.crm.record.RecordStore;
import io.crm.record.References;
import io.crm.record.SortOrder;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.bson.types.ObjectId;

import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.stereotype.Service;

/** Activity use cases. */
@Service
public class ActivityService {

    public static final Map<String, String> SORTS = Map.of(
            "createdAt", RecordMeta.CREATED_AT,
            "updatedAt", RecordMeta.UPDATED_AT,
            "dueAt", ActivitySchema.DUE_KEY);
    public static final String DEFAULT_SORT = "-createdAt";
    /** List filter to stored field; each has one index per sort, so a request may use one of them (plus q). */
    public static final Map<String, String> FILTERS = Map.of(
            "type", "type",
            "contactId", "contactId",
            "companyId", "companyId",
            "dealId", "dealId",
            "open", ActivitySchema.OPEN_KEY);
    static final String NEEDS_LINK = "at least one of contactId, companyId, dealId is required";

    private final RecordStore store;
    private final References references;

    public ActivityService(MongoTemplate mongo, References references, Clock clock) {
        this.store = new RecordStore(mongo.getCollection(ActivitySchema.COLLECTION), "Activity", Map.of(), Set.of(),
                clock);
        this.references = references;
    }

    public RecordStore store() {
        return store;
    }

    public Document create(Map<String, Object> body) {
        Document activity = ActivitySchema.SCHEMA.create(body);
        activity.putIfAbsent("type", ActivitySchema.DEFAULT_TYPE);
        checkLinks(activity, ActivitySchema.LINKS);
        return store.insert(activity, ActivitySchema.derived(activity));
    }

    public Document get(String id) {
        return store.get(id);
    }

    public Document update(String id, Map<String, Object> patch, Long expectedVersion) {
        Document current = store.get(id);
        if (patch.containsKey("type") && patch.get("type") == null) {
            throw new RecordException.Invalid("type", "cannot be removed");
        }
        Document next = ActivitySchema.SCHEMA.patch(ActivitySchema.fields(current), patch);
        // only links the patch names are checked: a linked record archived since stays linked
        checkLinks(next, ActivitySchema.LINKS.stream().filter(patch::containsKey).toList());
        return store.replace(current, next, ActivitySchema.derived(next), expectedVersion);
    }

    public Document archive(String id, Long expectedVersion) {
        Document current = store.get(id);
        return store.setArchived(current, true, ActivitySchema.derived(current), expectedVersion);
    }

    public Document restore(String id) {
        Document current = store.find(id).orElseThrow(() -> new RecordException.NotFound("Activity"));
        if (!RecordMeta.archived(current)) {
            return current;
        }
        return store.setArchived(current, false, ActivitySchema.derived(current), null);
    }

    public Page<Document> list(ActivityFilter filter, String sort, int limit, String cursor) {
        return store.list(filter.toBson(), SortOrder.parse(sort, SORTS, DEFAULT_SORT), limit, cursor);
    }

    private void checkLinks(Document activity, List<String> changed) {
        if (ActivitySchema.LINKS.stream().noneMatch(activity::containsKey)) {
            throw new RecordException.Invalid("contactId", NEEDS_LINK);
        }
        for (String link : changed) {
            switch (link) {
                case "contactId" -> references.require(link, activity.get(link), ContactSchema.COLLECTION, "contact");
                case "companyId" -> references.require(link, activity.get(link), CompanySchema.COLLECTION, "company");
                case "dealId" -> references.require(link, activity.get(link), DealSchema.COLLECTION, "deal");
                default -> throw new IllegalStateException(link);
            }
        }
    }

    /** The list filters of the activities API. {@code open}: null for all, true for open tasks, false for the rest. */
    public record ActivityFilter(boolean archived, String q, String type, String contactId, String companyId,
                                 String dealId, Boolean open) {

        Bson toBson() {
            long given = Stream.of(type, contactId, companyId, dealId).filter(v -> v != null
                    && !v.isBlank()).count() + (open == null ? 0 : 1);
            if (given > 1) {
                throw new RecordException.BadQuery("use one of the filters type, contactId, companyId, dealId, open "
                        + "per request (q combines with any of them)");
            }
            List<Bson> and = new ArrayList<>();
            and.add(Filters.eq(RecordMeta.ARCHIVED, archived));
            if (q != null && !q.isBlank()) {
                and.add(Filters.regex(RecordMeta.SEARCH, Pattern.quote(q.strip().toLowerCase(Locale.ROOT))));
            }
            if (type != null && !type.isBlank()) {
                if (!ActivitySchema.TYPES.contains(type.strip())) {
                    throw new RecordException.BadQuery("type must be one of "
                            + String.join(", ", ActivitySchema.TYPES));
                }
                and.add(Filters.eq("type", type.strip()));
            }
            link(and, "contactId", contactId);
            link(and, "companyId", companyId);
            link(and, "dealId", dealId);
            if (open != null) {
                and.add(Filters.eq(ActivitySchema.OPEN_KEY, open));
            }
            return Filters.and(and);
        }

        private static void link(List<Bson> and, String field, String value) {
            if (value != null && !value.isBlank()) {
                if (!ObjectId.isValid(value.strip())) {
                    throw new RecordException.BadQuery(field + " must be a record id");
                }
                and.add(Filters.eq(field, new ObjectId(value.strip())));
            }
        }
    }
}
