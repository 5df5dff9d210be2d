package io.crm.activity;

import java.util.ArrayList;
import java.util.List;

import com.mongodb.client.model.IndexModel;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import io.crm.events.EventSource;
import io.crm.events.EventsConfiguration;
import io.crm.store.CollectionIndexes;
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
        List<IndexModel> indexes = new ArrayList<>(
                RecordIndexes.lists("activities", ActivityService.SORTS, ActivityService.FILTERS));
        // a user's open tasks by due date (the dashboard's "my tasks", ActivityService.openTasksOf)
        indexes.add(new IndexModel(Indexes.compoundIndex(
                Indexes.ascending(RecordMeta.ARCHIVED, RecordMeta.OWNER_ID, ActivitySchema.OPEN_KEY),
                Indexes.descending(ActivitySchema.DUE_KEY, "_id")), new IndexOptions().name("activities_owner_open")));
        // open tasks falling due in a time range (task reminders, ActivityService.openTasksDueBetween)
        indexes.add(new IndexModel(Indexes.ascending(RecordMeta.ARCHIVED, ActivitySchema.OPEN_KEY,
                ActivitySchema.DUE_KEY), new IndexOptions().name("activities_open_due")));
        // an assignee's open tasks due before a time (the morning digest, ActivityService.openTasksAssignedDueBefore)
        indexes.add(new IndexModel(Indexes.ascending(RecordMeta.ARCHIVED, "assigneeId", ActivitySchema.OPEN_KEY,
                ActivitySchema.DUE_KEY), new IndexOptions().name("activities_assignee_open")));
        indexes.add(EventsConfiguration.outboxIndex(ActivitySchema.COLLECTION));
        return new CollectionIndexes(ActivitySchema.COLLECTION, indexes);
    }

    /** Activities carry their pending events; the relay looks here. */
    @Bean
    EventSource activityEvents() {
        return new EventSource("activity", ActivitySchema.COLLECTION);
    }
}
