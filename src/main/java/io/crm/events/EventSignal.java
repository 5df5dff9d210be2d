package io.crm.events;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What this process just wrote events into: the collections and ids, so the relay of this process looks at exactly
 * those documents (an {@code _id} lookup, cheap on every store, the embedded one included) right away instead of
 * searching every collection. Only a hint: the relay also searches every collection now and then
 * ({@code crm.events.scan-every}), which finds events written by other replicas or left by a crash. Bounded: past
 * {@value #MAX_HINTS} ids the hints are dropped and the next search finds those documents instead.
 */
public final class EventSignal {

    static final int MAX_HINTS = 10_000;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition raised = lock.newCondition();
    private Map<String, Set<Object>> hints = new HashMap<>();
    private int size;
    private boolean overflowed;
    private boolean pending;

    /** Events were written into these documents of {@code collection}. */
    public void raise(String collection, Iterable<?> ids) {
        lock.lock();
        try {
            for (Object id : ids) {
                if (size >= MAX_HINTS) {
                    overflowed = true;
                    break;
                }
                if (hints.computeIfAbsent(collection, c -> new HashSet<>()).add(id)) {
                    size++;
                }
            }
            pending = true;
            raised.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Wakes the relay with nothing to look at in particular (shutdown, a write whose documents are not known). */
    public void raise() {
        lock.lock();
        try {
            pending = true;
            raised.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Waits until raised or {@code millis} pass; clears the signal (not the hints). */
    public void await(long millis) throws InterruptedException {
        lock.lock();
        try {
            long nanos = TimeUnit.MILLISECONDS.toNanos(millis);
            while (!pending && nanos > 0) {
                nanos = raised.awaitNanos(nanos);
            }
            pending = false;
        } finally {
            lock.unlock();
        }
    }

    /** The hints so far, cleared; {@link Hints#overflowed()} when some were dropped (search everything). */
    public Hints take() {
        lock.lock();
        try {
            Hints taken = new Hints(hints, overflowed);
            hints = new HashMap<>();
            size = 0;
            overflowed = false;
            return taken;
        } finally {
            lock.unlock();
        }
    }

    /** Documents by collection that this process wrote events into. */
    public record Hints(Map<String, Set<Object>> byCollection, boolean overflowed) {

        public boolean isEmpty() {
            return byCollection.isEmpty() && !overflowed;
        }
    }
}
