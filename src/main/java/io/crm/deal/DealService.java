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
import io.crm.events.ChangeTokens;
import io.crm.events.EventSource;
import io.crm.events.KeptUntilChanged;
import io.crm.property.PropertyDefinitions;
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
import io.crm.record.SchemaCustomizer;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.bson.types.Decimal128;
import org.bson.types.ObjectId;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.stereotype.Service;

/** Deal use cases: validation, the stage/closedAt rule, stage-change events and the pipeline totals. */
@Service
public class DealService extends RecordService<DealService.DealFilter> {

    public static final Map<String, String> SORTS = withAmount(sortsBy("title", DealSchema.TITLE_KEY));

    private static Map<String, String> withAmount(Map<String, String> sorts) {
        Map<String, String> all = new java.util.LinkedHashMap<>(sorts);
        all.put("amount", DealSchema.AMOUNT_KEY);
        return Map.copyOf(all);
    }
    /**
     * List filter to stored field; each has one index per sort. Several at once are ANDed: one of them leads the
     * index walk, the others (and q) are residual filters on it.
     */
    public static final Map<String, String> FILTERS = Map.of(
            "stage", "stage",
            "companyId", "companyId",
            "contactId", "contactIds");

    /** Deals carry their pending events; the relay looks here. */
    static final EventSource DEAL_EVENTS = new EventSource("deal", DealSchema.COLLECTION);

    private final References references;
    private final Pipelines pipelines;
    private final Schema schema;
    private final String defaultCurrency;
    private final List<String> lostReasons;
    private final Clock clock;
    /**
     * Pipeline totals by pipeline (its stages), kept until a deal changes: the fold reads every live deal of the
     * pipeline (seconds at 100,000 on the embedded store).
     */
    private final KeptUntilChanged<TotalsKey, PipelineTotals> keptTotals;

    private record TotalsKey(String pipelineId, List<DealPipeline.Stage> stages) {
    }

    @org.springframework.beans.factory.annotation.Autowired
    public DealService(MongoTemplate mongo, References references, Pipelines pipelines, DealProperties properties,
                       RecordContext context, PropertyDefinitions definitions, ChangeTokens changes,
                       ObjectProvider<SchemaCustomizer> customizers) {
        this(mongo, references, pipelines, properties, context, definitions, changes, SchemaCustomizer.apply("deals",
                DealSchema.schema(), customizers.orderedStream().toList()));
    }

    private DealService(MongoTemplate mongo, References references, Pipelines pipelines, DealProperties properties,
                        RecordContext context, PropertyDefinitions definitions, ChangeTokens changes,
                        Schema schema) {
        super(new RecordStore(mongo.getCollection(DealSchema.COLLECTION), "Deal", Map.of(), Set.of(), context,
                DealService::stageChanged), SORTS, definitions.values("deals", "deal",
                schema.reservedNames(DealSchema.CLOSED_AT)));
        this.references = references;
        this.pipelines = pipelines;
        this.schema = schema;
        this.defaultCurrency = (String) Fields.currency().convert(properties.defaultCurrency());
        this.lostReasons = properties.lostReasons() == null ? List.of() : properties.lostReasons().stream()
                .map(String::strip).filter(r -> !r.isEmpty()).toList();
        this.clock = context.clock();
        this.keptTotals = new KeptUntilChanged<>(changes, 64);
    }

    public Pipelines pipelines() {
        return pipelines;
    }

    /** The default pipeline (the one deals get when they name none). */
    public DealPipeline pipeline() {
        return pipelines.defaultPipeline();
    }

    /** The configured lost reasons ({@code crm.deals.lost-reasons}); empty: any text. */
    public List<String> lostReasons() {
        return lostReasons;
    }

    @Override
    public Schema schema() {
        return schema;
    }

    @Override
    public List<String> serverFields() {
        return List.of(DealSchema.CLOSED_AT);
    }

    @Override
    public Map<String, Object> view(Document stored) {
        return DealSchema.toJson(schema, stored);
    }

