package io.crm.deal;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import io.crm.company.CompanySchema;
import io.crm.contact.ContactSchema;
import io.crm.record.Page;
import io.crm.record.RecordException;
import io.crm.record.RecordMeta;
import io.crm.record.RecordStore;
import io.crm.record.Fields;
import io.crm.record.References;
import io.crm.record.Schema;
import io.crm.record.SortOrder;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.bson.types.Decimal128;
import org.bson.types.ObjectId;

import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.stereotype.Service;

/** Deal use cases: validation, the stage/closedAt rule, the stage-change log and the pipeline totals. */
@Service
public class DealService {

    public static final Map<String, String> SORTS = Map.of(
            "title", DealSchema.TITLE_KEY,
            "createdAt", RecordMeta.CREATED_AT,
            "updatedAt", RecordMeta.UPDATED_AT);
    public static final String DEFAULT_SORT = "-createdAt";
    /** List filter to stored field; each has one index per sort, so a request may use one of them (plus q). */
    public static final Map<String, String> FILTERS = Map.of(
            "stage", "stage",
            "companyId", "companyId",
            "contactId", "contactIds");

    private final RecordStore store;
    private final References references;
    private final DealPipeline pipeline;
    private final StageChangeLog stageChanges;
    private final Schema schema;
    private final String defaultCurrency;
    private final Clock clock;

    public DealService(MongoTemplate mongo, References references, DealPipeline pipeline, DealProperties properties,
                       StageChangeLog stageChanges, Clock clock) {
        this.store = new RecordStore(mongo.getCollection(DealSchema.COLLECTION), "Deal", Map.of(), Set.of(), clock);
        this.references = references;
        this.pipeline = pipeline;
        this.stageChanges = stageChanges;
        this.schema = DealSchema.schema(pipeline);
        this.defaultCurrency = (String) Fields.currency().convert(properties.defaultCurrency());
        this.clock = clock;
    }

    public RecordStore store() {
        return store;
    }

    public DealPipeline pipeline() {
        return pipeline;
    }

    public Document create(Map<String, Object> body) {
        Document deal = schema.create(withoutServerFields(body));
        deal.putIfAbsent("currency", defaultCurrency);
        deal.putIfAbsent("stage", pipeline.defaultStage());
        checkCompany(deal);
        checkContacts(deal);
        setClosedAt(deal, null, null);
        Document saved = store.insert(deal, DealSchema.derived(deal));
        stageChanges.record(saved.getObjectId("_id"), null, saved.getString("stage"),
                Date.from(RecordMeta.createdAt(saved)), RecordMeta.version(saved));
        return saved;
    }

    public Document get(String id) {
        return store.get(id);
    }

    public Document update(String id, Map<String, Object> patch, Long expectedVersion) {
        Document current = store.get(id);
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
        String from = current.getString("stage");
        setClosedAt(next, from, current.get(DealSchema.CLOSED_AT) instanceof Date d ? d.toInstant() : null);
        Document saved = store.replace(current, next, DealSchema.derived(next), expectedVersion);
        String to = saved.getString("stage");
        if (!to.equals(from)) {
            stageChanges.record(saved.getObjectId("_id"), from, to, Date.from(RecordMeta.updatedAt(saved)),
                    RecordMeta.version(saved));
        }
        return saved;
    }

    public Document archive(String id, Long expectedVersion) {
        Document current = store.get(id);
        return store.setArchived(current, true, DealSchema.derived(current), expectedVersion);
    }

    public Document restore(String id) {
        Document current = store.find(id).orElseThrow(() -> new RecordException.NotFound("Deal"));
        if (!RecordMeta.archived(current)) {
            return current;
        }
        return store.setArchived(current, false, DealSchema.derived(current), null);
    }

    public Page<Document> list(DealFilter filter, String sort, int limit, String cursor) {
        if (filter.stage() != null && !filter.stage().isBlank() && !pipeline.contains(filter.stage().strip())) {
            throw new RecordException.BadQuery("stage must be one of " + String.join(", ", pipeline.stages()));
        }
        return store.list(filter.toBson(), SortOrder.parse(sort, SORTS, DEFAULT_SORT), limit, cursor);
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
    public record DealFilter(boolean archived, String q, String stage, String companyId, String contactId) {

        Bson toBson() {
            if (Stream.of(stage, companyId, contactId).filter(v -> v != null && !v.isBlank())
                    .count() > 1) {
                throw new RecordException.BadQuery("use one of the filters stage, companyId, contactId per request "
                        + "(q combines with any of them)");
            }
            List<Bson> and = new ArrayList<>();
            and.add(Filters.eq(RecordMeta.ARCHIVED, archived));
            if (q != null && !q.isBlank()) {
                and.add(Filters.regex(RecordMeta.SEARCH, Pattern.quote(q.strip().toLowerCase(Locale.ROOT))));
            }
            if (stage != null && !stage.isBlank()) {
                and.add(Filters.eq("stage", stage.strip()));
            }
            if (companyId != null && !companyId.isBlank()) {
                and.add(Filters.eq("companyId", id("companyId", companyId)));
            }
            if (contactId != null && !contactId.isBlank()) {
                and.add(Filters.eq("contactIds", id("contactId", contactId)));
            }
            return Filters.and(and);
        }

        private static ObjectId id(String name, String value) {
            if (!ObjectId.isValid(value.strip())) {
                throw new RecordException.BadQuery(name + " must be a record id");
            }
            return new ObjectId(value.strip());
        }
    }
}
