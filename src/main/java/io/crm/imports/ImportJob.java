package io.crm.imports;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Updates;
import io.crm.record.FieldError;
import io.crm.record.RecordException;
import io.crm.record.RecordService;
import io.crm.record.RecordStore;
import io.crm.store.StoreTransactions;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One import run: reads the file batch by batch, turns each row into a request body, applies the duplicate policy
 * and the resource's own rules, writes new records with the batch path ({@code RecordService.insertAll}) and
 * persists the counters and the rows' errors after every batch.
 *
 * <p>Duplicates: a row is matched to a live record by its email (contacts) or domain (companies). {@code skip}
 * leaves the record and counts the row as skipped; {@code update} merge-patches the row's non-empty values into it
 * through the normal update (validation, audit); {@code create} creates anyway, so a uniqueness rule turns the row
 * into an error. Within one file, the first row with a given email/domain is used and later ones are errors.
 *
 * <p>On a store with transactions a batch's writes (records, row errors, progress) are one transaction
 * ({@link StoreTransactions}), so the progress always counts exactly the rows stored. A write refused there (a unique
 * key taken meanwhile) aborts the whole transaction, so such a batch is then written step by step instead, which
 * turns the refused rows into row errors as on any store.
 */
final class ImportJob implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(ImportJob.class);

    private final ObjectId id;
    private final ImportTarget target;
    private final String[] columns;
    private final String policy;
    private final Path file;
    private final CsvFile.Limits limits;
    private final int batchSize;
    private final int maxErrors;
    private final MongoCollection<Document> imports;
    private final MongoCollection<Document> errors;
    private final Clock clock;
    private final RecordService.UniqueKey duplicate;
    private final StoreTransactions transactions;

    private final Map<String, Long> firstRowOf = new HashMap<>();
    private long processed;
    private long created;
    private long updated;
    private long skipped;
    private long failed;
    private long errorCount;
    private boolean errorsTruncated;

    ImportJob(ObjectId id, ImportTarget target, String[] columns, String policy, Path file, CsvFile.Limits limits,
              int batchSize, int maxErrors, MongoCollection<Document> imports, MongoCollection<Document> errors,
              Clock clock, StoreTransactions transactions) {
        this.transactions = transactions;
        this.id = id;
        this.target = target;
        this.columns = columns;
        this.policy = policy;
        this.file = file;
        this.limits = limits;
        this.batchSize = batchSize;
        this.maxErrors = maxErrors;
        this.imports = imports;
        this.errors = errors;
        this.clock = clock;
        this.duplicate = target.service().uniqueKey(target.matchPath())
                .orElseThrow(() -> new IllegalStateException(target.entity() + " has no unique key to match on"));
    }

    ObjectId id() {
        return id;
    }

    Path file() {
        return file;
    }

    /** A data row: its 1-based number among the file's data rows, and its cells. */
    private record Row(long number, List<String> cells) {
    }

    @Override
    public void run() {
        try (InputStream in = Files.newInputStream(file);
             CsvReader reader = CsvReader.utf8(in, limits.maxColumns(), limits.maxCellLength())) {
            List<String> header = reader.next();
            while (header != null && CsvFile.blank(header)) {
                header = reader.next();
            }
            long number = 0;
            List<Row> batch = new ArrayList<>(batchSize);
            for (List<String> cells = reader.next(); cells != null; cells = reader.next()) {
                if (CsvFile.blank(cells)) {
                    continue;
                }
                batch.add(new Row(++number, cells));
                if (batch.size() == batchSize) {
                    process(batch, header.size());
                    batch.clear();
                }
            }
            if (!batch.isEmpty()) {
                process(batch, header.size());
            }
            finish("done", null);
        } catch (Interrupted | com.mongodb.MongoInterruptedException e) {
            Thread.interrupted(); // clear it, so that the end can still be recorded
            finish("failed", "The server shut down during the import; the rows counted as processed were imported");
        } catch (StoreTransactions.Failed e) {
            log.warn("import {} stopped: a batch's transaction did not commit", id.toHexString());
            finish("failed", "The import stopped after " + processed + " rows: the database did not commit the next "
                    + "batch (nothing of it was stored)");
        } catch (Exception e) {
            Thread.interrupted();
            log.error("import {} failed", id.toHexString(), e);
            finish("failed", "The import stopped after " + processed + " rows: "
                    + (e instanceof CsvReader.CsvException ? e.getMessage() : "an internal error occurred"));
        } finally {
            try {
                Files.deleteIfExists(file);
            } catch (java.io.IOException e) {
                log.warn("could not delete the import file {}", file);
            }
        }
    }

    /** One batch: bodies, in-file and stored duplicates, updates one by one, creates as one batch write. */
    private void process(List<Row> rows, int headerColumns) {
        if (Thread.currentThread().isInterrupted()) {
            throw new Interrupted();
        }
        List<Document> rowErrors = new ArrayList<>();
        List<Map<String, Object>> bodies = new ArrayList<>(rows.size());
        List<String> keys = new ArrayList<>(rows.size());
        boolean[] done = new boolean[rows.size()];
        ImportTarget.Rows mapped = target.rows(columns);
        for (int i = 0; i < rows.size(); i++) {
            Row row = rows.get(i);
            Map<String, Object> body = mapped.body(row.cells());
            bodies.add(body);
            String key = mapped.matchKey(body);
            keys.add(key);
            if (row.cells().size() > headerColumns) {
                done[i] = fail(rowErrors, row, "", "has " + row.cells().size() + " cells but the header row has "
                        + headerColumns);
                continue;
            }
            if (key != null) {
                Long first = firstRowOf.putIfAbsent(key, row.number());
                if (first != null) {
                    done[i] = fail(rowErrors, row, target.matchField(), "has the same " + target.matchField()
                            + " as row " + first + " of this file");
                }
            }
        }
        Counters before = counters();
        int errorsBefore = rowErrors.size();
        try {
            transactions.run(() -> {
                // a retried transaction starts from the batch's beginning again
                restore(before, rowErrors, errorsBefore);
                write(rows, bodies, keys, done, rowErrors, StoreTransactions.current().isPresent());
            });
        } catch (WriteRefused e) {
            restore(before, rowErrors, errorsBefore);
            write(rows, bodies, keys, done, rowErrors, false);
        } catch (StoreTransactions.Failed e) {
            // nothing of the batch was stored: neither is it counted
            restore(before, rowErrors, errorsBefore);
            throw e;
        }
    }

    /** The batch's writes; {@code inTransaction}: a write the store refuses ends the attempt ({@link WriteRefused}). */
    private void write(List<Row> rows, List<Map<String, Object>> bodies, List<String> keys, boolean[] done,
                       List<Document> rowErrors, boolean inTransaction) {
        Map<String, ObjectId> existing = existing(keys, done);
        List<Document> prepared = new ArrayList<>();
        List<Integer> preparedAt = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            if (done[i]) {
                continue;
            }
            Row row = rows.get(i);
            ObjectId match = keys.get(i) == null ? null : existing.get(keys.get(i));
            if (match != null && policy.equals("skip")) {
                skipped++;
                continue;
            }
            if (match != null && policy.equals("create")) {
                // what insertAll would say: the key is taken (checked here, since this batch's keys were looked up)
                fail(rowErrors, row, duplicate.field(), duplicate.message());
                continue;
            }
            try {
                if (match != null && policy.equals("update")) {
                    target.service().update(match.toHexString(), bodies.get(i), null);
                    updated++;
                } else {
                    prepared.add(target.service().prepare(bodies.get(i)));
                    preparedAt.add(i);
                }
            } catch (RecordException.Duplicate e) {
                if (inTransaction) {
                    throw new WriteRefused();
                }
                fail(rowErrors, row, e);
            } catch (RecordException e) {
                fail(rowErrors, row, e);
            }
        }
        List<RuntimeException> outcomes = target.service().insertAll(prepared, Set.of(target.matchPath()));
        if (inTransaction && outcomes.stream().anyMatch(java.util.Objects::nonNull)) {
            throw new WriteRefused();
        }
        for (int j = 0; j < prepared.size(); j++) {
            RuntimeException error = outcomes.get(j);
            if (error == null) {
                created++;
            } else {
                Row row = rows.get(preparedAt.get(j));
                if (error instanceof RecordException known) {
                    fail(rowErrors, row, known);
                } else {
                    fail(rowErrors, row, "", "could not be stored");
                }
            }
        }
        processed += rows.size();
        if (!rowErrors.isEmpty()) {
            errors.insertMany(rowErrors);
        }
        imports.updateOne(Filters.eq("_id", id), Updates.combine(
                ImportService.progress(processed, created, updated, skipped, failed, errorCount,
                        Date.from(clock.instant())).toBson(),
                Updates.set("errorsTruncated", errorsTruncated)));
    }

    /** The live records the batch's keys match (key to id): one lookup on the unique key's index. */
    private Map<String, ObjectId> existing(List<String> keys, boolean[] done) {
        List<String> wanted = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            if (keys.get(i) != null && !done[i]) {
                wanted.add(keys.get(i));
            }
        }
        Map<String, ObjectId> found = new HashMap<>();
        if (!wanted.isEmpty()) {
            target.service().store().collection().find(Filters.in(target.matchPath(), wanted))
                    .projection(Projections.include(target.matchPath()))
                    .forEach(d -> found.put(String.valueOf(RecordStore.valueAt(d, target.matchPath())),
                            d.getObjectId("_id")));
        }
        return found;
    }

    private void fail(List<Document> rowErrors, Row row, RecordException e) {
        if (e instanceof RecordException.Invalid invalid) {
            failed++;
            for (FieldError error : invalid.errors()) {
                error(rowErrors, row, error.field(), error.message());
            }
        } else {
            fail(rowErrors, row, e instanceof RecordException.Duplicate d && d.field() != null ? d.field() : "",
                    e.getMessage());
        }
    }

    private boolean fail(List<Document> rowErrors, Row row, String field, String message) {
        failed++;
        error(rowErrors, row, field, message);
        return true;
    }

    private void error(List<Document> rowErrors, Row row, String field, String message) {
        errorCount++;
        if (errorCount > maxErrors) {
            errorsTruncated = true;
            return;
        }
        rowErrors.add(new Document("importId", id).append("row", row.number()).append("field", field)
                .append("message", message));
    }

    private void finish(String status, String error) {
        try {
            imports.updateOne(Filters.eq("_id", id), Updates.combine(
                    ImportService.progress(processed, created, updated, skipped, failed, errorCount,
                            Date.from(clock.instant())).toBson(),
                    Updates.set("errorsTruncated", errorsTruncated),
                    Updates.set("status", status), Updates.set("error", error),
                    Updates.set("finishedAt", Date.from(clock.instant()))));
        } catch (RuntimeException e) {
            log.error("import {} could not record its end ({})", id.toHexString(), status, e);
        }
    }

    /** The counters at a batch's start, so an attempt that did not commit leaves them as they were. */
    private record Counters(long processed, long created, long updated, long skipped, long failed, long errorCount,
                            boolean errorsTruncated) {
    }

    private Counters counters() {
        return new Counters(processed, created, updated, skipped, failed, errorCount, errorsTruncated);
    }

    private void restore(Counters counters, List<Document> rowErrors, int rowErrorsBefore) {
        processed = counters.processed();
        created = counters.created();
        updated = counters.updated();
        skipped = counters.skipped();
        failed = counters.failed();
        errorCount = counters.errorCount();
        errorsTruncated = counters.errorsTruncated();
        rowErrors.subList(rowErrorsBefore, rowErrors.size()).clear();
    }

    /** The store refused a write inside the batch's transaction, which it then aborted: write it step by step. */
    private static final class WriteRefused extends RuntimeException {
        WriteRefused() {
            super(null, null, false, false);
        }
    }

    /** The pool is shutting down. */
    private static final class Interrupted extends RuntimeException {
        Interrupted() {
            super(null, null, false, false);
        }
    }
}
