package io.crm.events;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * What a replica computed from a whole collection (the pipeline totals, a search's total), kept under the
 * collection's {@link ChangeTokens} token and used again while the token stays; computed anew (and not kept) while a
 * change of the collection waits to be relayed. One computation per key at a time, on the asking thread: requests
 * asking meanwhile wait for its result, or get its exception (which is never kept).
 */
public final class KeptUntilChanged<K, V> {

    private record Key<K>(K key, Object token) {
    }

    private final ChangeTokens tokens;
    private final AsyncCache<Key<K>, V> kept;

    public KeptUntilChanged(ChangeTokens tokens, long maximumSize) {
        this.tokens = tokens;
        this.kept = Caffeine.newBuilder().maximumSize(maximumSize).buildAsync();
    }

    public V get(EventSource source, K key, Supplier<V> compute) {
        Optional<Object> token = tokens.current(source);
        if (token.isEmpty()) {
            return compute.get();
        }
        CompletableFuture<V> mine = new CompletableFuture<>();
        CompletableFuture<V> earlier = kept.asMap().putIfAbsent(new Key<>(key, token.get()), mine);
        if (earlier != null) {
            try {
                return earlier.join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException cause ? cause : e;
            }
        }
        try {
            V value = compute.get();
            mine.complete(value);
            return value;
        } catch (RuntimeException | Error e) {
            // a failed future leaves the cache: the next ask computes again
            mine.completeExceptionally(e);
            throw e;
        }
    }
}
