package io.crm.imports;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;
import io.crm.events.Actors;
import io.crm.json.JsonValues;
import io.crm.record.RecordException;
import io.crm.store.StoreTransactions;
import jakarta.annotation.PreDestroy;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Service;

/**
 * CSV imports: checks an upload, records the import in the {@code imports} collection and runs it in the background
 * on a small bounded pool ({@link ImportJob}), which persists its progress after every batch so any replica can
 * answer for it. The rows' errors go to {@code import_errors}, one document per error, for errors.csv.
 */
@Service
public class ImportService {

    public static final String COLLECTION = "imports";
    public static final String ERRORS = "import_errors";
    static final String STALE = "The import stopped reporting progress (the server running it went away); "
            + "the rows counted as processed were imported";
    public static final List<String> POLICIES = List.of("skip", "update", "create");

    private static final Logger log = LoggerFactory.getLogger(ImportService.class);

    private final MongoCollection<Document> imports;
    private final MongoCollection<Document> errors;
    private final ImportTargets targets;
    private final Actors actors;
    private final Clock clock;
    private final CsvFile.Limits limits;
    private final int batchSize;
    private final int maxErrors;
    private final Duration staleAfter;
    private final ThreadPoolExecutor executor;
    private final StoreTransactions transactions;

    public ImportService(MongoTemplate mongo, ImportTargets targets, Actors actors, Clock clock,
                         ImportProperties properties, StoreTransactions transactions) {
        // a batch's progress and row errors are written in the batch's transaction, when there is one
        this.imports = StoreTransactions.sessionAware(mongo.getCollection(COLLECTION));
        this.errors = StoreTransactions.sessionAware(mongo.getCollection(ERRORS));
        this.transactions = transactions;
        this.targets = targets;
        this.actors = actors;
        this.clock = clock;
        this.limits = new CsvFile.Limits(properties.maxRows(), properties.maxColumns(), properties.maxCellLength());
        this.batchSize = properties.batchSize();
        this.maxErrors = properties.maxErrors();
        this.staleAfter = properties.staleAfter();
        int concurrency = properties.concurrency();
        AtomicInteger threads = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(concurrency, concurrency, 0, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(properties.queue()), r -> {
                    Thread t = new Thread(r, "crm-import-" + threads.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
    }

    ImportTarget target(String entity) {
        return targets.get(entity);
    }

    /** The preview of an upload: headers, the first rows, the row count, the target fields, a suggested mapping. */
    Map<String, Object> preview(ImportTarget target, Path file) {
        CsvFile csv = CsvFile.scan(file, limits, 5);
        Map<String, String> suggested = new LinkedHashMap<>();
        for (String header : csv.headers()) {
            String field = header.isEmpty() ? null : target.suggest(header);
            if (field != null && !suggested.containsValue(field)) {
                suggested.put(header, field);
            }
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("entity", target.entity());
        body.put("headers", csv.headers());
        body.put("rows", csv.sample());
        body.put("totalRows", csv.totalRows());
        body.put("fields", target.fields());
        body.put("suggestedMapping", suggested);
        if (target.dynamic() != null) {
            body.put("dynamicFieldPrefix", target.dynamic());
        }
        return body;
    }

    /**
     * Checks the upload and the mapping, records the import and queues it. {@code mapping} is CSV header to field
     * (null: the suggested mapping); the file is owned by the import from here on and deleted when it ends.
     */
    Document start(ImportTarget target, Path file, String fileName, Map<String, String> mapping, String policy) {
        if (!POLICIES.contains(policy)) {
            throw new RecordException.Invalid("onDuplicate", "must be one of skip, update, create");
        }
        CsvFile csv = CsvFile.scan(file, limits, 0);
        if (csv.totalRows() == 0) {
            throw CsvFile.invalid("The file has a header row but no data rows");
        }
        if (mapping == null) {
            mapping = new LinkedHashMap<>();
            for (String header : csv.headers()) {
                String field = header.isEmpty() ? null : target.suggest(header);
                if (field != null && !mapping.containsValue(field)) {
                    mapping.put(header, field);
                }
            }
        }
        String[] columns = columns(target, csv.headers(), mapping);
        Date now = Date.from(clock.instant());
        ObjectId id = new ObjectId();
        Document status = new Document("_id", id)
                .append("entity", target.entity())
                .append("fileName", fileName)
                .append("status", "running")
                .append("onDuplicate", policy)
                .append("mapping", new Document(new LinkedHashMap<>(mapping)))
                .append("totalRows", csv.totalRows())
                .append("processedRows", 0L)
                .append("created", 0L)
                .append("updated", 0L)
                .append("skipped", 0L)
                .append("failed", 0L)
                .append("errorCount", 0L)
                .append("createdAt", now)
                .append("heartbeatAt", now)
                .append("finishedAt", null)
                .append("createdBy", actors.current().id());
        imports.insertOne(status);
        SecurityContext context = SecurityContextHolder.createEmptyContext();
        context.setAuthentication(SecurityContextHolder.getContext().getAuthentication());
        Map<String, String> mdc = MDC.getCopyOfContextMap();
        ImportJob job = new ImportJob(id, target, columns, policy, file, limits, batchSize, maxErrors, imports, errors,
                clock, transactions);
        try {
            executor.execute(new Queued(job, context, mdc));
        } catch (RejectedExecutionException e) {
            imports.deleteOne(Filters.eq("_id", id));
            throw new Busy();
        }
        return status;
    }

    /** The column index to field of a mapping, checked: known headers, known fields, each field once. */
    static String[] columns(ImportTarget target, List<String> headers, Map<String, String> mapping) {
        String[] columns = new String[headers.size()];
        Map<String, String> used = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : mapping.entrySet()) {
            String header = e.getKey();
            String field = e.getValue() == null ? "" : e.getValue().strip();
            if (field.isEmpty()) {
                continue;
            }
            int index = headers.indexOf(header);
            if (index < 0) {
                throw new RecordException.Invalid("mapping", "names the column \"" + header
                        + "\", which the file's header row does not have");
            }
            if (!target.accepts(field)) {
                throw new RecordException.Invalid("mapping", "maps \"" + header + "\" to \"" + field
                        + "\", which is not a field of " + target.entity() + " (fields: "
                        + String.join(", ", target.fields())
                        + (target.dynamic() == null ? "" : ", or " + target.dynamic() + "<name>") + ")");
            }
            String other = used.putIfAbsent(field, header);
            if (other != null) {
                throw new RecordException.Invalid("mapping", "maps both \"" + other + "\" and \"" + header
                        + "\" to " + field);
            }
            columns[index] = field;
        }
        if (used.isEmpty()) {
            throw new RecordException.Invalid("mapping", "maps no column to a field");
        }
        return columns;
    }

    /**
     * The import's status document, or 404; an import whose runner stopped reporting is shown as failed. An import
     * (file name, rows in error, the data echoed in its messages) is its creator's: others get the same 404 as for an
     * import that does not exist, unless {@code everyone} (admins).
     */
    Document status(String id, String viewerId, boolean everyone) {
        Document status = ObjectId.isValid(id) ? imports.find(Filters.eq("_id", new ObjectId(id))).first() : null;
        if (status == null || !(everyone || viewerId.equals(status.getString("createdBy")))) {
            throw new RecordException.NotFound("Import");
        }
        if ("running".equals(status.getString("status")) && status.get("heartbeatAt") instanceof Date beat
                && beat.toInstant().plus(staleAfter).isBefore(clock.instant())) {
            status.put("status", "failed");
            status.put("error", STALE);
        }
        return status;
    }

    /**
     * Records every running import that stopped reporting progress as failed (its replica went away), so its status
     * is final for every reader and every replica; returns how many.
     */
    long failStale() {
        Date now = Date.from(clock.instant());
        return imports.updateMany(Filters.and(Filters.eq("status", "running"),
                        Filters.lt("heartbeatAt", Date.from(clock.instant().minus(staleAfter)))),
                Updates.combine(Updates.set("status", "failed"), Updates.set("finishedAt", now),
                        Updates.set("error", STALE))).getModifiedCount();
    }

    static Map<String, Object> toJson(Document status) {
        String id = status.getObjectId("_id").toHexString();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", id);
        for (String key : List.of("entity", "fileName", "status", "onDuplicate", "totalRows", "processedRows",
                "created", "updated", "skipped", "failed", "createdAt", "finishedAt", "createdBy")) {
            json.put(key, JsonValues.toJson(status.get(key)));
        }
        json.put("errorsUrl", "/api/v1/imports/" + id + "/errors.csv");
        json.put("errorCount", status.get("errorCount"));
        if (Boolean.TRUE.equals(status.get("errorsTruncated"))) {
            json.put("errorsTruncated", true);
        }
        if (status.get("error") != null) {
            json.put("error", status.get("error"));
        }
        json.put("mapping", status.get("mapping"));
        return json;
    }

    /** errors.csv: {@code row,field,message}, by row, streamed from the index. */
    void writeErrors(Document status, Writer out) throws IOException {
        CsvWriter csv = new CsvWriter(out);
        csv.row(List.of("row", "field", "message"));
        for (Document error : errors.find(Filters.eq("importId", status.getObjectId("_id")))
                .sort(Sorts.ascending("row", "_id")).batchSize(1000)) {
            csv.row(List.of(String.valueOf(error.get("row")), String.valueOf(error.get("field")),
                    String.valueOf(error.get("message"))));
        }
    }

    /** A temporary file for an upload (deleted by the import when it ends, or by the caller on a refusal). */
    static Path tempFile() throws IOException {
        return Files.createTempFile("crm-import-", ".csv");
    }

    /** A job as queued: it runs as the user who started it (audit actor), with the request's log context. */
    private record Queued(ImportJob job, SecurityContext context, Map<String, String> mdc) implements Runnable {
        @Override
        public void run() {
            SecurityContextHolder.setContext(context);
            if (mdc != null) {
                MDC.setContextMap(mdc);
            }
            try {
                job.run();
            } finally {
                SecurityContextHolder.clearContext();
                MDC.clear();
            }
        }
    }

    @PreDestroy
    void stop() throws InterruptedException {
        // running imports see the interrupt between batches and record themselves as failed; queued ones never ran
        for (Runnable never : executor.shutdownNow()) {
            if (never instanceof Queued queued) {
                try {
                    imports.updateOne(Filters.eq("_id", queued.job().id()), Updates.combine(
                            Updates.set("status", "failed"), Updates.set("finishedAt", Date.from(clock.instant())),
                            Updates.set("error", "The server shut down before the import started")));
                    Files.deleteIfExists(queued.job().file());
                } catch (RuntimeException | IOException e) {
                    log.warn("could not record the end of queued import {}", queued.job().id().toHexString());
                }
            }
        }
        if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
            log.warn("imports still running at shutdown");
        }
    }

    /** 503: the import pool and its queue are full. */
    static final class Busy extends RuntimeException {
        Busy() {
            super("Too many imports are running; retry in a minute", null, false, false);
        }
    }

    static Update progress(long processed, long created, long updated, long skipped, long failed, long errorCount,
                           Date now) {
        return new Update(processed, created, updated, skipped, failed, errorCount, now);
    }

    /** The counters an import persists after each batch. */
    record Update(long processed, long created, long updated, long skipped, long failed, long errorCount,
                  Date at) {
        org.bson.conversions.Bson toBson() {
            return Updates.combine(Updates.set("processedRows", processed), Updates.set("created", created),
                    Updates.set("updated", updated), Updates.set("skipped", skipped),
                    Updates.set("failed", failed), Updates.set("errorCount", errorCount),
                    Updates.set("heartbeatAt", at));
        }
    }
}
