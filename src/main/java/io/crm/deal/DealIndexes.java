package io.crm.deal;

import java.util.ArrayList;
import java.util.List;

import com.mongodb.client.model.IndexModel;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import io.crm.platform.store.CollectionIndexes;
import io.crm.record.RecordMeta;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Every query on deals and their stage-change log is served by one of these (the timelines' "live deals of this
 * company / contact" lookups use the companyId / contactIds filter indexes).
 */
@Configuration(proxyBeanMethods = false)
public class DealIndexes {

    @Bean
    CollectionIndexes dealCollectionIndexes() {
        List<IndexModel> indexes = new ArrayList<>();
        DealService.SORTS.forEach((sort, path) -> indexes.add(sorted("deals_" + sort, path)));
        // one index per filter and sort: a list with one filter is always an equality-then-sort index walk
        // (the services accept one such filter per request; q is a residual filter on any of them)
        DealService.FILTERS.forEach((filter, field) -> DealService.SORTS.forEach((sort, path) ->
                indexes.add(filtered("deals_" + filter + "_" + sort, field, path))));
        // covers the pipeline fold: the totals are computed from the index alone
        indexes.add(new IndexModel(Indexes.ascending(RecordMeta.ARCHIVED, "stage", "currency", "amount"),
                new IndexOptions().name("deals_pipeline")));
        return new CollectionIndexes(DealSchema.COLLECTION, indexes);
    }

    @Bean
    CollectionIndexes dealStageChangeCollectionIndexes() {
        return new CollectionIndexes(StageChangeLog.COLLECTION, List.of(
                new IndexModel(Indexes.compoundIndex(Indexes.ascending(StageChangeLog.DEAL_ID),
                        Indexes.descending(StageChangeLog.AT, "_id")), new IndexOptions().name("stage_changes_deal"))));
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
