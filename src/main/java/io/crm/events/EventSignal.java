package io.crm.events;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Wakes this process's relay when a write here made events, so a change reaches consumers in milliseconds rather
 * than at the next poll. Only a hint: the relay also polls, which finds events written by other replicas or left by
 * a crash.
 */
public final class EventSignal {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition raised = lock.newCondition();
    private boolean pending;

    public void raise() {
        lock.lock();
        try {
            pending = true;
            raised.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Waits until raised or {@code millis} pass; clears the signal. */
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
}
