package io.crm.audit;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

import com.mongodb.client.model.IndexModel;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import io.crm.platform.store.CollectionIndexes;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;

@Configuration(proxyBeanMethods = false)
@EnableScheduling
public class AuditConfiguration {

    @Bean
    AuditLog auditLog(MongoTemplate mongo, Actors actors, Clock clock) {
        return new AuditLog(mongo.getCollection(AuditLog.COLLECTION), actors, clock);
    }

    @Bean
    AuditReconciler auditReconciler(AuditLog audit, MongoTemplate mongo, List<AuditedCollection> collections,
                                    Clock clock, @Value("${crm.audit.settle-after:2m}") Duration settleAfter) {
        return new AuditReconciler(audit, mongo.getDb(), collections, clock, settleAfter);
    }

    @Bean
    ReconcileSchedule auditReconcileSchedule(AuditReconciler reconciler) {
        return new ReconcileSchedule(reconciler);
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

    /** Settles pending events once a minute (the first run a minute after start). */
    static final class ReconcileSchedule {

        private final AuditReconciler reconciler;

        ReconcileSchedule(AuditReconciler reconciler) {
            this.reconciler = reconciler;
        }

        @Scheduled(initialDelayString = "${crm.audit.reconcile-every:60s}",
                fixedDelayString = "${crm.audit.reconcile-every:60s}")
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
