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

    @Override
    public void afterSingletonsInstantiated() {
        int count = 0;
        int skipped = 0;
        int building = 0;
        for (CollectionIndexes declaration : declarations) {
            if (declaration.indexes().isEmpty()) {
                continue;
            }
            MongoCollection<Document> collection = mongo.getCollection(declaration.collection());
            try {
                collection.createIndexes(declaration.indexes());
                count += declaration.indexes().size();
                declaration.indexes().forEach(index -> built(declaration.collection(), index));
            } catch (MongoSocketReadTimeoutException e) {
                // A new index on a large collection can take longer to build than the socket timeout. The server goes
                // on building it (a client that goes away does not stop a build), so startup goes on without it: none
                // of them is noted as built, so their uniqueness rules are looked up before each write until the next
                // start, which finds them built. Stopping here would only restart into the same wait.
                building += declaration.indexes().size();
                log.warn("Indexes on {} were still being built when the store's socket timeout ran out; startup "
                        + "continues while the store finishes them, and the next start uses them",
                        declaration.collection());
            } catch (MongoException e) {
                if (!isDuplicateKey(e)) {
                    throw e;
                }
                // One of them cannot be built over the existing data (and a multi-index build may have stopped at
                // it): build them one at a time so only the impossible ones are missing.
                for (IndexModel index : declaration.indexes()) {
                    try {
                        collection.createIndexes(List.of(index));
                        count++;
                        built(declaration.collection(), index);
                    } catch (MongoException one) {
                        if (!isDuplicateKey(one)) {
                            throw one;
                        }
                        skipped++;
                        log.warn("Unique index {} on {} {} was NOT created: the collection already holds duplicate "
                                        + "values for it. Startup continues and new duplicates are still refused by "
                                        + "the service; remove the duplicates and restart to build the index.",
                                index.getOptions().getName(), declaration.collection(), index.getKeys());
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
