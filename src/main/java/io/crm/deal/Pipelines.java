package io.crm.deal;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToLongFunction;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import io.crm.record.FieldError;
import io.crm.record.RecordException;
import io.crm.record.RecordMeta;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.bson.types.ObjectId;

import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.stereotype.Component;

/**
 * The sales pipelines, managed at runtime in {@value #COLLECTION}. The default pipeline has a fixed id and is seeded
 * from the settings ({@code crm.deals.stages}, {@code crm.deals.closed-stages}) the first time it is needed, by an
 * upsert, so replicas starting together create it once. Every deal write reads its pipeline, so they are cached
 * for {@link #CACHE_TTL}; a change made here is seen at once on this replica, and a pipeline or stage this replica
 * does not know yet is looked up in the store before a request is refused, so one created on another replica is
 * usable at once (a stage removed elsewhere is refused here within the TTL).
 */
@Component
public class Pipelines {

    public static final String COLLECTION = "pipelines";
    /** The default pipeline's id, the same in every database: deals stored before pipelines existed belong to it. */
    public static final ObjectId DEFAULT_ID = new ObjectId("000000000000000000000001");
    static final Duration CACHE_TTL = Duration.ofSeconds(5);
    static final int MAX_PIPELINES = 50;
    static final int MAX_STAGES = 30;

    private final MongoCollection<Document> collection;
    private final MongoCollection<Document> deals;
    private final DealPipeline configured;
    private final Clock clock;
    private final io.crm.events.Outbox outbox;
    private final LoadingCache<String, Map<String, DealPipeline>> cache;

    public Pipelines(MongoTemplate mongo, DealPipeline configured, io.crm.record.RecordContext context) {
        this.collection = mongo.getCollection(COLLECTION);
        this.deals = mongo.getCollection(DealSchema.COLLECTION);
        this.configured = configured;
        this.clock = context.clock();
        this.outbox = context.outbox();
        this.cache = Caffeine.newBuilder().maximumSize(1).expireAfterWrite(CACHE_TTL).build(k -> load());
    }

    /** Every pipeline, the default first, then in the order they were created. */
    public List<DealPipeline> all() {
        return List.copyOf(cache.get("all").values());
    }

    /** Every pipeline as the store has it now (the list endpoint: exact, never a cached copy). */
    public List<DealPipeline> allFresh() {
        cache.invalidateAll();
        return all();
    }

    public DealPipeline defaultPipeline() {
        return cache.get("all").get(DEFAULT_ID.toHexString());
    }

    /** A pipeline by id (a fresh read when this replica does not know it yet). */
    public Optional<DealPipeline> find(String id) {
        if (id == null || !ObjectId.isValid(id)) {
            return Optional.empty();
        }
        DealPipeline known = cache.get("all").get(id);
        if (known != null) {
            return Optional.of(known);
        }
        cache.invalidateAll();
        return Optional.ofNullable(cache.get("all").get(id));
    }

    /** The pipeline, or a 404 problem. */
    public DealPipeline get(String id) {
        return find(id).orElseThrow(() -> new RecordException.NotFound("Pipeline"));
    }

    /** The pipeline a stored deal belongs to (the default one for deals stored before pipelines existed). */
    public DealPipeline of(Document deal) {
        Object id = deal.get("pipelineId");
        return id instanceof ObjectId oid ? find(oid.toHexString()).orElse(defaultPipeline()) : defaultPipeline();
    }

    /**
     * The pipeline with this stage, freshly read when the cached one lacks it (added on another replica), so the
     * answer is never older than the request.
     */
    DealPipeline withStage(DealPipeline pipeline, String stage) {
        if (pipeline.contains(stage)) {
            return pipeline;
        }
        cache.invalidateAll();
        return find(pipeline.id()).orElse(pipeline);
    }

    /** A new pipeline from an API body {name, stages: [{key, label, probability, outcome}]}. */
    public DealPipeline create(Map<String, Object> body) {
        String actor = outbox.actor().id();
        DealPipeline pipeline = parse(body, null);
        if (collection.estimatedDocumentCount() >= MAX_PIPELINES) {
            throw new RecordException.Conflict("There are already " + MAX_PIPELINES + " pipelines, the most allowed");
        }
        ObjectId id = new ObjectId();
        Date now = Date.from(clock.instant());
        collection.insertOne(toDocument(pipeline).append("_id", id).append("createdAt", now).append("updatedAt", now)
                .append("version", 1L).append("createdBy", actor).append("updatedBy", actor));
        cache.invalidateAll();
        return get(id.toHexString());
    }

