package io.crm.company;

import java.util.ArrayList;
import java.util.List;

import com.mongodb.client.model.IndexModel;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import io.crm.events.EventSource;
import io.crm.events.EventsConfiguration;
import io.crm.property.CustomProperties;
import io.crm.store.CollectionIndexes;
import io.crm.record.RecordMeta;
import io.crm.record.RecordIndexes;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Every query on companies is served by one of these. */
@Configuration(proxyBeanMethods = false)
public class CompanyIndexes {

    public static final String DOMAIN_UNIQUE = "companies_domain_unique";

    @Bean
    CollectionIndexes companyCollectionIndexes() {
        List<IndexModel> indexes = new ArrayList<>();
        // Sparse, not partial: the domain key exists only while a company is live (see RecordStore).
        indexes.add(new IndexModel(Indexes.ascending(CompanySchema.DOMAIN_KEY),
                new IndexOptions().name(DOMAIN_UNIQUE).unique(true).sparse(true)));
        // the domain filter reads the stored field, so it also finds archived companies
        indexes.addAll(RecordIndexes.lists("companies", CompanyService.SORTS, CompanyService.FILTERS, true));
        indexes.add(EventsConfiguration.outboxIndex(CompanySchema.COLLECTION));
        indexes.add(CustomProperties.valuesIndex("companies"));
        // companies_createdAt became companies_createdAt_q (the search text added)
        return new CollectionIndexes(CompanySchema.COLLECTION, indexes, List.of("companies_createdAt"));
    }

    /** Companies carry their pending events; the relay looks here. */
    @Bean
    EventSource companyEvents() {
        return new EventSource("company", CompanySchema.COLLECTION);
    }
}
