package io.crm.deal;

import java.util.ArrayList;
import java.util.List;

import com.mongodb.client.model.IndexModel;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import io.crm.events.EventSource;
import io.crm.events.EventsConfiguration;
import io.crm.property.CustomProperties;
import io.crm.store.CollectionIndexes;
import io.crm.record.RecordIndexes;
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
        List<IndexModel> indexes = new ArrayList<>(
                RecordIndexes.lists("deals", DealService.SORTS, DealService.FILTERS, true));
        indexes.add(EventsConfiguration.outboxIndex(DealSchema.COLLECTION));
        indexes.add(CustomProperties.valuesIndex("deals"));
        // covers the pipeline fold: the totals of one pipeline are computed from the index alone (the name is new
        // because the keys changed when pipelines did: MongoDB refuses new keys under an existing index name)
        indexes.add(new IndexModel(Indexes.ascending(RecordMeta.ARCHIVED, "pipelineId", "stage", "currency",
                "amount"), new IndexOptions().name("deals_pipeline_stage")));
        // replaced by deals_createdAt_q (the search text added) and deals_pipeline_stage
        return new CollectionIndexes(DealSchema.COLLECTION, indexes, List.of("deals_createdAt", "deals_pipeline"));
    }

    @Bean
    CollectionIndexes dealStageChangeCollectionIndexes() {
        return new CollectionIndexes(StageChangeLog.COLLECTION, List.of(
                new IndexModel(Indexes.compoundIndex(Indexes.ascending(StageChangeLog.DEAL_ID),
                        Indexes.descending(StageChangeLog.AT, "_id")), new IndexOptions().name("stage_changes_deal"))));
    }

    /** Deals carry their pending events; the relay looks here. */
    @Bean
    EventSource dealEvents() {
        return DealService.DEAL_EVENTS;
    }
}
