package io.crm.activity;

import java.util.ArrayList;
import java.util.List;

import com.mongodb.client.model.IndexModel;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import io.crm.platform.store.CollectionIndexes;
import io.crm.record.RecordMeta;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Every query on activities (lists and timelines) is served by one of these. */
@Configuration(proxyBeanMethods = false)
public class ActivityIndexes {

    @Bean
    CollectionIndexes activityCollectionIndexes() {
        List<IndexModel> indexes = new ArrayList<>();
        ActivityService.SORTS.forEach((sort, path) -> indexes.add(sorted("activities_" + sort, path)));
        // one index per filter and sort (the service accepts one such filter per request); the link filters'
        // createdAt indexes also serve the timelines, newest first
        ActivityService.FILTERS.forEach((filter, field) -> ActivityService.SORTS.forEach((sort, path) ->
                indexes.add(filtered("activities_" + filter + "_" + sort, field, path))));
        return new CollectionIndexes(ActivitySchema.COLLECTION, indexes);
    }

    private static IndexModel sorted(String name, String path) {
        return new IndexModel(Indexes.compoundIndex(Indexes.ascending(RecordMeta.ARCHIVED),
                Indexes.descending(path, "_id")), new IndexOptions().name(name));
    }

    private static IndexModel filtered(String name, String field, String sortPath) {
        return new IndexModel(Indexes.compoundIndex(Indexes.ascending(RecordMeta.ARCHIVED, field),
                Indexes.descending(sortPath, "_id")), new IndexOptions().name(name));
    }
}