    /**
     * Changes a pipeline's name or stages (the whole list, in its new order). A stage that still has deals (live or
     * archived) cannot be removed: 409 with the count, so they are moved first.
     */
    public DealPipeline update(String id, Map<String, Object> patch) {
        String actor = outbox.actor().id();
        DealPipeline current = get(id);
        Map<String, Object> merged = new LinkedHashMap<>(toJson(current));
        for (String key : patch.keySet()) {
            if (!List.of("name", "stages").contains(key) && !List.of("id", "default", "createdAt", "updatedAt",
                    "version").contains(key)) {
                throw new RecordException.Invalid(key, "is not a known field");
            }
        }
        if (patch.containsKey("name")) {
            merged.put("name", patch.get("name"));
        }
        if (patch.containsKey("stages")) {
            merged.put("stages", patch.get("stages"));
        }
        DealPipeline next = parse(merged, id);
        for (String removed : current.stages()) {
            if (!next.contains(removed)) {
                long using = deals.countDocuments(Filters.and(
                        Filters.in(RecordMeta.ARCHIVED, true, false), pipelineFilter(current), Filters.eq("stage",
                                removed)));
                if (using > 0) {
                    throw new RecordException.Conflict("The stage " + removed + " still has " + using
                            + (using == 1 ? " deal" : " deals") + " (archived ones included); move "
                            + (using == 1 ? "it" : "them") + " to another stage first");
                }
            }
        }
        Document update = toDocument(next);
        collection.updateOne(Filters.eq("_id", new ObjectId(id)), Updates.combine(Updates.set("name", next.name()),
                Updates.set("stages", update.get("stages")), Updates.set("updatedAt", Date.from(clock.instant())),
                Updates.set("updatedBy", actor), Updates.inc("version", 1L)));
        cache.invalidateAll();
        return get(id);
    }

    /** Deals of this pipeline: for the default one also those stored before pipelines existed (no pipelineId). */
    static org.bson.conversions.Bson pipelineFilter(DealPipeline pipeline) {
        ObjectId id = new ObjectId(pipeline.id());
        return DEFAULT_ID.equals(id) ? Filters.in("pipelineId", id, null) : Filters.eq("pipelineId", id);
    }

    /**
     * Gives deals stored before pipelines existed the default pipeline's id (idempotent: only deals without one).
     * Reads already treat a missing id as the default pipeline, so this only makes the stored data say so.
     */
    public long migrateDeals() {
        Bson unmigrated = Filters.and(Filters.in(RecordMeta.ARCHIVED, true, false), Filters.eq("pipelineId", null));
        return inBatches(unmigrated, new Document("_id", 1), batch -> deals.updateMany(
                Filters.and(Filters.in("_id", batch.stream().map(d -> d.get("_id")).toList()), unmigrated),
                Updates.set("pipelineId", DEFAULT_ID)).getModifiedCount());
    }

    /**
     * Gives deals stored before the amount sort key existed their key (idempotent: only deals without one), found on
     * the amount sort's own index (a missing key is null there).
     */
    public long migrateAmountKeys() {
        return inBatches(Filters.and(Filters.in(RecordMeta.ARCHIVED, true, false),
                Filters.eq(DealSchema.AMOUNT_KEY, null)), new Document("amount", 1), batch -> deals.bulkWrite(
                batch.stream().map(d -> new com.mongodb.client.model.UpdateOneModel<Document>(
                        Filters.and(Filters.eq("_id", d.get("_id")), Filters.eq(DealSchema.AMOUNT_KEY, null)),
                        Updates.set(DealSchema.AMOUNT_KEY, DealSchema.amountKey(d)))).toList()).getModifiedCount());
    }

    /**
     * A start-up migration in batches of 500 deals matching {@code unmigrated} (with the fields of {@code projection}):
     * one update of every such deal could outlast the store's socket timeout on a large collection and stop the start.
     * {@code migrate} changes a batch and returns how many it changed; returns the total.
     */
    private long inBatches(Bson unmigrated, Document projection, ToLongFunction<List<Document>> migrate) {
        long migrated = 0;
        while (true) {
            List<Document> batch = deals.find(unmigrated).projection(projection).limit(500).into(new ArrayList<>());
            if (batch.isEmpty()) {
                return migrated;
            }
            long changed = migrate.applyAsLong(batch);
            if (changed == 0) {
                // another replica migrated this batch meanwhile and goes on with the rest; never loop on nothing
                return migrated;
            }
            migrated += changed;
        }
    }

