package io.crm.company;

import java.util.ArrayList;
import java.util.List;

import com.mongodb.client.model.IndexModel;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import io.crm.platform.store.CollectionIndexes;
import io.crm.record.RecordMeta;

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
        CompanyService.SORTS.forEach((sort, path) -> indexes.add(sorted("companies_" + sort, path)));
        // one index per filter and sort (one such filter per request); the domain filter reads the stored field,
        // so it also finds archived companies
        CompanyService.FILTERS.forEach((filter, field) -> CompanyService.SORTS.forEach((sort, path) ->
                indexes.add(filtered("companies_" + filter + "_" + sort, field, path))));
        return new CollectionIndexes(CompanySchema.COLLECTION, indexes);
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
