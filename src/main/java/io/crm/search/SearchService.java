package io.crm.search;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.CountOptions;
import com.mongodb.client.model.IndexModel;
import io.crm.activity.ActivityService;
import io.crm.company.CompanyService;
import io.crm.contact.ContactService;
import io.crm.deal.DealService;
import io.crm.events.ChangeTokens;
import io.crm.events.EventSource;
import io.crm.events.KeptUntilChanged;
import io.crm.record.RecordService;
import io.crm.platform.web.LimitsProperties;
import io.crm.property.CustomProperties;
import io.crm.property.CustomProperty;
import io.crm.store.CollectionIndexes;
import org.bson.BsonDocument;
import org.bson.Document;
import org.bson.conversions.Bson;

import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.stereotype.Service;

/** Compound search over contacts, companies, deals and activities: parse, plan against the declared indexes, run. */
@Service
public class SearchService {

    private final MongoTemplate mongo;
    private final Map<String, RecordService<?>> services;
    private final CustomProperties customProperties;
    private final Map<String, SearchSchemas.ObjectSchema> schemas;
    private final Map<String, IndexCatalog> catalogs = new HashMap<>();
    private final int maxPageSize;
    private final long maxMillis;
    private final SearchExecutor executor;
    private final Map<String, EventSource> sources = new HashMap<>();
    /**
     * Totals by collection, filter and cap, kept until the collection changes: counting reads every candidate of the
     * leading condition (seconds at 100,000 on the embedded store), and the same search is asked again and again
     * (each page of it, a saved view, the list a team shares) while nothing changes.
     */
    private final KeptUntilChanged<CountKey, Long> keptCounts;

    private record CountKey(String collection, String filter, int limit) {
    }

    public SearchService(MongoTemplate mongo, CustomProperties customProperties, DealService deals,
                         ContactService contacts, CompanyService companies, ActivityService activities,
                         LimitsProperties limits, SearchProperties properties, List<CollectionIndexes> declared,
                         ChangeTokens changes, List<EventSource> sources) {
        this.keptCounts = new KeptUntilChanged<>(changes, 2_000);
        sources.forEach(source -> this.sources.put(source.collection(), source));
        this.mongo = mongo;
        // items are the records exactly as GET shows them, custom values included
        this.services = Map.of("contacts", contacts, "companies", companies, "deals", deals,
                "activities", activities);
        this.customProperties = customProperties;
        this.schemas = SearchSchemas.all(contacts, companies, deals, activities, () -> deals.pipelines().all().stream()
                .flatMap(pipeline -> pipeline.stages().stream()).distinct().toList());
        this.maxPageSize = limits.maxPageSize();
        this.maxMillis = properties.maxTime().toMillis();
        this.executor = new SearchExecutor(maxMillis);
        for (SearchSchemas.ObjectSchema schema : schemas.values()) {
            List<IndexModel> models = new ArrayList<>();
            declared.stream().filter(d -> d.collection().equals(schema.collection()))
                    .forEach(d -> models.addAll(d.indexes()));
            catalogs.put(schema.objectType(), IndexCatalog.of(models));
        }
    }

    /** A user id that stands for "me" when a body is only checked (a saved view is run later by someone). */
    private static final String ANY_USER = "000000000000000000000000";

    /**
     * The problems of a search body for {@code objectType} (contacts, companies, deals, activities), as a search would
     * report them (paths relative to the body); empty when it is valid. Nothing is run.
     */
    public List<io.crm.record.FieldError> errors(String objectType, Map<String, Object> body) {
        SearchSchemas.ObjectSchema schema = schemas.get(objectType);
        try {
            new SearchParser(properties(schema), schema.sorts(), maxPageSize, ANY_USER).parse(body);
            return List.of();
        } catch (io.crm.record.RecordException.Invalid invalid) {
            return invalid.errors();
        }
    }

