package io.crm.search;

import java.util.List;

import com.mongodb.client.model.IndexModel;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import io.crm.company.CompanySchema;
import io.crm.contact.ContactSchema;
import io.crm.deal.DealSchema;
import io.crm.record.RecordMeta;
import io.crm.store.CollectionIndexes;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * "Owned by me" leads a search: (archived, ownerId, createdAt, _id) on contacts, companies and deals, newest first as
 * a walk, other sorts over its matches (activities have activities_owner_open).
 */
@Configuration(proxyBeanMethods = false)
public class SearchIndexes {

    @Bean
    CollectionIndexes contactSearchIndexes() {
        return new CollectionIndexes(ContactSchema.COLLECTION, List.of(owner("contacts")));
    }

    @Bean
    CollectionIndexes companySearchIndexes() {
        return new CollectionIndexes(CompanySchema.COLLECTION, List.of(owner("companies")));
    }

    @Bean
    CollectionIndexes dealSearchIndexes() {
        return new CollectionIndexes(DealSchema.COLLECTION, List.of(owner("deals")));
    }

    static IndexModel owner(String prefix) {
        return new IndexModel(Indexes.compoundIndex(Indexes.ascending(RecordMeta.ARCHIVED, RecordMeta.OWNER_ID),
                Indexes.descending(RecordMeta.CREATED_AT, "_id")), new IndexOptions().name(prefix + "_owner"));
    }
}
