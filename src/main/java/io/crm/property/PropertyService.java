package io.crm.property;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Sorts;
import io.crm.record.CustomFields;
import io.crm.record.Field;
import io.crm.record.RecordException;
import io.crm.record.RecordService;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * Custom property definitions: create, change, archive and restore them, within a limit of live properties per object
 * type. Adding a property never touches a record. A change that existing values depend on is checked against them:
 * an option still in use is removed only with a replacement, a type only when every live value converts; then the
 * records are rewritten through their own service (validated, versioned, audited), as a task that survives this
 * replica ({@link PropertyRewrites}).
 */
public class PropertyService {

    private final MongoCollection<Document> definitions;
    private final PropertyDefinitions cache;
    private final Map<String, RecordService<?>> records = new LinkedHashMap<>();
    private final Map<String, CustomValues> values = new LinkedHashMap<>();
    private final int maxPerObject;
    private final Clock clock;

    /** @param services the record services; those with {@link CustomValues} are the object types with properties */
    public PropertyService(MongoCollection<Document> definitions, PropertyDefinitions cache,
                           List<RecordService<?>> services, int maxPerObject, Clock clock) {
        this.definitions = definitions;
        this.cache = cache;
        this.maxPerObject = maxPerObject;
        this.clock = clock;
        for (RecordService<?> service : services) {
            if (service.customFields() instanceof CustomValues custom) {
                records.put(custom.objectType(), service);
                values.put(custom.objectType(), custom);
            }
        }
    }

    private PropertyRewrites rewrites;
    private Runnable resumeElsewhere = () -> { };

    /**
     * Where the record rewrites of a change are kept and run; {@code resume} starts a run of the rewrites in the
     * background (a large rewrite is left to it).
     */
    void rewrites(PropertyRewrites rewrites, Runnable resume) {
        this.rewrites = rewrites;
        this.resumeElsewhere = resume;
    }

    /** The records of the object types with properties, by object type. */
    Map<String, RecordService<?>> records() {
        return records;
    }

    /** The JSON of a definition with its latest record rewrite ({@code rewrite}: status and progress), if any. */
    public Map<String, Object> json(Document d) {
        Map<String, Object> json = toJson(d);
        Document task = rewrites == null ? null : rewrites.latest(d.getString("objectType"), d.getString("name"));
        json.put("rewrite", task == null ? null : PropertyRewrites.toJson(task));
        return json;
    }

    public List<Document> list(String objectType, boolean archived) {
        requireType(objectType);
        List<Document> found = new ArrayList<>();
        definitions.find(Filters.and(Filters.eq("objectType", objectType), Filters.eq("archived", archived)))
                .sort(Sorts.ascending("name")).into(found);
        return found;
    }

    /** A live definition, or 404. */
    public Document get(String objectType, String name) {
        Document found = find(objectType, name);
        if (found == null || found.getBoolean("archived", false)) {
            throw new RecordException.NotFound("Property");
        }
        return found;
    }

    public Document create(String objectType, Map<String, Object> body) {
        requireType(objectType);
        Document doc = PropertyRules.create(body, values.get(objectType).builtIns());
        Document existing = find(objectType, doc.getString("name"));
        if (existing != null) {
            throw new RecordException.Duplicate("name", existing.getBoolean("archived", false)
                    ? "An archived property is named " + doc.getString("name") + "; restore it instead"
                    : "A property named " + doc.getString("name") + " already exists");
        }
        requireRoom(objectType);
        Date now = Date.from(clock.instant());
        doc.put("objectType", objectType);
        doc.put("archived", false);
        doc.put("createdAt", now);
        doc.put("updatedAt", now);
        try {
            definitions.insertOne(doc);
        } catch (MongoWriteException e) {
            if (e.getError().getCategory() == ErrorCategory.DUPLICATE_KEY) {
                throw new RecordException.Duplicate("name", "A property named " + doc.getString("name")
                        + " already exists");
            }
            throw e;
        } finally {
            cache.invalidate(objectType);
        }
        return doc;
    }

