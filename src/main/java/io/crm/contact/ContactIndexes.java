package io.crm.contact;

import static io.crm.record.RecordIndexes.filtered;
import static io.crm.record.RecordIndexes.searched;
import static io.crm.record.RecordIndexes.sorted;

import java.util.List;

import com.mongodb.client.model.IndexModel;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import io.crm.events.EventSource;
import io.crm.events.EventsConfiguration;
import io.crm.property.CustomProperties;
import io.crm.store.CollectionIndexes;
import io.crm.record.RecordMeta;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Every query on contacts is served by one of these (see docs/indexes.md). */
@Configuration(proxyBeanMethods = false)
public class ContactIndexes {

    public static final String EMAIL_UNIQUE = "contacts_email_unique";
    public static final String EXTERNAL_ID_UNIQUE = "contacts_person_id_unique";

    @Bean
    CollectionIndexes contactCollectionIndexes() {
        return new CollectionIndexes(ContactSchema.COLLECTION, List.of(
                EventsConfiguration.outboxIndex(ContactSchema.COLLECTION),
                // any custom property, by value
                CustomProperties.valuesIndex("contacts"),
                // Sparse, not partial: the email key exists only while a contact is live (see RecordStore), which
                // gives "unique among non-archived contacts" on every MongoDB-wire server.
                new IndexModel(Indexes.ascending(ContactSchema.EMAIL_KEY),
                        new IndexOptions().name(EMAIL_UNIQUE).unique(true).sparse(true)),
                new IndexModel(Indexes.ascending(ContactSchema.LEGACY_ID),
                        new IndexOptions().name(EXTERNAL_ID_UNIQUE).unique(true).sparse(true)),
                // newest first, the default order, also with q (the search text tested on each entry)
                searched("contacts_created_q", RecordMeta.CREATED_AT),
                sorted("contacts_updated", RecordMeta.UPDATED_AT),
                sorted("contacts_name", ContactSchema.NAME_KEY),
                // one filter (tag or companyId) in every sort order, so each such list is an index walk; found
                // missing by the index-coverage check (IndexCoverageApiTest)
                filtered("contacts_tag", "tags", RecordMeta.CREATED_AT),
                filtered("contacts_tag_updated", "tags", RecordMeta.UPDATED_AT),
                filtered("contacts_tag_name", "tags", ContactSchema.NAME_KEY),
                filtered("contacts_company", "companyId", RecordMeta.CREATED_AT),
                filtered("contacts_company_updated", "companyId", RecordMeta.UPDATED_AT),
                // also a company's contacts by name (GET /api/v1/companies/{id}/contacts?sort=name)
                filtered("contacts_company_name", "companyId", ContactSchema.NAME_KEY),
                // likely duplicates of a contact (same email, or same name and phone), newest first
                filtered("contacts_match", ContactSchema.MATCH_KEYS, RecordMeta.CREATED_AT)),
                // contacts_created became contacts_created_q (the search text added)
                List.of("contacts_created"));
    }

    /** Contacts carry their pending events; the relay looks here. */
    @Bean
    EventSource contactEvents() {
        return new EventSource("contact", ContactSchema.COLLECTION);
    }
}