    public Map<String, Object> toJson(DealPipeline pipeline) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", pipeline.id());
        json.put("name", pipeline.name());
        json.put("default", DEFAULT_ID.toHexString().equals(pipeline.id()));
        List<Map<String, Object>> stages = new ArrayList<>();
        for (DealPipeline.Stage stage : pipeline.stageDetails()) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("key", stage.key());
            s.put("label", stage.label());
            s.put("probability", stage.probability());
            s.put("outcome", stage.outcome() == null ? null : stage.outcome().json());
            stages.add(s);
        }
        json.put("stages", stages);
        return json;
    }

    private Map<String, DealPipeline> load() {
        Map<String, DealPipeline> byId = new LinkedHashMap<>();
        Document stored = collection.find(Filters.eq("_id", DEFAULT_ID)).first();
        if (stored == null) {
            seedDefault();
            stored = collection.find(Filters.eq("_id", DEFAULT_ID)).first();
        }
        byId.put(DEFAULT_ID.toHexString(), fromDocument(stored));
        collection.find(Filters.ne("_id", DEFAULT_ID)).sort(Sorts.ascending("_id"))
                .forEach(d -> byId.put(d.getObjectId("_id").toHexString(), fromDocument(d)));
        return byId;
    }

    private void seedDefault() {
        Date now = Date.from(clock.instant());
        Document seed = toDocument(configured).append("createdAt", now).append("updatedAt", now)
                .append("version", 1L);
        try {
            collection.updateOne(Filters.eq("_id", DEFAULT_ID), new Document("$setOnInsert", seed),
                    new UpdateOptions().upsert(true));
        } catch (MongoWriteException e) {
            // another replica's upsert won the race: its default pipeline is the same seed
            if (e.getError().getCategory() != ErrorCategory.DUPLICATE_KEY) {
                throw e;
            }
        }
    }

    private static Document toDocument(DealPipeline pipeline) {
        List<Document> stages = new ArrayList<>();
        for (DealPipeline.Stage stage : pipeline.stageDetails()) {
            stages.add(new Document("key", stage.key()).append("label", stage.label())
                    .append("probability", stage.probability())
                    .append("outcome", stage.outcome() == null ? null : stage.outcome().json()));
        }
        return new Document("name", pipeline.name()).append("stages", stages);
    }

    private static DealPipeline fromDocument(Document d) {
        List<DealPipeline.Stage> stages = new ArrayList<>();
        for (Document s : d.getList("stages", Document.class, List.of())) {
            stages.add(new DealPipeline.Stage(s.getString("key"), s.getString("label"),
                    s.get("probability") instanceof Number n ? n.intValue() : 0,
                    DealPipeline.Outcome.ofJson(s.get("outcome"))));
        }
        return new DealPipeline(d.getObjectId("_id").toHexString(), d.getString("name"), stages, "stages");
    }

    /** Validates an API body into a pipeline; every problem at once as 400 field errors. */
    static DealPipeline parse(Map<String, Object> body, String id) {
        List<FieldError> errors = new ArrayList<>();
        for (String key : body.keySet()) {
            if (!List.of("name", "stages", "id", "default", "createdAt", "updatedAt", "version").contains(key)) {
                errors.add(new FieldError(key, "is not a known field"));
            }
        }
        String name = body.get("name") instanceof String s ? s.strip() : null;
        if (name == null || name.isEmpty() || name.length() > 100) {
            errors.add(new FieldError("name", "is required: 1 to 100 characters"));
        }
        List<DealPipeline.Stage> stages = new ArrayList<>();
        if (!(body.get("stages") instanceof List<?> list) || list.isEmpty() || list.size() > MAX_STAGES) {
            errors.add(new FieldError("stages", "is required: a list of 1 to " + MAX_STAGES + " stages"));
        } else {
            int open = (int) list.stream().filter(s -> !(s instanceof Map<?, ?> m) || m.get("outcome") == null)
                    .count();
            int position = 0;
            for (int i = 0; i < list.size(); i++) {
                String at = "stages[" + i + "]";
                if (!(list.get(i) instanceof Map<?, ?> stage)) {
                    errors.add(new FieldError(at, "must be an object {key, label, probability, outcome}"));
                    continue;
                }
                for (Object key : stage.keySet()) {
                    if (!List.of("key", "label", "probability", "outcome").contains(String.valueOf(key))) {
                        errors.add(new FieldError(at + "." + key, "is not a known field"));
                    }
                }
                String key = stage.get("key") instanceof String k ? k.strip() : null;
                if (key == null) {
                    errors.add(new FieldError(at + ".key", "is required"));
                    continue;
                }
                DealPipeline.Outcome outcome;
                try {
                    outcome = DealPipeline.Outcome.ofJson(stage.get("outcome"));
                } catch (IllegalArgumentException e) {
                    errors.add(new FieldError(at + ".outcome", e.getMessage()));
                    continue;
                }
                if (outcome == null) {
                    position++;
                }
                int probability;
                Object given = stage.get("probability");
                if (given == null) {
                    // like the seeded pipeline: won 100, lost 0, open stages rising evenly
                    probability = outcome == DealPipeline.Outcome.WON ? 100 : outcome == DealPipeline.Outcome.LOST
                            ? 0 : (int) Math.round(100.0 * position / (open + 1));
                } else if (given instanceof Integer || given instanceof Long) {
                    probability = ((Number) given).intValue();
                    if (probability < 0 || probability > 100) {
                        errors.add(new FieldError(at + ".probability", "must be 0 to 100"));
                    }
                } else {
                    errors.add(new FieldError(at + ".probability", "must be a whole number from 0 to 100"));
                    continue;
                }
                String label = stage.get("label") instanceof String l && !l.isBlank() ? l.strip()
                        : DealPipeline.label(key);
                if (label.length() > 100) {
                    errors.add(new FieldError(at + ".label", "must have at most 100 characters"));
                }
                stages.add(new DealPipeline.Stage(key, label, probability, outcome));
            }
        }
        if (!errors.isEmpty()) {
            throw new RecordException.Invalid(errors);
        }
        try {
            return new DealPipeline(id, name, stages, "stages");
        } catch (IllegalArgumentException e) {
            throw new RecordException.Invalid("stages", e.getMessage().replaceFirst("^stages:? ?", ""));
        }
    }
}
