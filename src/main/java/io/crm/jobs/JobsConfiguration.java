package io.crm.jobs;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import com.mongodb.client.model.IndexModel;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import io.crm.store.CollectionIndexes;
import net.javacrumbs.shedlock.core.ExtensibleLockProvider;
import net.javacrumbs.shedlock.core.LockProvider;
import net.javacrumbs.shedlock.provider.mongo.MongoLockProvider;
import net.javacrumbs.shedlock.support.KeepAliveLockProvider;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.mongodb.core.MongoTemplate;

/** Leases, the job log and the scheduler that ticks every {@link LeasedJob} bean. */
@Configuration(proxyBeanMethods = false)
public class JobsConfiguration {

    /** Leases live in MongoDB ({@code shedLock} collection), so every replica sees the same holder. */
    @Bean
    LockProvider lockProvider(MongoTemplate mongo) {
        return new MongoLockProvider(mongo.getDb());
    }

    @Bean
    JobLog jobLog(MongoTemplate mongo, Clock clock, JobsProperties properties) {
        return new JobLog(mongo.getCollection(JobLog.COLLECTION), clock, properties.keepRuns());
    }

    /**
     * Jobs' leases are kept alive while their run lasts (ShedLock's keep-alive extends them every half lease), so a
     * slow run never loses its lease to another replica; only a dead replica's lease runs out.
     */
    @Bean
    JobLeases jobLeases(LockProvider locks, JobLog log, JobsProperties properties, LeaseKeepAlive keepAlive) {
        return new JobLeases(new KeepAliveLockProvider((ExtensibleLockProvider) locks, keepAlive.executor()), log,
                instanceId(properties.instanceId()), properties.lease());
    }

    /** Not a ScheduledExecutorService bean: one of those would take the place of Boot's TaskScheduler. */
    @Bean(destroyMethod = "close")
    LeaseKeepAlive leaseKeepAlive() {
        return new LeaseKeepAlive(Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "lease-keep-alive");
            t.setDaemon(true);
            return t;
        }));
    }

    /** The thread that renews the leases of running jobs. */
    record LeaseKeepAlive(ScheduledExecutorService executor) implements AutoCloseable {
        @Override
        public void close() {
            executor.shutdownNow();
        }
    }

    @Bean
    JobScheduler jobScheduler(JobLeases leases, ObjectProvider<LeasedJob> jobs) {
        return new JobScheduler(leases, jobs.orderedStream().toList());
    }

    @Bean
    ExpiredDocuments expiredDocuments(MongoTemplate mongo, ObjectProvider<CollectionIndexes> declared, Clock clock,
                                      JobsProperties properties) {
        return new ExpiredDocuments(mongo.getDb(), declared.orderedStream().toList(), clock,
                properties.expiryEvery());
    }

    /** A job's runs, newest first; and the log's expiry. */
    @Bean
    CollectionIndexes jobRunIndexes() {
        return new CollectionIndexes(JobLog.COLLECTION, List.of(
                new IndexModel(Indexes.compoundIndex(Indexes.ascending("job"), Indexes.descending("startedAt")),
                        new IndexOptions().name("job_runs_job_started")),
                new IndexModel(Indexes.ascending("expireAt"),
                        new IndexOptions().name("job_runs_expiry").expireAfter(0L, TimeUnit.SECONDS))));
    }

    /** The configured name, else host name and process id: unique per pod, and per process on one machine. */
    static String instanceId(String configured) {
        if (configured != null && !configured.isBlank()) {
            return configured.strip();
        }
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "localhost";
        }
        return host + "/" + ProcessHandle.current().pid();
    }
}
