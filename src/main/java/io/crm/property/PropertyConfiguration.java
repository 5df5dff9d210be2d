package io.crm.property;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

import io.crm.jobs.JobLeases;
import io.crm.jobs.JobsProperties;
import io.crm.jobs.LeasedJob;
import io.crm.record.RecordService;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.task.TaskExecutor;
import org.springframework.data.mongodb.core.MongoTemplate;

@Configuration(proxyBeanMethods = false)
public class PropertyConfiguration {

    @Bean
    PropertyService propertyService(MongoTemplate mongo, PropertyDefinitions definitions,
                                    List<RecordService<?>> services, PropertyLimits limits, Clock clock) {
        return new PropertyService(mongo.getCollection(CustomProperties.COLLECTION), definitions, services,
                limits.maxPerObject(), clock);
    }

    @Bean
    PropertyRewrites propertyRewrites(MongoTemplate mongo, PropertyService properties,
                                      PropertyDefinitions definitions, Clock clock, JobLeases leases) {
        return new PropertyRewrites(mongo.getCollection(PropertyRewrites.COLLECTION), properties.records(),
                definitions, clock, leases.instance());
    }

    /**
     * Finishes the record rewrites no replica is running (too large for the change's request, or cut short by a
     * replica's end), once for the fleet; a change with a large rewrite starts a run at once on its replica.
     */
    @Bean
    LeasedJob propertyRewriteJob(PropertyService properties, PropertyRewrites rewrites, JobsProperties jobs,
                                 JobLeases leases,
                                 @org.springframework.beans.factory.annotation.Qualifier("applicationTaskExecutor")
                                 TaskExecutor executor) {
        LeasedJob job = new LeasedJob() {
            @Override
            public String name() {
                return "property-rewrites";
            }

            @Override
            public Duration every() {
                return jobs.rewritesEvery();
            }

            @Override
            public String run() {
                return "finished " + rewrites.resume() + " property rewrites";
            }
        };
        properties.rewrites(rewrites, () -> executor.execute(() -> leases.runNow(job)));
        return job;
    }
}
