package io.crm.activity;

import io.crm.audit.AuditedCollection;
import io.crm.platform.store.CollectionIndexes;
import io.crm.record.RecordMeta;
import io.crm.record.RecordIndexes;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Every query on activities (lists and timelines) is served by one of these. */
@Configuration(proxyBeanMethods = false)
public class ActivityIndexes {

    @Bean
    CollectionIndexes activityCollectionIndexes() {
        // the link filters' createdAt indexes also serve the timelines, newest first
        return new CollectionIndexes(ActivitySchema.COLLECTION,
                RecordIndexes.lists("activities", ActivityService.SORTS, ActivityService.FILTERS));
    }

    /** Where the audit reconciler finds a activity by id and version. */
    @Bean
    AuditedCollection auditedActivities() {
        return new AuditedCollection("activity", ActivitySchema.COLLECTION, RecordMeta.VERSION);
    }
}
