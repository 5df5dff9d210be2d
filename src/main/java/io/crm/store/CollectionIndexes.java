package io.crm.store;

import java.util.List;

import com.mongodb.client.model.IndexModel;

/**
 * The indexes one collection relies on, declared in code by the feature that owns the collection. Every declared
 * {@code CollectionIndexes} bean is created at startup by {@link IndexInitializer}; the index-coverage test reads the
 * same declarations, so a query without an index fails the build.
 */
public record CollectionIndexes(String collection, List<IndexModel> indexes) {
}
