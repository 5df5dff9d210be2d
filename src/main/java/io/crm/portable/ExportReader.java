package io.crm.portable;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

import org.bson.BsonDocument;
import org.bson.BsonValue;

/**
 * Reads an export file line by line (never more than one document in memory) and checks everything the format
 * promises as it goes: gzip integrity, the header, each line's shape, and at the end the trailer's counts and SHA-256.
 * Any failure is a {@link PortableException} naming the file and the line. {@link #verify} reads a whole file
 * without writing anything, which is how an import refuses a bad file before it changes the target.
 */
final class ExportReader implements AutoCloseable {

    /** One collection as the file declares it, with the number of document lines that follow it. */
    record CollectionInfo(String name, BsonDocument options, List<BsonDocument> indexes, long documents) {
    }

    /** A whole file, verified. */
    record Summary(BsonDocument header, List<CollectionInfo> collections, long documents, String sha256) {

        String exportId() {
            return header.getString("exportId").getValue();
        }
    }

    /** What {@link #next()} returns: the start of a collection or one of its documents. */
    sealed interface Entry {
    }

    record Collection(String name, BsonDocument options, List<BsonDocument> indexes) implements Entry {
    }

    /** {@code bytes}: the length of its line, so writers can bound their batches by size. */
    record Document(String collection, BsonDocument document, int bytes) implements Entry {
    }

    private final Path file;
    private final InputStream in;
    private final MessageDigest digest = Exporter.sha256();
    private final BsonDocument header;
    private final Map<String, Long> counts = new LinkedHashMap<>();
    private String current;
    private long lineNumber;
    private boolean finished;
    private String sha256Hex;
    /** The line being assembled (grows up to MAX_LINE_BYTES) and the decompressed bytes not yet split into lines. */
    private byte[] buffer = new byte[1 << 16];
    private final byte[] chunk = new byte[1 << 16];
    private int chunkPosition;
    private int chunkLength;

    ExportReader(Path file) {
        this.file = file;
        InputStream opened;
        try {
            opened = Files.newInputStream(file);
        } catch (NoSuchFileException e) {
            throw new PortableException(file + " does not exist");
        } catch (IOException e) {
            throw new PortableException("cannot read " + file + ": " + e.getMessage(), e);
        }
        try {
            this.in = new GZIPInputStream(new BufferedInputStream(opened, 1 << 16), 1 << 16);
        } catch (EOFException | ZipException e) {
            close(opened);
            throw new PortableException(file + " is not a CRM export: it is not gzip-compressed"
                    + " (an export is the .jsonl.gz file written by --export)");
        } catch (IOException e) {
            close(opened);
            throw new PortableException("cannot read " + file + ": " + e.getMessage(), e);
        }
        try {
            this.header = readHeader();
        } catch (RuntimeException e) {
            close(in);
            throw e;
        }
    }

    /** Reads the whole file and checks it, writing nothing; the summary says what an import would write. */
    static Summary verify(Path file) {
        try (ExportReader reader = new ExportReader(file)) {
            List<CollectionInfo> collections = new ArrayList<>();
            Collection open = null;
            long documents = 0;
            long total = 0;
            for (Entry entry = reader.next(); entry != null; entry = reader.next()) {
                if (entry instanceof Collection collection) {
                    if (open != null) {
                        collections.add(new CollectionInfo(open.name(), open.options(), open.indexes(), documents));
                    }
                    open = collection;
                    documents = 0;
                } else {
                    documents++;
                    total++;
                }
            }
            if (open != null) {
                collections.add(new CollectionInfo(open.name(), open.options(), open.indexes(), documents));
            }
            return new Summary(reader.header, collections, total, reader.sha256());
        }
    }

    BsonDocument header() {
        return header;
    }

    /** The checksum the trailer named and the content matched; only after {@link #next()} returned null. */
    String sha256() {
        if (!finished) {
            throw new IllegalStateException("not read to the end");
        }
        return sha256Hex;
    }

    private BsonDocument readHeader() {
        byte[] line = readLine();
        String foreign = file + " is not a CRM export: its first line is not a CRM export header";
        if (line == null) {
            throw new PortableException(file + " is not a CRM export: it is empty");
        }
        BsonDocument parsed;
        try {
            parsed = BsonDocument.parse(decode(line));
        } catch (RuntimeException e) {
            // not JSON, or not UTF-8 text (a PortableException from decode): either way not one of ours
            throw new PortableException(foreign);
        }
        if (!ExportFormat.HEADER.equals(string(parsed, ExportFormat.TYPE))
                || !ExportFormat.NAME.equals(string(parsed, "format"))) {
            throw new PortableException(foreign);
        }
        BsonValue version = parsed.get("formatVersion");
        if (version == null || !version.isNumber()) {
            throw new PortableException(foreign + " (no format version)");
        }
        int formatVersion = version.asNumber().intValue();
        if (formatVersion > ExportFormat.VERSION) {
            throw new PortableException(file + " is in export format version " + formatVersion + " (written by CRM "
                    + string(parsed, "serviceVersion") + "); this CRM (" + ExportFormat.serviceVersion()
                    + ") reads format versions up to " + ExportFormat.VERSION + ": use the newer CRM to import it");
        }
        if (formatVersion < 1 || string(parsed, "exportId") == null) {
            throw new PortableException(foreign + " (format version " + formatVersion + ", export id "
                    + string(parsed, "exportId") + ")");
        }
        digest.update(line);
        return parsed;
    }