    /**
     * Changes label, description, required, options or type. Options that records use are removed only with a
     * replacement ({@code replaceOptions}); a type only when every live value converts (409 with the count). Then the
     * definition is stored and the affected records are rewritten ({@link PropertyRewrites}: within the request up to
     * a batch of records, else in the background, its progress in the definition's {@code rewrite}).
     */
    public Document update(String objectType, String name, Map<String, Object> patch) {
        Document current = get(objectType, name);
        PropertyRules.Change change = PropertyRules.patch(current, patch);
        CustomProperty before = CustomProperties.fromDocument(current);
        CustomProperty after = CustomProperties.fromDocument(change.next());
        Set<String> removed = new LinkedHashSet<>(before.optionValues());
        removed.removeAll(after.optionValues());
        for (String replaced : change.replacements().keySet()) {
            if (!removed.contains(replaced)) {
                throw new RecordException.Invalid("replaceOptions." + replaced, "is not an option being removed");
            }
        }
        boolean typeChanged = before.type() != after.type();
        RecordService<?> service = records.get(objectType);
        Bson affected = null;
        List<Object> rewritten = null;
        if (typeChanged) {
            affected = CustomValues.having(name, null);
            long failing = failing(service, affected, after, change.replacements());
            if (failing > 0) {
                throw new RecordException.Conflict(failing + " existing value(s) of " + name + " would not convert to "
                        + after.type().json() + "; change or remove them first");
            }
        } else if (!removed.isEmpty()) {
            List<Object> keys = removed.stream().map(PropertyType::indexValue).toList();
            affected = CustomValues.having(name, Filters.in("v", keys));
            rewritten = keys;
            Set<String> unreplaced = new LinkedHashSet<>(removed);
            unreplaced.removeAll(change.replacements().keySet());
            if (!unreplaced.isEmpty()) {
                long using = service.store().collection().countDocuments(CustomValues.having(name,
                        Filters.in("v", unreplaced.stream().map(PropertyType::indexValue).toList())));
                if (using > 0) {
                    throw new RecordException.Conflict(using + " record(s) use the option(s) "
                            + String.join(", ", unreplaced) + " of " + name
                            + "; give replaceOptions {\"old\": \"new\"} to rewrite them");
                }
            }
        }
        Document next = change.next();
        next.put("updatedAt", Date.from(clock.instant()));
        definitions.replaceOne(Filters.and(Filters.eq("objectType", objectType), Filters.eq("name", name)), next);
        cache.invalidate(objectType);
        if (affected != null) {
            // a task first, so that a rewrite cut short by this replica's end is finished by another
            long total = service.store().collection().countDocuments(affected);
            boolean small = total <= PropertyRewrites.BATCH;
            Document task = rewrites.start(objectType, name, rewritten, change.replacements(), total, small);
            if (small) {
                rewrites.run(task);
            } else {
                resumeElsewhere.run();
            }
        }
        return next;
    }

    /** Archives a property: its values stay in the records, hidden from their JSON, until it is restored. */
    public void archive(String objectType, String name) {
        get(objectType, name);
        setArchived(objectType, name, true);
    }

    /** Restores an archived property (a live one is returned as it is), if the limit leaves room. */
    public Document restore(String objectType, String name) {
        requireType(objectType);
        Document found = find(objectType, name);
        if (found == null) {
            throw new RecordException.NotFound("Property");
        }
        if (!found.getBoolean("archived", false)) {
            return found;
        }
        requireRoom(objectType);
        setArchived(objectType, name, false);
        return get(objectType, name);
    }

    private void setArchived(String objectType, String name, boolean archived) {
        definitions.updateOne(Filters.and(Filters.eq("objectType", objectType), Filters.eq("name", name)),
                new Document("$set", new Document("archived", archived).append("updatedAt",
                        Date.from(clock.instant()))));
        cache.invalidate(objectType);
    }

    /** How many live values would not convert to {@code target}. */
    private static long failing(RecordService<?> service, Bson affected, CustomProperty target,
                                Map<String, String> replacements) {
        long[] failing = {0};
        String path = CustomFields.FIELD + "." + target.name();
        service.store().collection().find(affected).projection(Projections.include(path)).forEach(d -> {
            Document stored = CustomFields.of(d);
            if (stored != null && stored.get(target.name()) != null) {
                try {
                    PropertyConversion.convert(stored.get(target.name()), target, replacements);
                } catch (Field.InvalidValue e) {
                    failing[0]++;
                }
            }
        });
        return failing[0];
    }

    private void requireRoom(String objectType) {
        long live = definitions.countDocuments(Filters.and(Filters.eq("objectType", objectType),
                Filters.eq("archived", false)));
        if (live >= maxPerObject) {
            throw new RecordException.Conflict(objectType + " already have " + live + " live properties, the most "
                    + "allowed (CRM_PROPERTIES_MAX_PER_OBJECT); archive one first");
        }
    }

    private Document find(String objectType, String name) {
        requireType(objectType);
        if (name == null || !PropertyRules.NAME.matcher(name).matches()) {
            return null;
        }
        return definitions.find(Filters.and(Filters.eq("objectType", objectType), Filters.eq("name", name))).first();
    }

    private void requireType(String objectType) {
        if (!values.containsKey(objectType)) {
            throw new RecordException.NotFound("Object type");
        }
    }

    /** The JSON of a definition. */
    public static Map<String, Object> toJson(Document d) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("objectType", d.get("objectType"));
        json.put("name", d.get("name"));
        json.put("label", d.get("label"));
        json.put("type", d.get("type"));
        List<Map<String, Object>> options = new ArrayList<>();
        for (CustomProperty.Option o : CustomProperties.fromDocument(d).options()) {
            options.add(new LinkedHashMap<>(Map.of("value", o.value(), "label", o.label(), "order", o.order())));
        }
        json.put("options", options);
        json.put("required", d.getBoolean("required", false));
        json.put("unique", d.getBoolean("unique", false));
        json.put("description", d.get("description"));
        json.put("archived", d.getBoolean("archived", false));
        json.put("createdAt", d.get("createdAt") instanceof Date at ? at.toInstant() : null);
        json.put("updatedAt", d.get("updatedAt") instanceof Date at ? at.toInstant() : null);
        return json;
    }
}
