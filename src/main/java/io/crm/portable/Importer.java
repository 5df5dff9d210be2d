package io.crm.portable;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoCommandException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.ReplaceOneModel;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.Updates;
import org.bson.BsonArray;
import org.bson.BsonDateTime;
import org.bson.BsonDocument;
import org.bson.BsonInt64;
import org.bson.BsonString;

/**
 * Imports an export file into an empty database. The file is verified whole first ({@link ExportReader#verify}), so
 * a corrupt, truncated or foreign file is refused before anything is written. The import then records itself in
 * {@value #PROGRESS} (keyed by the file's SHA-256) before its first write: a rerun with the same file after an
 * interruption writes every document again as an upsert by {@code _id} (so nothing is duplicated, and nothing the
 * interrupted run may have left half-done is trusted), a rerun after success changes nothing, and any other non-empty
 * target is refused.
 */
final class Importer {

    /** The import's own bookkeeping collection in the target (never exported). */
    static final String PROGRESS = "portable_imports";
    static final int BATCH_DOCUMENTS = 1000;
    private static final int BATCH_BYTES = 8 * 1024 * 1024;

    /** Told after each batch written; the command prints nothing per batch, tests use it to interrupt an import. */
    interface Progress {
        void written(String collection, long documentsSoFar);
    }

    enum Outcome { IMPORTED, RESUMED, ALREADY_IMPORTED }

    private final MongoDatabase database;
    private final PrintStream log;
    private final int batchDocuments;
    private final Progress progress;

    Importer(MongoDatabase database, PrintStream log) {
        this(database, log, BATCH_DOCUMENTS, (collection, documents) -> { });
    }

    Importer(MongoDatabase database, PrintStream log, int batchDocuments, Progress progress) {
        this.database = database;
        this.log = log;
        this.batchDocuments = batchDocuments;
        this.progress = progress;
    }

    Outcome importFile(Path file, Instant now) {
        ExportReader.Summary summary = ExportReader.verify(file);
        BsonDocument header = summary.header();
        log.printf("verified %s: %,d documents in %d collections, exported %s from the %s store (CRM %s)%n",
                file, summary.documents(), summary.collections().size(), text(header, "createdAt"),
                text(header, "source"), text(header, "serviceVersion"));

        MongoCollection<BsonDocument> imports = database.getCollection(PROGRESS, BsonDocument.class);
        BsonDocument mine = imports.find(Filters.eq("_id", summary.sha256())).first();
        boolean resuming;
        if (mine != null && "done".equals(text(mine, "state"))) {
            log.printf("this file was already imported into %s (finished %s): nothing to do%n", database.getName(),
                    when(mine, "finishedAt"));
            return Outcome.ALREADY_IMPORTED;
        } else if (mine != null) {
            resuming = true;
            log.printf("resuming the interrupted import of this file (started %s)%n", when(mine, "startedAt"));
        } else {
            refuseNonEmptyTarget(imports);
            imports.insertOne(new BsonDocument("_id", new BsonString(summary.sha256()))
                    .append("exportId", new BsonString(summary.exportId()))
                    .append("exportCreatedAt", new BsonString(text(header, "createdAt")))
                    .append("file", new BsonString(file.getFileName().toString()))
                    .append("state", new BsonString("importing"))
                    .append("startedAt", new BsonDateTime(now.toEpochMilli())));
            resuming = false;
        }

        Set<String> existing = new HashSet<>();
        database.listCollectionNames().into(existing);
        try (ExportReader reader = new ExportReader(file)) {
            ExportReader.Entry entry = reader.next();
            while (entry != null) {
                ExportReader.Collection collection = (ExportReader.Collection) entry;
                long expected = summary.collections().stream().filter(c -> c.name().equals(collection.name()))
                        .findFirst().orElseThrow().documents();
                entry = importCollection(reader, collection, expected, existing.contains(collection.name()),
                        resuming);
            }
            if (!reader.sha256().equals(summary.sha256())) {
                throw new PortableException(file + " changed while it was being imported: import it again");
            }
        }
        imports.updateOne(Filters.eq("_id", summary.sha256()), Updates.combine(
                Updates.set("state", "done"), Updates.set("finishedAt", new BsonDateTime(Instant.now().toEpochMilli())),
                Updates.set("documents", new BsonInt64(summary.documents()))));
        log.printf("imported %,d documents in %d collections into %s%n", summary.documents(),
                summary.collections().size(), database.getName());
        return resuming ? Outcome.RESUMED : Outcome.IMPORTED;
    }

