package io.crm.store;

import java.util.List;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoCommandException;
import com.mongodb.MongoException;
import com.mongodb.MongoSocketReadTimeoutException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.IndexModel;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.stereotype.Component;

/**
 * Creates every declared index before the service takes traffic. {@code createIndexes} with an identical definition
 * is a no-op on MongoDB, so this is idempotent across restarts and replicas.
 *
 * <p>A unique index that cannot be built because the collection already holds duplicates (data written by the
 * original service, which allowed them) is logged as a warning and skipped, and startup continues: the services
 * still refuse new duplicates with their own checks (409). So is a build that outlasts the socket timeout (a new
 * index on a large collection): the store finishes it while the service runs. Any other failure stops startup. The
 * unique indexes built are noted in {@link UniqueIndexes}: where one is in force, the services leave the refusal to
 * it.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class IndexInitializer implements SmartInitializingSingleton {

    private static final Logger log = LoggerFactory.getLogger(IndexInitializer.class);

    private final MongoTemplate mongo;
    private final List<CollectionIndexes> declarations;
    private final UniqueIndexes unique;

    public IndexInitializer(MongoTemplate mongo, List<CollectionIndexes> declarations, UniqueIndexes unique) {
        this.mongo = mongo;
        this.declarations = declarations;
        this.unique = unique;
    }

    /** What one {@code createIndexes} call came to. */
    enum Outcome {
        BUILT,
        /** A unique index that the existing data violates (a multi-index build may have stopped at it). */
        DUPLICATES,
        /**
         * The build outlasted the socket timeout. The server goes on building (a client that goes away does not stop
         * a build), so startup goes on without it; restarting would only wait again.
         */
        STILL_BUILDING
    }

    @Override
    public void afterSingletonsInstantiated() {
        int count = 0;
        int skipped = 0;
        int building = 0;
        for (CollectionIndexes declaration : declarations) {
            if (declaration.indexes().isEmpty()) {
                continue;
            }
            String name = declaration.collection();
            MongoCollection<Document> collection = mongo.getCollection(name);
            List<IndexModel> indexes = declaration.indexes();
            switch (create(collection, indexes)) {
                case BUILT -> {
                    count += indexes.size();
                    indexes.forEach(index -> built(name, index));
                }
                case STILL_BUILDING -> {
                    building += indexes.size();
                    log.warn("Indexes on {} were still being built when the store's socket timeout ran out; startup "
                            + "continues while the store finishes them, and the next start uses them", name);
                }
                case DUPLICATES -> {
                    // Build them one at a time so only the impossible ones are missing.
                    for (IndexModel index : indexes) {
                        switch (create(collection, List.of(index))) {
                            case BUILT -> {
                                count++;
                                built(name, index);
                            }
                            case STILL_BUILDING -> {
                                building++;
                                log.warn("Index {} on {} was still being built when the store's socket timeout ran "
                                        + "out; startup continues while the store finishes it, and the next start "
                                        + "uses it", index.getOptions().getName(), name);
                            }
                            case DUPLICATES -> {
                                skipped++;
                                log.warn("Unique index {} on {} {} was NOT created: the collection already holds "
                                                + "duplicate values for it. Startup continues and new duplicates are "
                                                + "still refused by the service; remove the duplicates and restart "
                                                + "to build the index.",
                                        index.getOptions().getName(), name, index.getKeys());
                            }
                        }
                    }
                }
            }
        }
        for (CollectionIndexes declaration : declarations) {
            dropRetired(mongo.getCollection(declaration.collection()), declaration.retired());
        }
        log.info("Ensured {} indexes on {} collections{}{}", count, declarations.size(),
                skipped > 0 ? " (" + skipped + " unique indexes skipped because of duplicate data)" : "",
                building > 0 ? " (" + building + " still being built by the store)" : "");
    }

    /**
     * Creates the indexes; an index that is not built is not noted in {@link UniqueIndexes}, so its uniqueness rule
     * is looked up before each write. Any failure other than the two outcomes stops startup.
     */
    static Outcome create(MongoCollection<Document> collection, List<IndexModel> indexes) {
        try {
            collection.createIndexes(indexes);
            return Outcome.BUILT;
        } catch (MongoSocketReadTimeoutException e) {
            return Outcome.STILL_BUILDING;
        } catch (MongoException e) {
            if (isDuplicateKey(e)) {
                return Outcome.DUPLICATES;
            }
            throw e;
        }
    }

    private void built(String collection, IndexModel index) {
        if (index.getOptions().isUnique() && index.getOptions().getName() != null) {
            unique.built(collection, index.getOptions().getName());
        }
    }

    /** Drops the retired indexes that exist; another replica dropping one at the same time is no failure. */
    private static void dropRetired(MongoCollection<Document> collection, List<String> retired) {
        if (retired.isEmpty()) {
            return;
        }
        java.util.Set<String> present = new java.util.HashSet<>();
        collection.listIndexes().forEach(index -> present.add(index.getString("name")));
        for (String name : retired) {
            if (!present.contains(name)) {
                continue;
            }
            try {
                collection.dropIndex(name);
                log.info("Dropped index {} on {}: replaced by another and used by no query", name,
                        collection.getNamespace().getCollectionName());
            } catch (MongoCommandException e) {
                if (e.getErrorCode() != INDEX_NOT_FOUND) {
                    throw e;
                }
            }
        }
    }

    /** MongoDB's IndexNotFound. */
    private static final int INDEX_NOT_FOUND = 27;

    static boolean isDuplicateKey(MongoException e) {
        return ErrorCategory.fromErrorCode(e.getCode()) == ErrorCategory.DUPLICATE_KEY;
    }
}
