package io.crm.jobs;

import java.time.Duration;

/**
 * A periodic job that one replica at a time runs: every replica ticks every {@link #every()}, and a tick runs the job
 * only when its lease is free. A run that finishes keeps the lease for most of the interval, so the fleet runs the
 * job about once per interval, whichever replica it is; a replica that dies leaves the lease to another within an
 * interval or two (or {@code crm.jobs.lease} when it died during a run).
 */
public interface LeasedJob {

    /** The lease's and the job log's name (e.g. {@code feed-retention}). */
    String name();

    /** The pause between ticks (and before the first). */
    Duration every();

    /** The longest one run may hold the lease; null: {@code crm.jobs.lease}. */
    default Duration lease() {
        return null;
    }

    /** False: the job is not scheduled at all (e.g. mail off). */
    default boolean enabled() {
        return true;
    }

    /** One run; returns what it did, in a few words, for the job log. An exception marks the run failed. */
    String run();
}
