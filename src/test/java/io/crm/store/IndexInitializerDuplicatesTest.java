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
                .contains(ContactIndexes.EMAIL_UNIQUE, "contacts_created", "contacts_updated", "contacts_name",
                        "contacts_tag", "contacts_company");
        assertThat(output.getAll()).contains("Unique index " + ContactIndexes.EXTERNAL_ID_UNIQUE
                + " on persons").contains("was NOT created");
        assertThat(mongo.getCollection("persons").countDocuments()).isEqualTo(2);

        // once the duplicates are gone, the next start builds it
        mongo.getCollection("persons").deleteOne(new Document("name", "Two"));
        initializer.afterSingletonsInstantiated();
        assertThat(indexNames("persons")).contains(ContactIndexes.EXTERNAL_ID_UNIQUE);
    }

    private List<String> indexNames(String collection) {
        List<String> names = new ArrayList<>();
        mongo.getCollection(collection).listIndexes().forEach(i -> names.add(i.getString("name")));
        return names;
    }
}
