package io.crm.security;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.crm.events.ChangeTokens;
import io.crm.events.EventSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;

/**
 * Keeps this replica's API token cache in step with changes made on the others. Every check reads the store's change
 * tokens of users and tokens ({@link ChangeTokens}: replaced by the event relay whenever it hands on a change of
 * either) and drops the whole cache when one of them moved, or while a change still waits in an outbox to be relayed.
 * A revocation, a disabled user or a new role made on another replica so stops counting here at the next check (every
 * {@code crm.security.tokens.cache-check}, 1 s by default), not after the cache's whole lifetime; the lifetime stays
 * the bound when the store cannot be read. A check is six indexed reads, whatever the traffic.
 */
final class TokenCacheWatch implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(TokenCacheWatch.class);

    private final ChangeTokens changes;
    private final List<EventSource> watched;
    private final ApiTokenService tokens;
    private final Duration every;
    /** The change tokens at the last check, in {@link #watched}'s order; null when unknown or a change was pending. */
    private List<Object> seen;
    private volatile ScheduledExecutorService executor;

    TokenCacheWatch(ChangeTokens changes, List<EventSource> watched, ApiTokenService tokens, Duration every) {
        this.changes = changes;
        this.watched = List.copyOf(watched);
        this.tokens = tokens;
        this.every = every;
    }

    /** One check: drops the cache unless nothing of users and tokens changed since the last one. */
    synchronized void check() {
        List<Object> now = new ArrayList<>(watched.size());
        for (EventSource source : watched) {
            Optional<Object> token = changes.current(source);
            if (token.isEmpty()) {
                // a change waits to be relayed: it may be one this replica has not heard of
                tokens.forgetAll();
                seen = null;
                return;
            }
            now.add(token.get());
        }
        if (!now.equals(seen)) {
            tokens.forgetAll();
            seen = now;
        }
    }

    private void tick() {
        try {
            check();
        } catch (RuntimeException e) {
            // the store unreachable: the cache's lifetime still bounds what this replica may miss
            log.warn("token cache check skipped: {}", String.valueOf(e));
        }
    }

    @Override
    public synchronized void start() {
        if (!tokens.caches() || every.isZero()) {
            return;
        }
        ScheduledExecutorService pool = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "token-cache-watch");
            t.setDaemon(true);
            return t;
        });
        long millis = every.toMillis();
        pool.scheduleWithFixedDelay(this::tick, millis, millis, TimeUnit.MILLISECONDS);
        executor = pool;
    }

    @Override
    public synchronized void stop() {
        ScheduledExecutorService pool = executor;
        if (pool != null) {
            pool.shutdownNow();
            executor = null;
        }
    }

    @Override
    public boolean isRunning() {
        return executor != null;
    }
}
