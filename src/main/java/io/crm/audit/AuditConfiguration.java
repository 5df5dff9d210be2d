package io.crm.audit;

import java.util.List;

import com.mongodb.client.model.IndexModel;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import io.crm.store.CollectionIndexes;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.data.mongodb.core.MongoTemplate;

@Configuration(proxyBeanMethods = false)
public class AuditConfiguration {

    /** The first consumer the relay calls: the audit trail is the record of what happened. */
    @Bean
    @Order(0)
    AuditLog auditLog(MongoTemplate mongo) {
        return new AuditLog(mongo.getCollection(AuditLog.COLLECTION));
    }

    /** Every query on audit entries is served by one of these (see docs/indexes.md). */
    @Bean
    CollectionIndexes auditCollectionIndexes() {
        return new CollectionIndexes(AuditLog.COLLECTION, List.of(
                new IndexModel(Indexes.compoundIndex(Indexes.ascending("entityType", "entityId"),
                        Indexes.descending("_id")), new IndexOptions().name("audit_entity")),
                new IndexModel(Indexes.compoundIndex(Indexes.ascending("entityType"), Indexes.descending("_id")),
                        new IndexOptions().name("audit_entity_type")),
                new IndexModel(Indexes.compoundIndex(Indexes.ascending("actorId"), Indexes.descending("_id")),
                        new IndexOptions().name("audit_actor"))));
    }
}
