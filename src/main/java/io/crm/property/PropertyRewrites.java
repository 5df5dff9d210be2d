package io.crm.property;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;
import io.crm.record.CustomFields;
import io.crm.record.Field;
import io.crm.record.RecordException;
import io.crm.record.RecordService;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.bson.types.ObjectId;

/**
 * The record rewrites a property change needs (a new type, options replaced), kept as tasks in
 * {@value #COLLECTION} so that they survive the replica doing them: {@code {objectType, name, values (the stored
 * index values of the options being replaced; absent: every value), replacements, status (running | done), total,
 * processed, converted, failed, owner, heartbeatAt, createdAt, finishedAt}}. A task walks the affected records in
 * batches; after each batch its progress and heartbeat are written, so a task whose replica died (no heartbeat for
 * {@link #STALE}) is claimed by another ({@link #resume}, a leased job), which walks it again from the start. Each
 * record is rewritten through its service (validated, versioned, audited), and only when its value changes, so
 * walking records twice is harmless.
 */
public class PropertyRewrites {

    public static final String COLLECTION = "property_rewrites";
    /** Records per batch; a rewrite of at most this many records is done within the change's request. */
    static final int BATCH = 500;
    /** A running task without a heartbeat for this long belongs to a replica that went away. */
    static final Duration STALE = Duration.ofMinutes(2);

    private final MongoCollection<Document> tasks;
    private final Map<String, RecordService<?>> records;
    private final PropertyDefinitions definitions;
    private final Clock clock;
    private final String instance;

    public PropertyRewrites(MongoCollection<Document> tasks, Map<String, RecordService<?>> records,
                            PropertyDefinitions definitions, Clock clock, String instance) {
        this.tasks = tasks;
        this.records = records;
        this.definitions = definitions;
        this.clock = clock;
        this.instance = instance;
    }

    /**
     * Records a rewrite of the live records holding {@code name}'s values ({@code values}: only these stored index
     * values; null: all), claimed by this replica when {@code claimed} (it runs it at once).
     */
    Document start(String objectType, String name, List<Object> values, Map<String, String> replacements, long total,
                   boolean claimed) {
        Document task = new Document("_id", new ObjectId()).append("objectType", objectType).append("name", name)
                .append("replacements", new Document(new LinkedHashMap<>(replacements)))
                .append("status", "running").append("total", total).append("processed", 0L)
                .append("converted", 0L).append("failed", 0L).append("createdAt", now());
        if (values != null) {
            task.append("values", values);
        }
        if (claimed) {
            task.append("owner", instance).append("heartbeatAt", now());
        }
        tasks.insertOne(task);
        return task;
    }

    /** The latest rewrite of a property, or null (the definition's JSON shows it). */
    Document latest(String objectType, String name) {
        return tasks.find(Filters.and(Filters.eq("objectType", objectType), Filters.eq("name", name)))
                .sort(Sorts.descending("createdAt")).first();
    }

    /** Claims every task no live replica is running (never started, or stale) and runs each to its end. */
    public int resume() {
        int finished = 0;
        while (true) {
            Date stale = Date.from(clock.instant().minus(STALE));
            // claimed, and walked again from the start (records already rewritten are passed over)
            Document task = tasks.findOneAndUpdate(Filters.and(Filters.eq("status", "running"),
                            Filters.or(Filters.eq("heartbeatAt", null), Filters.lt("heartbeatAt", stale))),
                    Updates.combine(Updates.set("owner", instance), Updates.set("heartbeatAt", now()),
                            Updates.set("processed", 0L)),
                    new FindOneAndUpdateOptions().returnDocument(ReturnDocument.AFTER));
            if (task == null) {
                return finished;
            }
            run(task);
            finished++;
        }
    }

    /** Runs a claimed task from where it stopped to its end. */
    Document run(Document task) {
        String objectType = task.getString("objectType");
        String name = task.getString("name");
        RecordService<?> service = records.get(objectType);
        // the definition as stored now (another replica may have changed it within this one's cache lifetime)
        definitions.invalidate(objectType);
        CustomProperty target = definitions.all(objectType).get(name);
        if (service == null || target == null || target.archived()) {
            // archived since: its values stay as they are, hidden, until it is restored
            return finish(task, "the property is no longer live");
        }
        Map<String, String> replacements = new LinkedHashMap<>();
        Document given = task.get("replacements", Document.class);
        if (given != null) {
            given.forEach((k, v) -> replacements.put(k, String.valueOf(v)));
        }
        List<?> values = task.getList("values", Object.class);
        Bson affected = CustomValues.having(name, values == null ? null : Filters.in("v", values));
        // the ids first, in one pass (ids only), then the records in batches
        List<String> ids = new ArrayList<>();
        service.store().collection().find(affected).projection(Projections.include("_id"))
                .forEach(d -> ids.add(d.getObjectId("_id").toHexString()));
        for (int from = 0; from < ids.size(); from += BATCH) {
            List<String> batch = ids.subList(from, Math.min(ids.size(), from + BATCH));
            long converted = 0;
            long failed = 0;
            for (String id : batch) {
                try {
                    converted += rewrite(service, id, target, replacements) ? 1 : 0;
                } catch (Field.InvalidValue | RecordException.Invalid e) {
                    failed++; // a value that does not convert stays as it is, counted
                } catch (RecordException.NotFound gone) {
                    // archived or deleted meanwhile
                }
            }
            tasks.updateOne(Filters.eq("_id", task.get("_id")), Updates.combine(
                    Updates.inc("processed", (long) batch.size()), Updates.inc("converted", converted),
                    Updates.inc("failed", failed), Updates.set("heartbeatAt", now())));
        }
        return finish(task, null);
    }

    /** One record's value to the new definition; false when it already follows it. */
    private static boolean rewrite(RecordService<?> service, String id, CustomProperty target,
                                   Map<String, String> replacements) {
        Document record = service.get(id);
        Document stored = CustomFields.of(record);
        Object value = stored == null ? null : stored.get(target.name());
        if (value == null) {
            return false;
        }
        Object next = PropertyConversion.convert(value, target, replacements);
        if (Objects.equals(next, value)) {
            return false;
        }
        Map<String, Object> custom = new LinkedHashMap<>();
        custom.put(target.name(), PropertyConversion.input(next));
        // no If-Match: a change made meanwhile to another field is kept, this value is converted on top of it
        service.update(id, Map.of(CustomFields.FIELD, custom), null);
        return true;
    }

    private Document finish(Document task, String note) {
        Bson done = Updates.combine(Updates.set("status", "done"), Updates.set("finishedAt", now()),
                Updates.set("heartbeatAt", now()), note == null ? Updates.unset("note") : Updates.set("note", note));
        return tasks.findOneAndUpdate(Filters.eq("_id", task.get("_id")), done,
                new FindOneAndUpdateOptions().returnDocument(ReturnDocument.AFTER));
    }

    /** The JSON of a task: its status and progress. */
    static Map<String, Object> toJson(Document task) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", task.getObjectId("_id").toHexString());
        json.put("status", task.getString("status"));
        json.put("total", task.get("total"));
        json.put("processed", task.get("processed"));
        json.put("converted", task.get("converted"));
        json.put("failed", task.get("failed"));
        json.put("createdAt", task.getDate("createdAt").toInstant());
        json.put("finishedAt", task.get("finishedAt") instanceof Date at ? at.toInstant() : null);
        if (task.get("note") != null) {
            json.put("note", task.get("note"));
        }
        return json;
    }

    private Date now() {
        return Date.from(clock.instant());
    }
}
