package io.crm.audit;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

import com.mongodb.client.model.IndexModel;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import io.crm.events.Actors;
import io.crm.platform.store.CollectionIndexes;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.FixedDelayTask;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;

@Configuration(proxyBeanMethods = false)
@EnableScheduling
public class AuditConfiguration {

    @Bean
    AuditLog auditLog(MongoTemplate mongo, Actors actors, Clock clock) {
        return new AuditLog(mongo.getCollection(AuditLog.COLLECTION), actors, clock);
    }

    @Bean
    AuditReconciler auditReconciler(AuditLog audit, MongoTemplate mongo, List<AuditedCollection> collections,
                                    Clock clock, AuditProperties properties) {
        return new AuditReconciler(audit, mongo.getDb(), collections, clock, properties.settleAfter());
    }

    @Bean
    ReconcileSchedule auditReconcileSchedule(AuditReconciler reconciler, AuditProperties properties) {
        return new ReconcileSchedule(reconciler, properties.reconcileEvery());
    }

    /** Every query on audit events is served by one of these (see docs/indexes.md). */
    @Bean
    CollectionIndexes auditCollectionIndexes() {
        return new CollectionIndexes(AuditLog.COLLECTION, List.of(
                new IndexModel(Indexes.compoundIndex(Indexes.ascending("entityType", "entityId"),
                        Indexes.descending("_id")), new IndexOptions().name("audit_entity")),
                new IndexModel(Indexes.compoundIndex(Indexes.ascending("entityType"), Indexes.descending("_id")),
                        new IndexOptions().name("audit_entity_type")),
                new IndexModel(Indexes.compoundIndex(Indexes.ascending("actorId"), Indexes.descending("_id")),
                        new IndexOptions().name("audit_actor")),
                new IndexModel(Indexes.ascending("entityId", "version", "state"),
                        new IndexOptions().name("audit_entity_version")),
                new IndexModel(Indexes.ascending("state", "at"), new IndexOptions().name("audit_state"))));
    }

    /**
     * Settles pending events every {@code crm.audit.reconcile-every} (the first run that long after start). Registered
     * here rather than with {@code @Scheduled} so the interval comes from the bound, validated {@link AuditProperties}.
     */
    static final class ReconcileSchedule implements SchedulingConfigurer {

        private final AuditReconciler reconciler;
        private final Duration every;

        ReconcileSchedule(AuditReconciler reconciler, Duration every) {
            this.reconciler = reconciler;
            this.every = every;
        }

        @Override
        public void configureTasks(ScheduledTaskRegistrar registrar) {
            registrar.addFixedDelayTask(new FixedDelayTask(this::run, every, every));
        }

        void run() {
            try {
                reconciler.reconcile();
            } catch (RuntimeException e) {
                // the database may be down; the next run tries again
                org.slf4j.LoggerFactory.getLogger(AuditReconciler.class)
                        .warn("audit reconcile failed: {}", e.getClass().getSimpleName());
            }
        }
    }
}
