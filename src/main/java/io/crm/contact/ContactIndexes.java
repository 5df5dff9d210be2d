package io.crm.contact;

import java.util.List;

import com.mongodb.client.model.IndexModel;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import io.crm.platform.store.CollectionIndexes;
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
                // Sparse, not partial: the email key exists only while a contact is live (see RecordStore), which
                // gives "unique among non-archived contacts" on every MongoDB-wire server.
                new IndexModel(Indexes.ascending(ContactSchema.EMAIL_KEY),
                        new IndexOptions().name(EMAIL_UNIQUE).unique(true).sparse(true)),
                new IndexModel(Indexes.ascending(ContactSchema.LEGACY_ID),
                        new IndexOptions().name(EXTERNAL_ID_UNIQUE).unique(true).sparse(true)),
                sorted("contacts_created", RecordMeta.CREATED_AT),
                sorted("contacts_updated", RecordMeta.UPDATED_AT),
                sorted("contacts_name", ContactSchema.NAME_KEY),
                new IndexModel(Indexes.compoundIndex(Indexes.ascending(RecordMeta.ARCHIVED, "tags"),
                        Indexes.descending(RecordMeta.CREATED_AT, "_id")), new IndexOptions().name("contacts_tag")),
                new IndexModel(Indexes.compoundIndex(Indexes.ascending(RecordMeta.ARCHIVED, "companyId"),
                        Indexes.descending(RecordMeta.CREATED_AT, "_id")), new IndexOptions().name("contacts_company"))));
    }

    private static IndexModel sorted(String name, String path) {
        return new IndexModel(Indexes.compoundIndex(Indexes.ascending(RecordMeta.ARCHIVED),
                Indexes.descending(path, "_id")), new IndexOptions().name(name));
    }
}
