package io.crm.store;

import java.util.List;

import com.mongodb.client.model.IndexModel;

/**
 * The indexes one collection relies on, declared in code by the feature that owns the collection. Every declared
 * {@code CollectionIndexes} bean is created at startup by {@link IndexInitializer}; the index-coverage test reads the
 * same declarations, so a query without an index fails the build.
 *
 *
 * @param retired names of indexes an earlier version declared on this collection and no query uses any more (their
 *                keys changed under a new name): dropped at startup, so writes stop maintaining them
 */
public record CollectionIndexes(String collection, List<IndexModel> indexes, List<String> retired) {

    public CollectionIndexes(String collection, List<IndexModel> indexes) {
        this(collection, indexes, List.of());
    }
}