    /** The next collection start or document; null after the trailer, once counts and checksum are verified. */
    Entry next() {
        while (true) {
            byte[] line = readLine();
            if (line == null) {
                throw truncated();
            }
            BsonDocument parsed = parse(line);
            String type = string(parsed, ExportFormat.TYPE);
            if (ExportFormat.DOCUMENT.equals(type)) {
                BsonValue document = parsed.get(ExportFormat.DOCUMENT);
                if (current == null || !current.equals(string(parsed, ExportFormat.COLLECTION))) {
                    throw corrupt("a document of collection " + string(parsed, ExportFormat.COLLECTION)
                            + (current == null ? " before any collection" : " among those of " + current));
                }
                if (document == null || !document.isDocument() || !document.asDocument().containsKey("_id")) {
                    throw corrupt("a document line without a document with an _id");
                }
                digest.update(line);
                counts.merge(current, 1L, Long::sum);
                return new Document(current, document.asDocument(), line.length);
            }
            if (ExportFormat.COLLECTION.equals(type)) {
                String name = string(parsed, "name");
                BsonValue options = parsed.get("options");
                BsonValue indexes = parsed.get("indexes");
                if (name == null || name.isEmpty() || options == null || !options.isDocument() || indexes == null
                        || !indexes.isArray() || !indexes.asArray().stream().allMatch(BsonValue::isDocument)) {
                    throw corrupt("a collection line without a name, options or index list");
                }
                if (counts.containsKey(name)) {
                    throw corrupt("collection " + name + " appears twice");
                }
                digest.update(line);
                counts.put(name, 0L);
                current = name;
                return new Collection(name, options.asDocument(),
                        indexes.asArray().stream().map(BsonValue::asDocument).toList());
            }
            if (ExportFormat.TRAILER.equals(type)) {
                checkTrailer(parsed);
                if (readLine() != null) {
                    throw corrupt("data after the trailer");
                }
                finished = true;
                return null;
            }
            throw corrupt("a line of unknown type " + type);
        }
    }

    private void checkTrailer(BsonDocument trailer) {
        String actual = HexFormat.of().formatHex(digest.digest());
        String expected = string(trailer, "sha256");
        BsonValue collections = trailer.get("collections");
        if (expected == null || collections == null || !collections.isDocument()) {
            throw corrupt("a trailer without counts or checksum");
        }
        Map<String, Long> declared = new LinkedHashMap<>();
        for (Map.Entry<String, BsonValue> count : collections.asDocument().entrySet()) {
            if (!count.getValue().isNumber()) {
                throw corrupt("a trailer count that is not a number");
            }
            declared.put(count.getKey(), count.getValue().asNumber().longValue());
        }
        if (!declared.equals(counts)) {
            throw corrupt("the trailer counts " + declared + " but the file holds " + counts);
        }
        if (!expected.equalsIgnoreCase(actual)) {
            throw corrupt("the content's SHA-256 is " + actual + ", the trailer says " + expected);
        }
        sha256Hex = actual;
    }

    private BsonDocument parse(byte[] line) {
        try {
            return BsonDocument.parse(decode(line));
        } catch (PortableException e) {
            throw e;
        } catch (RuntimeException e) {
            throw corrupt("not a JSON object (" + e.getMessage() + ")");
        }
    }

    private String decode(byte[] line) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(line, 0, line.length - 1))
                    .toString();
        } catch (CharacterCodingException e) {
            throw corrupt("not UTF-8 text");
        }
    }

    /** The next line with its '\n' (the bytes the checksum covers), or null at the end of the data. */
    private byte[] readLine() {
        int length = 0;
        try {
            while (true) {
                if (chunkPosition == chunkLength) {
                    chunkLength = in.read(chunk);
                    chunkPosition = 0;
                    if (chunkLength < 0) {
                        chunkLength = 0;
                        if (length == 0) {
                            return null;
                        }
                        // a last line without its newline: the file was cut
                        lineNumber++;
                        throw truncated();
                    }
                }
                int end = chunkPosition;
                while (end < chunkLength && chunk[end] != '\n') {
                    end++;
                }
                boolean complete = end < chunkLength;
                int take = (complete ? end + 1 : end) - chunkPosition;
                if (length + take > buffer.length) {
                    if (length + take > ExportFormat.MAX_LINE_BYTES) {
                        lineNumber++;
                        throw corrupt("a line longer than " + (ExportFormat.MAX_LINE_BYTES >> 20) + " MiB");
                    }
                    buffer = Arrays.copyOf(buffer, Math.min(Math.max(buffer.length * 2, length + take),
                            ExportFormat.MAX_LINE_BYTES));
                }
                System.arraycopy(chunk, chunkPosition, buffer, length, take);
                length += take;
                chunkPosition += take;
                if (complete) {
                    lineNumber++;
                    return Arrays.copyOf(buffer, length);
                }
            }
        } catch (EOFException e) {
            lineNumber++;
            throw truncated();
        } catch (ZipException e) {
            throw new PortableException(file + " is corrupt: its compressed data is damaged (" + e.getMessage()
                    + ") near line " + (lineNumber + 1));
        } catch (IOException e) {
            throw new PortableException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private PortableException truncated() {
        return new PortableException(file + " is truncated: it ends at line " + lineNumber + " without the export's "
                + "trailer (the export did not finish, or the copy was cut short); copy the whole file or export again");
    }

    private PortableException corrupt(String what) {
        return new PortableException(file + " is corrupt at line " + lineNumber + ": " + what);
    }

    private static String string(BsonDocument document, String key) {
        BsonValue value = document.get(key);
        return value != null && value.isString() ? value.asString().getValue() : null;
    }

    @Override
    public void close() {
        close(in);
    }

    private static void close(InputStream stream) {
        try {
            stream.close();
        } catch (IOException e) {
            // reading only: nothing to lose
        }
    }
}
