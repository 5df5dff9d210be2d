package io.crm.deal;

import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import io.crm.company.CompanySchema;
import io.crm.contact.ContactSchema;
import io.crm.events.Change;
import io.crm.record.Fields;
import io.crm.record.Page;
import io.crm.record.RecordContext;
import io.crm.record.RecordException;
import io.crm.record.RecordFilter;
import io.crm.record.RecordMeta;
import io.crm.record.RecordService;
import io.crm.record.RecordStore;
import io.crm.record.References;
import io.crm.record.Schema;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.bson.types.Decimal128;
import org.bson.types.ObjectId;

import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.stereotype.Service;

/** Deal use cases: validation, the stage/closedAt rule, stage-change events and the pipeline totals. */
@Service
public class DealService extends RecordService<DealService.DealFilter> {

    public static final Map<String, String> SORTS = sortsBy("title", DealSchema.TITLE_KEY);
    /**
     * List filter to stored field; each has one index per sort. Several at once are ANDed: one of them leads the
     * index walk, the others (and q) are residual filters on it.
     */
    public static final Map<String, String> FILTERS = Map.of(
            "stage", "stage",
            "companyId", "companyId",
            "contactId", "contactIds");

    private final References references;
    private final DealPipeline pipeline;
    private final Schema schema;
    private final String defaultCurrency;
    private final Clock clock;

    public DealService(MongoTemplate mongo, References references, DealPipeline pipeline, DealProperties properties,
                       RecordContext context) {
        super(new RecordStore(mongo.getCollection(DealSchema.COLLECTION), "Deal", Map.of(), Set.of(), context,
                DealService::stageChanged), SORTS);
        this.references = references;
        this.pipeline = pipeline;
        this.schema = DealSchema.schema(pipeline);
        this.defaultCurrency = (String) Fields.currency().convert(properties.defaultCurrency());
        this.clock = context.clock();
    }

    public DealPipeline pipeline() {
        return pipeline;
    }

    @Override
    protected Document newRecord(Map<String, Object> body) {
        Document deal = schema.create(withoutServerFields(body));
        deal.putIfAbsent("currency", defaultCurrency);
        deal.putIfAbsent("stage", pipeline.defaultStage());
        checkCompany(deal);
        checkContacts(deal);
        setClosedAt(deal, null, null);
        return deal;
    }

    /**
     * A change of stage is a {@code deal.stage_changed} event besides the {@code deal.updated} one, in the same write
     * (subscribers to stage changes need not inspect every update; {@link StageChangeLog} keeps the history).
     */
    private static List<Map.Entry<String, List<Change>>> stageChanged(Document before, Document after) {
        String from = before == null ? null : before.getString("stage");
        String to = after.getString("stage");
        if (before == null || java.util.Objects.equals(from, to)) {
            return List.of();
        }
        return List.of(Map.entry("stage_changed", List.of(new Change("stage", from, to))));
    }

    @Override
    protected Document patched(Document current, Map<String, Object> patch) {
        Map<String, Object> input = withoutServerFields(patch);
        for (String defaulted : List.of("stage", "currency")) {
            if (input.containsKey(defaulted) && input.get(defaulted) == null) {
                throw new RecordException.Invalid(defaulted, "cannot be removed");
            }
        }
        Document next = schema.patch(DealSchema.fields(current), input);
        if (input.containsKey("companyId")) {
            checkCompany(next);
        }
        if (input.containsKey("contactIds")) {
            checkContacts(next);
        }
        setClosedAt(next, current.getString("stage"),
                current.get(DealSchema.CLOSED_AT) instanceof Date d ? d.toInstant() : null);
        return next;
    }

    @Override
    protected Document derived(Document stored) {
        return DealSchema.derived(stored);
    }

    @Override
    public Page<Document> list(DealFilter filter, String sort, int limit, String cursor) {
        if (RecordFilter.given(filter.stage()) && !pipeline.contains(filter.stage().strip())) {
            throw new RecordException.BadQuery("stage must be one of " + String.join(", ", pipeline.stages()));
        }
        return super.list(filter, sort, limit, cursor);
    }

    /**
     * Live deals per configured stage with exact amount sums per currency. A streamed fold over a covered index
     * (deals_pipeline: archived, stage, currency, amount), so no document is read and memory stays flat.
     */
    public PipelineTotals pipelineTotals() {
        PipelineTotals totals = new PipelineTotals(pipeline);
        store.collection()
                .find(Filters.and(Filters.eq(RecordMeta.ARCHIVED, false), Filters.in("stage", pipeline.stages())))
                .projection(Projections.fields(Projections.include("stage", "currency", "amount"),
                        Projections.excludeId()))
                .forEach(d -> totals.add(d.getString("stage"), d.getString("currency"),
                        d.get("amount") instanceof Decimal128 amount ? amount.bigDecimalValue() : null));
        return totals;
    }

    /** Live deals of a company or a contact, as {_id, title}: whose stage changes belong to that timeline. */
    public Map<ObjectId, String> liveDealTitles(String field, ObjectId id) {
        Map<ObjectId, String> titles = new LinkedHashMap<>();
        store.collection().find(Filters.and(Filters.eq(RecordMeta.ARCHIVED, false), Filters.eq(field, id)))
                .projection(Projections.include("title"))
                .forEach(d -> titles.put(d.getObjectId("_id"), d.getString("title")));
        return titles;
    }

    private void setClosedAt(Document deal, String from, Instant current) {
        Instant closedAt = pipeline.closedAt(from, deal.getString("stage"), current, clock.instant());
        if (closedAt == null) {
            deal.remove(DealSchema.CLOSED_AT);
        } else {
            deal.put(DealSchema.CLOSED_AT, Date.from(closedAt));
        }
    }

    private void checkCompany(Document deal) {
        references.require("companyId", deal.get("companyId"), CompanySchema.COLLECTION, "company");
    }

    private void checkContacts(Document deal) {
        if (deal.get("contactIds") instanceof List<?> ids) {
            for (Object id : ids) {
                references.require("contactIds", id, ContactSchema.COLLECTION, "contact");
            }
        }
    }

    private static Map<String, Object> withoutServerFields(Map<String, Object> body) {
        Map<String, Object> input = new LinkedHashMap<>(body);
        input.remove(DealSchema.CLOSED_AT);
        return input;
    }

    /** The list filters of the deals API. */
    public record DealFilter(boolean archived, String q, String stage, String companyId, String contactId)
            implements RecordFilter {

        @Override
        public Bson toBson() {
            List<Bson> and = RecordFilter.archivedAndText(archived, q);
            if (RecordFilter.given(stage)) {
                and.add(Filters.eq("stage", stage.strip()));
            }
            if (RecordFilter.given(companyId)) {
                and.add(Filters.eq("companyId", RecordFilter.recordId("companyId", companyId)));
            }
            if (RecordFilter.given(contactId)) {
                and.add(Filters.eq("contactIds", RecordFilter.recordId("contactId", contactId)));
            }
            return Filters.and(and);
        }
    }
}
