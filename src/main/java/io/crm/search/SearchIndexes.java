package io.crm.search;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.mongodb.client.model.IndexModel;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import io.crm.company.CompanySchema;
import io.crm.company.CompanyService;
import io.crm.contact.ContactSchema;
import io.crm.contact.ContactService;
import io.crm.deal.DealSchema;
import io.crm.deal.DealService;
import io.crm.record.RecordMeta;
import io.crm.store.CollectionIndexes;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The indexes a search led by a custom property's equality walks: (archived, {@code _crm.props.k},
 * {@code _crm.props.v}, sort, _id) for every sort of contacts, companies and deals, so such a search is an index walk
 * in its order. One index per sort serves every custom property (the attribute pattern).
 */
@Configuration(proxyBeanMethods = false)
public class SearchIndexes {

    @Bean
    CollectionIndexes contactSearchIndexes() {
        return new CollectionIndexes(ContactSchema.COLLECTION, props("contacts", ContactService.SORTS));
    }

    @Bean
    CollectionIndexes companySearchIndexes() {
        return new CollectionIndexes(CompanySchema.COLLECTION, props("companies", CompanyService.SORTS));
    }

    @Bean
    CollectionIndexes dealSearchIndexes() {
        return new CollectionIndexes(DealSchema.COLLECTION, props("deals", DealService.SORTS));
    }

    static List<IndexModel> props(String prefix, Map<String, String> sorts) {
        List<IndexModel> indexes = new ArrayList<>();
        sorts.forEach((sort, path) -> indexes.add(new IndexModel(Indexes.compoundIndex(
                Indexes.ascending(RecordMeta.ARCHIVED, SearchPlanner.PROPS_K, SearchPlanner.PROPS_V),
                Indexes.descending(path, "_id")), new IndexOptions().name(prefix + "_props_" + sort))));
        return indexes;
    }
}
