package io.crm.jobs;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.mongodb.client.model.IndexModel;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import io.crm.store.CollectionIndexes;
import net.javacrumbs.shedlock.core.LockProvider;
import net.javacrumbs.shedlock.provider.mongo.MongoLockProvider;

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

    @Bean
    JobLeases jobLeases(LockProvider locks, JobLog log, JobsProperties properties) {
        return new JobLeases(locks, log, instanceId(properties.instanceId()), properties.lease());
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
                new IndexModel(Indexes.ascending("expiresAt"),
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
