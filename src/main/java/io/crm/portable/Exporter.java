package io.crm.portable;

import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoCursor;
import com.mongodb.client.MongoDatabase;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonString;
import org.bson.RawBsonDocument;

/**
 * Writes every exported collection of a database to a gzip'd JSON Lines file (docs/export-format.md), streaming: one
 * cursor at a time, each document written as it arrives. The file appears under its name only when complete (it is
 * written as {@code FILE.partial}, synced, then renamed), so an interrupted export never leaves a file that looks
 * finished; the trailer's counts and checksum catch one that was cut or damaged later.
 */
final class Exporter {

    /** What an export wrote: documents per collection (in file order), their total and the file's checksum. */
    record Result(Map<String, Long> counts, long documents, String sha256) {
    }

    private static final int BATCH = 1000;

    private final MongoDatabase database;
    private final String sourceKind;
    private final PrintStream log;

    Exporter(MongoDatabase database, String sourceKind, PrintStream log) {
        this.database = database;
        this.sourceKind = sourceKind;
        this.log = log;
    }

    Result export(Path file, Instant now) {
        if (Files.exists(file)) {
            throw new PortableException(file + " already exists: choose a new file name (an export never overwrites)");
        }
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        try {
            Files.deleteIfExists(partial);
            Result result;
            try (FileOutputStream fileOut = new FileOutputStream(partial.toFile())) {
                Lines lines = new Lines(new GZIPOutputStream(new BufferedOutputStream(fileOut, 1 << 16), 1 << 16));
                result = write(lines, now);
                lines.out.finish();
                lines.out.flush();
                // on disk before the rename, so a crash cannot leave a complete-looking name over missing bytes
                fileOut.getFD().sync();
            }
            Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
            return result;
        } catch (IOException e) {
            throw new PortableException("cannot write " + file + ": " + e.getMessage(), e);
        } finally {
            try {
                Files.deleteIfExists(partial);
            } catch (IOException e) {
                log.println("warning: could not remove " + partial + ": " + e.getMessage());
            }
        }
    }

    private Result write(Lines lines, Instant now) throws IOException {
        BsonDocument header = new BsonDocument(ExportFormat.TYPE, new BsonString(ExportFormat.HEADER))
                .append("format", new BsonString(ExportFormat.NAME))
                .append("formatVersion", new BsonInt32(ExportFormat.VERSION))
                .append("serviceVersion", new BsonString(ExportFormat.serviceVersion()))
                .append("createdAt", new BsonString(now.toString()))
                .append("source", new BsonString(sourceKind))
                .append("database", new BsonString(database.getName()))
                .append("exportId", new BsonString(UUID.randomUUID().toString()));
        lines.write(header.toJson(ExportFormat.READABLE));

        Map<String, Long> counts = new LinkedHashMap<>();
        long total = 0;
        for (BsonDocument info : collections()) {
            String name = info.getString("name").getValue();
            MongoCollection<RawBsonDocument> collection = database.getCollection(name, RawBsonDocument.class);
            BsonDocument line = new BsonDocument(ExportFormat.TYPE, new BsonString(ExportFormat.COLLECTION))
                    .append("name", new BsonString(name))
                    .append("options", info.getDocument("options", new BsonDocument()))
                    .append("indexes", indexes(collection));
            lines.write(line.toJson(ExportFormat.EXACT));
            long count = 0;
            // each document line names its collection, so lines stay meaningful when sorted, grepped or diffed
            String start = new BsonDocument(ExportFormat.TYPE, new BsonString(ExportFormat.DOCUMENT))
                    .append(ExportFormat.COLLECTION, new BsonString(name)).toJson(ExportFormat.EXACT);
            String prefix = start.substring(0, start.length() - 1) + ", \"document\": ";
            // natural order: no sort, so no store has to hold the collection in memory to answer
            try (MongoCursor<RawBsonDocument> cursor = collection.find().batchSize(BATCH).cursor()) {
                while (cursor.hasNext()) {
                    lines.write(prefix + cursor.next().toJson(ExportFormat.EXACT) + "}");
                    count++;
                }
            }
            counts.put(name, count);
            total += count;
            log.printf("  %-24s %,d documents%n", name, count);
        }

        String sha256 = HexFormat.of().formatHex(lines.digest.digest());
        BsonDocument countsDoc = new BsonDocument();
        counts.forEach((name, count) -> countsDoc.append(name, new BsonInt64(count)));
        BsonDocument trailer = new BsonDocument(ExportFormat.TYPE, new BsonString(ExportFormat.TRAILER))
                .append("collections", countsDoc)
                .append("documents", new BsonInt64(total))
                .append("sha256", new BsonString(sha256));
        lines.writeUnhashed(trailer.toJson(ExportFormat.READABLE));
        return new Result(counts, total, sha256);
    }

    /** Plain collections (no views) that are exported, by name, so two exports of the same data compare line by line. */
    private List<BsonDocument> collections() {
        List<BsonDocument> result = new ArrayList<>();
        for (BsonDocument info : database.listCollections(BsonDocument.class)) {
            String type = info.getString("type", new BsonString("collection")).getValue();
            if (type.equals("collection") && ExportFormat.exported(info.getString("name").getValue())) {
                result.add(info);
            }
        }
        result.sort(Comparator.comparing(info -> info.getString("name").getValue()));
        return result;
    }

    /**
     * The collection's index definitions, by name, without the fields that describe a server rather than the index
     * ({@code v}, the index format version the server chose; {@code ns}, sent by old servers).
     */
    private static BsonArray indexes(MongoCollection<RawBsonDocument> collection) {
        List<BsonDocument> specs = new ArrayList<>();
        for (BsonDocument index : collection.listIndexes(BsonDocument.class)) {
            BsonDocument spec = index.clone();
            spec.remove("v");
            spec.remove("ns");
            specs.add(spec);
        }
        specs.sort(Comparator.comparing(spec -> spec.getString("name").getValue()));
        return new BsonArray(specs);
    }

    /** The gzip stream and the running SHA-256 of every line before the trailer. */
    private static final class Lines {

        final GZIPOutputStream out;
        final MessageDigest digest;

        Lines(GZIPOutputStream out) {
            this.out = out;
            this.digest = sha256();
        }

        void write(String line) throws IOException {
            byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
            digest.update(bytes);
            out.write(bytes);
        }

        void writeUnhashed(String line) throws IOException {
            out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
