package io.crm.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import com.mongodb.MongoCommandException;
import com.mongodb.MongoException;
import com.mongodb.MongoNodeIsRecoveringException;
import com.mongodb.MongoNotPrimaryException;
import com.mongodb.MongoSocketException;
import com.mongodb.ReadConcern;
import com.mongodb.client.FindIterable;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import org.bson.BsonArray;
import org.bson.BsonBoolean;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.bson.Document;
import org.bson.RawBsonDocument;
import org.bson.codecs.Codec;
import org.bson.conversions.Bson;

/**
 * Reads of one or a few documents (by id, by a unique key) as one {@code find} command whose reply is kept as raw
 * bytes and decoded once. The driver's own find builds a new codec registry for its reply on every call (driver 5.6,
 * {@code FindOperation} with {@code CommandResultDocumentCodec.create}): about 5 % of the service's CPU on a read by
 * id, and a third of what it allocates (BENCHMARKS.md). The command on the wire is the one the driver sends, with the
 * collection's read preference and read concern.
 *
 * <p>Two cases go through the driver's find instead: a read inside a transaction (its session is bound to the
 * thread, {@link StoreTransactions}), and a read cut short by an error the driver would have retried (a failover, a
 * dropped connection), which is repeated once that way.
 *
 * <p>It serves the reads on a request's path: a record by id ({@code RecordStore}), a legacy person by
 * {@code person_id}. Reads elsewhere (start-up, jobs, the relay's batches, lists through a cursor) keep the driver's
 * find, where the codec build is a small share of the work.
 */
public final class PointReads {

    /** Most documents one read returns: it is for lookups, a list pages through a cursor. */
    public static final int MAX = 100;

    /** The server's codes for a read worth repeating that the driver does not turn into an exception type of its own. */
    private static final Set<Integer> RETRYABLE_CODES = Set.of(6, 7, 89, 134, 262, 9001);

    private final MongoDatabase database;
    private final MongoCollection<Document> collection;
    private final Codec<Document> codec;
    private final BsonString name;

    public PointReads(MongoDatabase database, MongoCollection<Document> collection) {
        this.database = database;
        this.collection = collection;
        this.codec = collection.getCodecRegistry().get(Document.class);
        this.name = new BsonString(collection.getNamespace().getCollectionName());
    }

    /** The first document matching {@code filter} (in the store's natural order), or null: {@code find().first()}. */
    public Document first(Bson filter) {
        List<Document> found = find(filter, null, 1);
        return found.isEmpty() ? null : found.get(0);
    }

    /**
     * At most {@code limit} ({@value #MAX} at most) documents matching {@code filter}, in {@code sort} order (null: the
     * store's natural order). A result of {@code limit} documents may leave others out.
     */
    public List<Document> find(Bson filter, Bson sort, int limit) {
        if (limit < 1 || limit > MAX) {
            throw new IllegalArgumentException("limit must be 1 to " + MAX + ": " + limit);
        }
        if (StoreTransactions.current().isPresent()) {
            return viaDriver(filter, sort, limit);
        }
        try {
            return decode(database.runCommand(command(filter, sort, limit), collection.getReadPreference(),
                    RawBsonDocument.class));
        } catch (MongoException e) {
            if (!retryable(e)) {
                throw e;
            }
            return viaDriver(filter, sort, limit);
        }
    }

    private BsonDocument command(Bson filter, Bson sort, int limit) {
        BsonDocument command = new BsonDocument("find", name)
                .append("filter", filter.toBsonDocument(Document.class, collection.getCodecRegistry()));
        if (sort != null) {
            command.append("sort", sort.toBsonDocument(Document.class, collection.getCodecRegistry()));
        }
        // singleBatch: the server answers in one reply and keeps no cursor open, as the driver's first() asks
        command.append("limit", new BsonInt32(limit)).append("singleBatch", BsonBoolean.TRUE);
        ReadConcern readConcern = collection.getReadConcern();
        if (!readConcern.isServerDefault()) {
            command.append("readConcern", readConcern.asDocument());
        }
        return command;
    }

    private List<Document> decode(RawBsonDocument reply) {
        BsonArray batch = reply.getDocument("cursor").getArray("firstBatch");
        List<Document> documents = new ArrayList<>(batch.size());
        for (BsonValue value : batch) {
            documents.add(((RawBsonDocument) value.asDocument()).decode(codec));
        }
        return documents;
    }

    private List<Document> viaDriver(Bson filter, Bson sort, int limit) {
        FindIterable<Document> find = collection.find(filter).limit(limit);
        if (sort != null) {
            find.sort(sort);
        }
        return find.into(new ArrayList<>());
    }

    /** What the driver's retryable reads repeat once: network errors and a primary that stepped down or restarts. */
    static boolean retryable(MongoException e) {
        return e instanceof MongoSocketException || e instanceof MongoNotPrimaryException
                || e instanceof MongoNodeIsRecoveringException
                || (e instanceof MongoCommandException command && RETRYABLE_CODES.contains(command.getErrorCode()));
    }
}