    /** Writes one collection's documents and indexes; returns the entry after them (the next collection, or null). */
    private ExportReader.Entry importCollection(ExportReader reader, ExportReader.Collection collection,
            long expected, boolean exists, boolean resuming) {
        String name = collection.name();
        if (!exists) {
            BsonDocument create = new BsonDocument("create", new BsonString(name));
            create.putAll(collection.options());
            database.runCommand(create);
        }
        MongoCollection<BsonDocument> target = database.getCollection(name, BsonDocument.class);
        // Resuming: every document is written again as an upsert by _id, so what the interrupted run wrote is
        // neither duplicated nor trusted to be whole (no count decides that a collection was finished).
        boolean upsert = resuming;
        List<BsonDocument> batch = new ArrayList<>();
        long batchBytes = 0;
        long written = 0;
        ExportReader.Entry entry;
        for (entry = reader.next(); entry instanceof ExportReader.Document document; entry = reader.next()) {
            batch.add(document.document());
            batchBytes += document.bytes();
            if (batch.size() >= batchDocuments || batchBytes >= BATCH_BYTES) {
                written += write(target, batch, upsert);
                batchBytes = 0;
                progress.written(name, written);
            }
        }
        if (!batch.isEmpty()) {
            written += write(target, batch, upsert);
            progress.written(name, written);
        }
        int indexes = createIndexes(name, collection.indexes());
        // the count command (metadata on MongoDB): countDocuments is an aggregation that mongo-java-server, the
        // embedded store, answers by loading the whole collection into memory
        long count = target.estimatedDocumentCount();
        if (count != expected) {
            throw new PortableException("after the import " + name + " holds " + count + " documents, the file "
                    + expected + ": something else wrote to the target database during the import");
        }
        log.printf("  %-24s %,d documents, %d indexes%n", name, expected, indexes);
        return entry;
    }

    private static long write(MongoCollection<BsonDocument> target, List<BsonDocument> batch, boolean upsert) {
        int size = batch.size();
        if (upsert) {
            ReplaceOptions options = new ReplaceOptions().upsert(true);
            target.bulkWrite(batch.stream()
                    .map(document -> new ReplaceOneModel<>(Filters.eq("_id", document.get("_id")), document, options))
                    .toList());
        } else {
            target.insertMany(batch);
        }
        batch.clear();
        return size;
    }

    /**
     * Creates the file's index definitions (all but {@code _id}'s), one at a time. A unique index the data
     * cannot satisfy (duplicates the original service allowed) is skipped with a warning, as the service's own
     * IndexInitializer does; an identical existing index (a resumed import) is a no-op.
     */
    private int createIndexes(String collection, List<BsonDocument> indexes) {
        int created = 0;
        for (BsonDocument index : indexes) {
            if (index.getString("name", new BsonString("")).getValue().equals("_id_")) {
                continue;
            }
            try {
                database.runCommand(new BsonDocument("createIndexes", new BsonString(collection))
                        .append("indexes", new BsonArray(List.of(index))));
                created++;
            } catch (MongoCommandException e) {
                if (ErrorCategory.fromErrorCode(e.getErrorCode()) != ErrorCategory.DUPLICATE_KEY) {
                    throw new PortableException("cannot create index " + index.toJson(ExportFormat.READABLE) + " on "
                            + collection + ": " + e.getErrorMessage(), e);
                }
                log.printf("  warning: unique index %s on %s NOT created: the data holds duplicates for it (the "
                        + "service refuses new duplicates itself)%n", index.get("name"), collection);
            }
        }
        return created;
    }

    private void refuseNonEmptyTarget(MongoCollection<BsonDocument> imports) {
        BsonDocument other = imports.find().first();
        if (other != null) {
            throw new PortableException("the target database " + database.getName() + " holds another import (of an "
                    + "export made " + text(other, "exportCreatedAt") + ", state " + text(other, "state")
                    + "): import into an empty database");
        }
        List<String> holding = new ArrayList<>();
        for (String name : database.listCollectionNames()) {
            if (!name.startsWith("system.") && !name.equals(PROGRESS)
                    && database.getCollection(name).find().limit(1).first() != null) {
                holding.add(name);
            }
        }
        if (!holding.isEmpty()) {
            holding.sort(null);
            throw new PortableException("the target database " + database.getName() + " is not empty ("
                    + String.join(", ", holding) + " hold documents): --import writes only into an empty database");
        }
    }

    private static String text(BsonDocument document, String key) {
        return document.isString(key) ? document.getString(key).getValue() : String.valueOf(document.get(key));
    }

    private static String when(BsonDocument document, String key) {
        return document.isDateTime(key) ? Instant.ofEpochMilli(document.getDateTime(key).getValue()).toString()
                : "at an unknown time";
    }
}
