package io.crm.store;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.stereotype.Component;

/**
 * The unique indexes in force on the store, as {@link IndexInitializer} left them at start: every declared one it
 * built, not those it had to skip over duplicate data written by the original service. A write that would break an
 * index in force fails by itself (E11000, answered 409), so the services skip their look-before-write for it: one
 * store round trip less per create or change. Where an index is missing, they still look first.
 */
@Component
public class UniqueIndexes {

    private final Set<String> built = ConcurrentHashMap.newKeySet();

    /** Whether the unique index {@code index} of {@code collection} was built (or found) at start. */
    public boolean enforced(String collection, String index) {
        return built.contains(key(collection, index));
    }

    void built(String collection, String index) {
        built.add(key(collection, index));
    }

    private static String key(String collection, String index) {
        return collection + '/' + index;
    }
}