    @Override
    protected Document newRecord(Map<String, Object> body) {
        Document deal = schema.create(withoutServerFields(body));
        deal.putIfAbsent("currency", defaultCurrency);
        DealPipeline pipeline = pipeline(deal.get("pipelineId"));
        deal.put("pipelineId", new ObjectId(pipeline.id()));
        deal.putIfAbsent("stage", pipeline.defaultStage());
        pipeline = checkStage(pipeline, deal);
        checkLostReason(pipeline, deal, body.get("lostReason") != null, true);
        checkCompany(deal);
        checkContacts(deal);
        setClosedAt(pipeline, deal, null, null);
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

    /**
     * A merge patch; moving a deal to another pipeline ({@code pipelineId}) without naming a stage maps its stage
     * ({@link DealPipeline#mapStage}); its stage history stays, as the history of the deal.
     */
    @Override
    protected Document patched(Document current, Map<String, Object> patch) {
        Map<String, Object> input = withoutServerFields(patch);
        for (String defaulted : List.of("stage", "currency", "pipelineId")) {
            if (input.containsKey(defaulted) && input.get(defaulted) == null) {
                throw new RecordException.Invalid(defaulted, "cannot be removed");
            }
        }
        Document next = schema.patch(schema.ownFields(current), input);
        DealPipeline from = pipelines.of(current);
        DealPipeline pipeline = input.containsKey("pipelineId") ? pipeline(next.get("pipelineId")) : from;
        next.put("pipelineId", new ObjectId(pipeline.id()));
        String currentStage = current.getString("stage");
        if (!pipeline.id().equals(from.id()) && !input.containsKey("stage")) {
            next.put("stage", pipeline.mapStage(currentStage,
                    from.stage(currentStage).map(DealPipeline.Stage::outcome).orElse(null)));
        }
        boolean moved = !java.util.Objects.equals(next.getString("stage"), currentStage)
                || !pipeline.id().equals(from.id());
        if (moved) {
            pipeline = checkStage(pipeline, next);
        }
        checkLostReason(pipeline, next, input.get("lostReason") != null, moved);
        if (input.containsKey("companyId")) {
            checkCompany(next);
        }
        if (input.containsKey("contactIds")) {
            checkContacts(next);
        }
        setClosedAt(pipeline, next, currentStage,
                current.get(DealSchema.CLOSED_AT) instanceof Date d ? d.toInstant() : null);
        return next;
    }

    @Override
    protected Document derived(Document stored) {
        return DealSchema.derived(stored);
    }

    @Override
    public Page<Document> list(DealFilter filter, String sort, int limit, String cursor) {
        if (RecordFilter.given(filter.stage())) {
            String stage = filter.stage().strip();
            List<DealPipeline> candidates = RecordFilter.given(filter.pipelineId())
                    ? List.of(pipelines.find(filter.pipelineId().strip()).orElseThrow(() ->
                    new RecordException.BadQuery("pipelineId must be the id of a pipeline")))
                    : pipelines.all();
            if (candidates.stream().noneMatch(p -> pipelines.withStage(p, stage).contains(stage))) {
                throw new RecordException.BadQuery("stage must be one of " + String.join(", ",
                        candidates.stream().flatMap(p -> p.stages().stream()).distinct().toList()));
            }
        }
        return super.list(filter, sort, limit, cursor);
    }

    /**
     * Live deals of a pipeline per stage with exact amount sums and weighted (amount x probability) sums per
     * currency, kept until a deal changes on any replica ({@link KeptUntilChanged}); while a change waits to be
     * relayed, each ask folds anew.
     */
    public PipelineTotals pipelineTotals(DealPipeline pipeline) {
        return keptTotals.get(DEAL_EVENTS, new TotalsKey(pipeline.id(), pipeline.stageDetails()),
                () -> fold(pipeline));
    }

    /**
     * A streamed fold over a covered index (deals_pipeline_stage: archived, pipelineId, stage, currency, amount), so
     * on MongoDB no document is read, and memory stays flat.
     */
    private PipelineTotals fold(DealPipeline pipeline) {
        PipelineTotals totals = new PipelineTotals(pipeline);
        store.collection()
                .find(Filters.and(Filters.eq(RecordMeta.ARCHIVED, false), Pipelines.pipelineFilter(pipeline),
                        Filters.in("stage", pipeline.stages())))
                .projection(Projections.fields(Projections.include("stage", "currency", "amount"),
                        Projections.excludeId()))
                .forEach(d -> totals.add(d.getString("stage"), d.getString("currency"),
                        d.get("amount") instanceof Decimal128 amount ? amount.bigDecimalValue() : null));
        return totals;
    }

    /** The default pipeline's totals. */
    public PipelineTotals pipelineTotals() {
        return pipelineTotals(pipeline());
    }

    /** Live deals of a company or a contact, as {_id, title}: whose stage changes belong to that timeline. */
    public Map<ObjectId, String> liveDealTitles(String field, ObjectId id) {
        Map<ObjectId, String> titles = new LinkedHashMap<>();
        store.collection().find(Filters.and(Filters.eq(RecordMeta.ARCHIVED, false), Filters.eq(field, id)))
                .projection(Projections.include("title"))
                .forEach(d -> titles.put(d.getObjectId("_id"), d.getString("title")));
        return titles;
    }

    /** The pipeline a body names (null: the default one); an unknown id is a 400 on pipelineId. */
    private DealPipeline pipeline(Object id) {
        if (id == null) {
            return pipeline();
        }
        return pipelines.find(((ObjectId) id).toHexString())
                .orElseThrow(() -> new RecordException.Invalid("pipelineId", "must be the id of a pipeline"));
    }

    /** The stage must be one of the pipeline's (re-read once if this replica's copy lacks it); the pipeline used. */
    private DealPipeline checkStage(DealPipeline pipeline, Document deal) {
        String stage = deal.getString("stage");
        DealPipeline fresh = pipelines.withStage(pipeline, stage);
        if (!fresh.contains(stage)) {
            throw new RecordException.Invalid("stage", "must be one of " + String.join(", ", fresh.stages())
                    + " (the stages of the pipeline " + fresh.name() + ")");
        }
        return fresh;
    }

    /**
     * A lost deal says why ({@code lostReason}, one of the configured reasons when there are some); a deal that is
     * not lost has no lost reason (reopening a lost deal clears it, sending one for an open deal is an error). The
     * reason is required when a deal {@code entering} the lost stage; deals lost before the rule keep working.
     */
    private void checkLostReason(DealPipeline pipeline, Document deal, boolean given, boolean entering) {
        Object reason = deal.get("lostReason");
        if (!pipeline.isLost(deal.getString("stage"))) {
            if (given) {
                throw new RecordException.Invalid("lostReason", "can only be set when the deal is in a lost stage");
            }
            deal.remove("lostReason");
            return;
        }
        if (reason == null) {
            if (!entering) {
                return;
            }
            throw new RecordException.Invalid("lostReason", "is required when a deal is lost"
                    + (lostReasons.isEmpty() ? "" : " (one of " + String.join(", ", lostReasons) + ")"));
        }
        if (!lostReasons.isEmpty() && !lostReasons.contains(reason)) {
            throw new RecordException.Invalid("lostReason", "must be one of " + String.join(", ", lostReasons));
        }
    }

    private void setClosedAt(DealPipeline pipeline, Document deal, String from, Instant current) {
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

    /** The list filters of the deals API; several at once are ANDed (the first given leads the index walk). */
    public record DealFilter(boolean archived, String q, String stage, String companyId, String contactId,
                             String pipelineId) implements RecordFilter {

        public DealFilter(boolean archived, String q, String stage, String companyId, String contactId) {
            this(archived, q, stage, companyId, contactId, null);
        }

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
            if (RecordFilter.given(pipelineId)) {
                ObjectId id = RecordFilter.recordId("pipelineId", pipelineId);
                // deals stored before pipelines existed belong to the default one
                and.add(Pipelines.DEFAULT_ID.equals(id) ? Filters.in("pipelineId", id, null)
                        : Filters.eq("pipelineId", id));
            }
            return Filters.and(and);
        }
    }
}
