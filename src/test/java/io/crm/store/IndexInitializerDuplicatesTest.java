package io.crm.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import io.crm.contact.ContactIndexes;
import io.crm.support.ApiTest;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * Data the original service wrote may hold duplicates a unique index forbids (it allowed duplicate person_ids).
 * Startup must not die on it: the impossible index is skipped with a clear warning, every other index is built.
 * Indexes an earlier version declared and no query uses are dropped.
 */
@ExtendWith(OutputCaptureExtension.class)
class IndexInitializerDuplicatesTest extends ApiTest {

    @Autowired
    private IndexInitializer initializer;

    @Test
    void aUniqueIndexOverDuplicateDataIsSkippedWithAWarningAndTheOthersAreBuilt(CapturedOutput output) {
        mongo.getCollection("persons").drop();
        mongo.getCollection("persons").insertMany(List.of(
                new Document("_id", new ObjectId()).append("person_id", "same").append("name", "One"),
                new Document("_id", new ObjectId()).append("person_id", "same").append("name", "Two")));

        initializer.afterSingletonsInstantiated();

        assertThat(indexNames("persons")).doesNotContain(ContactIndexes.EXTERNAL_ID_UNIQUE)
                .contains(ContactIndexes.EMAIL_UNIQUE, "contacts_created_q", "contacts_updated", "contacts_name",
                        "contacts_tag", "contacts_company");
        assertThat(output.getAll()).contains("Unique index " + ContactIndexes.EXTERNAL_ID_UNIQUE
                + " on persons").contains("was NOT created");
        assertThat(mongo.getCollection("persons").countDocuments()).isEqualTo(2);

        // once the duplicates are gone, the next start builds it
        mongo.getCollection("persons").deleteOne(new Document("name", "Two"));
        initializer.afterSingletonsInstantiated();
        assertThat(indexNames("persons")).contains(ContactIndexes.EXTERNAL_ID_UNIQUE);
    }

    @Test
    void aRetiredIndexIsDroppedAtStartup(CapturedOutput output) {
        // as an earlier version left them: the newest-first indexes without the search text
        mongo.getCollection("persons").createIndex(new Document("_crm.archived", 1).append("_crm.createdAt", -1)
                .append("_id", -1), new com.mongodb.client.model.IndexOptions().name("contacts_created"));
        mongo.getCollection("deals").createIndex(new Document("_crm.archived", 1).append("pipelineId", 1),
                new com.mongodb.client.model.IndexOptions().name("deals_pipeline"));

        initializer.afterSingletonsInstantiated();

        assertThat(indexNames("persons")).doesNotContain("contacts_created").contains("contacts_created_q");
        assertThat(indexNames("deals")).doesNotContain("deals_pipeline", "deals_createdAt")
                .contains("deals_createdAt_q", "deals_pipeline_stage");
        assertThat(output.getAll()).contains("Dropped index contacts_created on persons")
                .contains("Dropped index deals_pipeline on deals");
        // the next start finds nothing to drop
        initializer.afterSingletonsInstantiated();
        assertThat(indexNames("persons")).contains("contacts_created_q");
    }

    private List<String> indexNames(String collection) {
        List<String> names = new ArrayList<>();
        mongo.getCollection(collection).listIndexes().forEach(i -> names.add(i.getString("name")));
        return names;
    }
}
