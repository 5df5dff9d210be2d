package io.crm.jobs;

import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;

/** Ticks every enabled {@link LeasedJob} on this replica, each every its interval (the first one interval after start). */
final class JobScheduler implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(JobScheduler.class);

    private final JobLeases leases;
    private final List<LeasedJob> jobs;
    private volatile ScheduledExecutorService executor;

    JobScheduler(JobLeases leases, List<LeasedJob> jobs) {
        this.leases = leases;
        this.jobs = jobs;
    }

    @Override
    public synchronized void start() {
        List<LeasedJob> enabled = jobs.stream().filter(LeasedJob::enabled).toList();
        // two threads: a slow job (an IMAP poll) does not hold up the others
        ScheduledExecutorService pool = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "leased-jobs");
            t.setDaemon(true);
            return t;
        });
        for (LeasedJob job : enabled) {
            long every = job.every().toMillis();
            pool.scheduleWithFixedDelay(() -> tick(job), every, every, TimeUnit.MILLISECONDS);
        }
        executor = pool;
        log.info("leased jobs on instance {}: {}", leases.instance(),
                enabled.stream().map(j -> j.name() + " every " + j.every()).toList());
    }

    private void tick(LeasedJob job) {
        try {
            leases.tick(job);
        } catch (RuntimeException e) {
            // the store unreachable: the lease and the log live there; the next tick tries again
            log.warn("job {} skipped: {}", job.name(), String.valueOf(e));
        }
    }

    @Override
    public synchronized void stop() {
        ScheduledExecutorService pool = executor;
        if (pool == null) {
            return;
        }
        pool.shutdown();
        try {
            if (!pool.awaitTermination(10, TimeUnit.SECONDS)) {
                pool.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        executor = null;
    }

    @Override
    public boolean isRunning() {
        return executor != null;
    }

    /** Stops after the web server (phases DEFAULT_PHASE - 1024 and - 2048), like the event relay. */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 4096;
    }
}
