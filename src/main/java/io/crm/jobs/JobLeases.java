package io.crm.jobs;

import java.time.Duration;
import java.util.Optional;

import net.javacrumbs.shedlock.core.ClockProvider;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.LockProvider;
import net.javacrumbs.shedlock.core.SimpleLock;
import org.bson.types.ObjectId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@link LeasedJob} when this replica gets its lease, and logs the run. The lease is ShedLock's (collection
 * {@code shedLock}), taken with ShedLock's wall clock: a service clock moved ahead in a test must not stretch it.
 */
public final class JobLeases {

    private static final Logger log = LoggerFactory.getLogger(JobLeases.class);

    private final LockProvider locks;
    private final JobLog runs;
    private final String instance;
    private final Duration lease;

    JobLeases(LockProvider locks, JobLog runs, String instance, Duration lease) {
        this.locks = locks;
        this.runs = runs;
        this.instance = instance;
        this.lease = lease;
    }

    /** This replica's name in the job log. */
    public String instance() {
        return instance;
    }

    /**
     * One tick: runs the job if its lease is free, and returns whether it ran. A finished run keeps the lease for most
     * of the interval (ShedLock's lock-at-least-for), so other replicas' ticks in that time do nothing. While a run
     * lasts its lease is renewed; a replica that dies during a run leaves it for {@code crm.jobs.lease} (unless the
     * job says otherwise) at most.
     */
    public boolean tick(LeasedJob job) {
        Duration atMost = job.lease() == null ? lease : job.lease();
        Duration atLeast = job.every().multipliedBy(9).dividedBy(10);
        return run(job, atMost, atLeast.compareTo(atMost) > 0 ? atMost : atLeast);
    }

    /** Runs the job now if no replica is running it (an admin's "now", a test), keeping the lease only while it runs. */
    public boolean runNow(LeasedJob job) {
        return run(job, job.lease() == null ? lease : job.lease(), Duration.ZERO);
    }

    private boolean run(LeasedJob job, Duration atMost, Duration atLeast) {
        Optional<SimpleLock> held = locks.lock(new LockConfiguration(ClockProvider.now(), job.name(), atMost, atLeast));
        if (held.isEmpty()) {
            return false;
        }
        try {
            ObjectId run = runs.started(job.name(), instance);
            boolean ok = false;
            String detail;
            try {
                detail = job.run();
                ok = true;
            } catch (RuntimeException e) {
                detail = String.valueOf(e);
                log.warn("job {} failed: {}", job.name(), detail);
            }
            runs.ended(run, ok, detail);
        } finally {
            held.get().unlock();
        }
        return true;
    }
}
