package io.crm.activity;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import io.crm.company.CompanySchema;
import io.crm.contact.ContactSchema;
import io.crm.deal.DealSchema;
import io.crm.record.RecordContext;
import io.crm.record.RecordException;
import io.crm.record.RecordFilter;
import io.crm.record.RecordMeta;
import io.crm.record.RecordService;
import io.crm.record.RecordStore;
import io.crm.record.References;
import io.crm.record.Schema;
import io.crm.record.SchemaCustomizer;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.bson.conversions.Bson;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.stereotype.Service;

/** Activity use cases. */
@Service
public class ActivityService extends RecordService<ActivityService.ActivityFilter> {

    /** dueAt sorts undated activities last (see {@link ActivitySchema#DUE_KEY}). */
    public static final Map<String, String> SORTS = sortsBy("dueAt", ActivitySchema.DUE_KEY);
    /**
     * List filter to stored field; each has one index per sort. Several at once are ANDed: one of them leads the
     * index walk, the others (and q) are residual filters on it.
     */
    public static final Map<String, String> FILTERS = Map.of(
            "type", "type",
            "contactId", "contactId",
            "companyId", "companyId",
            "dealId", "dealId",
            "open", ActivitySchema.OPEN_KEY);
    static final String NEEDS_LINK = "at least one of contactId, companyId, dealId is required";

    private final References references;

    private final Schema schema;

    public ActivityService(MongoTemplate mongo, References references, RecordContext context,
                           ObjectProvider<SchemaCustomizer> customizers) {
        super(new RecordStore(mongo.getCollection(ActivitySchema.COLLECTION), "Activity", Map.of(), Set.of(),
                context), SORTS);
        this.references = references;
        this.schema = SchemaCustomizer.apply("activities", ActivitySchema.SCHEMA,
                customizers.orderedStream().toList());
    }

    @Override
    public Schema schema() {
        return schema;
    }

    @Override
    public Map<String, Object> view(Document stored) {
        return schema.toJson(stored);
    }

    @Override
    protected Document newRecord(Map<String, Object> body) {
        Document activity = schema.create(body);
        activity.putIfAbsent("type", ActivitySchema.DEFAULT_TYPE);
        checkLinks(activity, ActivitySchema.LINKS);
        if (!activity.containsKey("assigneeId")) {
            // the creator, when the creator is a user (not the service itself, nor the anonymous caller)
            String creator = store.context().outbox().actor().id();
            if (creator != null && ObjectId.isValid(creator) && store.context().owners().exists(creator)) {
                activity.put("assigneeId", creator);
            }
        } else {
            checkAssignee(activity.get("assigneeId"));
        }
        return activity;
    }

    @Override
    protected Document patched(Document current, Map<String, Object> patch) {
        if (patch.containsKey("type") && patch.get("type") == null) {
            throw new RecordException.Invalid("type", "cannot be removed");
        }
        Document next = schema.patch(schema.ownFields(current), patch);
        // only links the patch names are checked: a linked record archived since stays linked
        checkLinks(next, ActivitySchema.LINKS.stream().filter(patch::containsKey).toList());
        if (patch.containsKey("assigneeId") && next.get("assigneeId") != null) {
            checkAssignee(next.get("assigneeId"));
        }
        return next;
    }

    @Override
    protected Document derived(Document stored) {
        return ActivitySchema.derived(stored);
    }

    /**
     * The open tasks a user owns, soonest due first (undated last): the dashboard's "my tasks". Served by the
     * activities_owner_open index.
     */
    public List<Document> openTasksOf(String ownerId, int limit) {
        return store.collection()
                .find(Filters.and(Filters.eq(RecordMeta.ARCHIVED, false), Filters.eq(RecordMeta.OWNER_ID, ownerId),
                        Filters.eq(ActivitySchema.OPEN_KEY, true)))
                .sort(Sorts.ascending(ActivitySchema.DUE_KEY, "_id")).limit(limit).into(new ArrayList<>());
    }

    /** Open tasks (not archived) due after {@code from} and at or before {@code to}, soonest first. */
    public List<Document> openTasksDueBetween(java.time.Instant from, java.time.Instant to, int limit) {
        return store.collection()
                .find(Filters.and(Filters.eq(RecordMeta.ARCHIVED, false), Filters.eq(ActivitySchema.OPEN_KEY, true),
                        Filters.gt(ActivitySchema.DUE_KEY, java.util.Date.from(from)),
                        Filters.lte(ActivitySchema.DUE_KEY, java.util.Date.from(to))))
                .sort(Sorts.ascending(ActivitySchema.DUE_KEY)).limit(limit).into(new ArrayList<>());
    }

    /** A user's open tasks (assigned to them, not archived) due before {@code before}, soonest first. */
    public List<Document> openTasksAssignedDueBefore(String assigneeId, java.time.Instant before, int limit) {
        return store.collection()
                .find(Filters.and(Filters.eq(RecordMeta.ARCHIVED, false), Filters.eq("assigneeId", assigneeId),
                        Filters.eq(ActivitySchema.OPEN_KEY, true),
                        Filters.lt(ActivitySchema.DUE_KEY, java.util.Date.from(before))))
                .sort(Sorts.ascending(ActivitySchema.DUE_KEY)).limit(limit).into(new ArrayList<>());
    }

    private void checkAssignee(Object assignee) {
        if (!(assignee instanceof String id) || !ObjectId.isValid(id) || !store.context().owners().exists(id)) {
            throw new RecordException.Invalid("assigneeId", "must be the id of an existing user");
        }
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
                                 String dealId, Boolean open) implements RecordFilter {

        @Override
        public Bson toBson() {
            List<Bson> and = RecordFilter.archivedAndText(archived, q);
            if (RecordFilter.given(type)) {
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
            if (RecordFilter.given(value)) {
                and.add(Filters.eq(field, RecordFilter.recordId(field, value)));
            }
        }
    }
}
