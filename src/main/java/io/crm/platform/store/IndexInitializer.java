package io.crm.platform.store;

import java.util.List;

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
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class IndexInitializer implements SmartInitializingSingleton {

    private static final Logger log = LoggerFactory.getLogger(IndexInitializer.class);

    private final MongoTemplate mongo;
    private final List<CollectionIndexes> declarations;

    public IndexInitializer(MongoTemplate mongo, List<CollectionIndexes> declarations) {
        this.mongo = mongo;
        this.declarations = declarations;
    }

    @Override
    public void afterSingletonsInstantiated() {
        int count = 0;
        for (CollectionIndexes declaration : declarations) {
            if (!declaration.indexes().isEmpty()) {
                mongo.getCollection(declaration.collection()).createIndexes(declaration.indexes());
                count += declaration.indexes().size();
            }
        }
        log.info("Ensured {} indexes on {} collections", count, declarations.size());
    }
}