    /** What people see for each searchable property of {@code objectType}, by name. */
    public Map<String, String> labels(String objectType) {
        SearchSchemas.ObjectSchema schema = schemas.get(objectType);
        List<CustomProperty> custom = schema.hasCustomProperties() ? customProperties.active(objectType) : List.of();
        Map<String, String> labels = new java.util.LinkedHashMap<>();
        // one read of the definitions for both the names and their labels
        schema.with(custom).keySet().forEach(name -> labels.put(name, schema.label(name, custom)));
        return labels;
    }

    /** The names of the searchable properties of {@code objectType}: built-in and live custom ones. */
    public java.util.Set<String> propertyNames(String objectType) {
        return properties(schemas.get(objectType)).keySet();
    }

    private Map<String, SearchProperty> properties(SearchSchemas.ObjectSchema schema) {
        return schema.with(schema.hasCustomProperties() ? customProperties.active(schema.objectType()) : List.of());
    }

    /** The sorts of an object type's searches, both ways ("name", "-name", ...). */
    public List<String> sortNames(String objectType) {
        List<String> names = new ArrayList<>();
        for (String sort : new java.util.TreeSet<>(schemas.get(objectType).sorts().keySet())) {
            names.add("-" + sort);
            names.add(sort);
        }
        return names;
    }

    /**
     * One page of the records of {@code objectType} (contacts, companies, deals, activities) the body selects;
     * {@code me} is the caller's user id.
     */
    public Map<String, Object> search(String objectType, Map<String, Object> body, String me) {
        return run(objectType, body, me, true);
    }

    /**
     * The next page of the records a search body selects, for walking all of them (an export): the body's filters,
     * query and sort, {@code after} the given cursor, pages of the largest size; no total is counted.
     *
     * @return {@code {items, nextCursor}}
     */
    public Map<String, Object> page(String objectType, Map<String, Object> body, String me, String after) {
        Map<String, Object> paged = new java.util.LinkedHashMap<>(body);
        paged.put("limit", maxPageSize);
        paged.remove("after");
        if (after != null) {
            paged.put("after", after);
        }
        Map<String, Object> page = run(objectType, paged, me, false);
        page.remove("total");
        return page;
    }

    private Map<String, Object> run(String objectType, Map<String, Object> body, String me, boolean counted) {
        SearchSchemas.ObjectSchema schema = schemas.get(objectType);
        List<CustomProperty> custom = schema.hasCustomProperties() ? customProperties.active(objectType) : List.of();
        SearchRequest request = new SearchParser(schema.with(custom), schema.sorts(), maxPageSize, me).parse(body);
        SearchPlanner.Plan plan = new SearchPlanner(catalogs.get(objectType)).plan(request);
        MongoCollection<Document> collection = mongo.getCollection(schema.collection());
        return executor.run(plan, request, new SearchExecutor.Queries() {
            @Override
            public List<Document> find(Bson filter, Bson sort, int limit) {
                return collection.find(filter).sort(sort).limit(limit).maxTime(maxMillis, TimeUnit.MILLISECONDS)
                        .into(new ArrayList<>(limit));
            }

            @Override
            public long count(Bson filter, int limit) {
                return counted ? keptCount(collection, filter, limit) : SearchExecutor.NOT_COUNTED;
            }
        }, stored -> services.get(objectType).toJson(stored, schema.toJson()));
    }

    /**
     * The count kept until the collection changes on any replica ({@link KeptUntilChanged}); a collection without
     * events is counted each time. A count that times out is not kept.
     */
    private long keptCount(MongoCollection<Document> collection, Bson filter, int limit) {
        Supplier<Long> count = () -> collection.countDocuments(filter,
                new CountOptions().limit(limit).maxTime(maxMillis, TimeUnit.MILLISECONDS));
        String name = collection.getNamespace().getCollectionName();
        EventSource source = sources.get(name);
        return source == null ? count.get() : keptCounts.get(source, new CountKey(name,
                filter.toBsonDocument(BsonDocument.class, collection.getCodecRegistry()).toJson(), limit), count);
    }
}
