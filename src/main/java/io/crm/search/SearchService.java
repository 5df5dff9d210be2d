package io.crm.search;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.CountOptions;
import com.mongodb.client.model.IndexModel;
import io.crm.deal.DealService;
import io.crm.platform.web.LimitsProperties;
import io.crm.property.CustomProperties;
import io.crm.property.CustomProperty;
import io.crm.store.CollectionIndexes;
import org.bson.Document;
import org.bson.conversions.Bson;

import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.stereotype.Service;

/** Compound search over contacts, companies, deals and activities: parse, plan against the declared indexes, run. */
@Service
public class SearchService {

    private final MongoTemplate mongo;
    private final Map<String, io.crm.record.RecordService<?>> services;
    private final CustomProperties customProperties;
    private final Map<String, SearchSchemas.ObjectSchema> schemas;
    private final Map<String, IndexCatalog> catalogs = new HashMap<>();
    private final int maxPageSize;
    private final long maxMillis;
    private final SearchExecutor executor;

    public SearchService(MongoTemplate mongo, CustomProperties customProperties, DealService deals,
                         io.crm.contact.ContactService contacts, io.crm.company.CompanyService companies,
                         io.crm.activity.ActivityService activities,
                         LimitsProperties limits, SearchProperties properties, List<CollectionIndexes> declared) {
        this.mongo = mongo;
        // items are the records exactly as GET shows them, custom values included
        this.services = Map.of("contacts", contacts, "companies", companies, "deals", deals,
                "activities", activities);
        this.customProperties = customProperties;
        this.schemas = SearchSchemas.all(() -> deals.pipelines().all().stream()
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

    /**
     * The problems of a search body for an object type, as a search with it would report them (empty: valid), for a
     * body kept to run later (a saved view); {@code me} stands for the caller's id.
     */
    public List<io.crm.record.FieldError> problems(String objectType, Map<String, Object> body, String me) {
        SearchSchemas.ObjectSchema schema = schemas.get(objectType);
        List<CustomProperty> custom = schema.hasCustomProperties() ? customProperties.active(objectType) : List.of();
        try {
            new SearchParser(schema.with(custom), schema.sorts(), maxPageSize, me).parse(body);
            return List.of();
        } catch (io.crm.record.RecordException.Invalid invalid) {
            return invalid.errors();
        }
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

    /** The properties of an object type a list may show or filter on: built-in ones and the live custom ones. */
    public java.util.Set<String> propertyNames(String objectType) {
        SearchSchemas.ObjectSchema schema = schemas.get(objectType);
        List<CustomProperty> custom = schema.hasCustomProperties() ? customProperties.active(objectType) : List.of();
        return schema.with(custom).keySet();
    }

    /**
     * One page of the records of {@code objectType} (contacts, companies, deals, activities) the body selects;
     * {@code me} is the caller's user id.
     */
    public Map<String, Object> search(String objectType, Map<String, Object> body, String me) {
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
                return collection.countDocuments(filter,
                        new CountOptions().limit(limit).maxTime(maxMillis, TimeUnit.MILLISECONDS));
            }
        }, stored -> services.get(objectType).toJson(stored, schema.toJson()));
    }
}
