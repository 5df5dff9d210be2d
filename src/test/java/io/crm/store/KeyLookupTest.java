package io.crm.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.regex.Pattern;

import de.bwaldvogel.mongo.bson.Document;
import org.junit.jupiter.api.Test;

/** Which filters bind a unique index's keys, and which are left to the scan. */
class KeyLookupTest {

    private static Document doc(String key, Object value) {
        return new Document(key, value);
    }

    @Test
    void aTopLevelEqualityBindsTheKeyAndTheRestIsIgnored() {
        Document filter = doc("_id", 7).append("_crm.version", 3);
        assertThat(KeyLookup.boundKeys(filter, List.of("_id"))).contains(doc("_id", 7));
    }

    @Test
    void anElemMatchOfDocumentsBindsItsFieldsForSecondaryIndexesOnly() {
        Document filter = doc("$and", List.of(doc("archived", false), doc("_crm.props", doc("$elemMatch",
                doc("k", "region").append("v", doc("$in", List.of("emea", "amer")))))));
        assertThat(KeyLookup.equalities(filter)).containsExactly(java.util.Map.entry("archived", List.of(false)),
                java.util.Map.entry("_crm.props.k", List.of("region")),
                java.util.Map.entry("_crm.props.v", List.of("emea", "amer")));
        assertThat(KeyLookup.boundKeys(filter, List.of("_crm.props.k"))).isEmpty();
    }

    @Test
    void equalitiesInsideAndAreFound() {
        Document filter = doc("$and", List.of(doc("_id", "x"), doc("_crm.version", 3)));
        assertThat(KeyLookup.boundKeys(filter, List.of("_id"))).contains(doc("_id", "x"));
    }

    @Test
    void eqAndInOperatorsBind() {
        assertThat(KeyLookup.boundKeys(doc("email", doc("$eq", "a@b")), List.of("email"))).contains(doc("email", "a@b"));
        Document in = doc("$in", List.of(1, 2));
        assertThat(KeyLookup.boundKeys(doc("email", in).append("archived", false), List.of("email")))
                .contains(doc("email", in));
    }

    @Test
    void everyKeyOfACompoundIndexMustBeBound() {
        Document filter = doc("a", 1).append("c", 2);
        assertThat(KeyLookup.boundKeys(filter, List.of("a", "b"))).isEmpty();
        assertThat(KeyLookup.boundKeys(filter.append("b", 5), List.of("a", "b"))).contains(doc("a", 1).append("b", 5));
    }

    @Test
    void conditionsAnIndexLookupWouldAnswerDifferentlyAreLeftToTheScan() {
        for (Object value : List.<Object>of(doc("$ne", 1), doc("$gt", 1), doc("$eq", 1).append("$ne", 2),
                List.of(1, 2), doc("nested", 1), Pattern.compile("^a"), doc("$in", List.of()),
                doc("$in", List.of(doc("x", 1))))) {
            assertThat(KeyLookup.boundKeys(doc("k", value), List.of("k"))).as("%s", value).isEmpty();
        }
        assertThat(KeyLookup.boundKeys(doc("k", null), List.of("k"))).isEmpty();
    }

    @Test
    void orBranchesDoNotBind() {
        Document filter = doc("$or", List.of(doc("_id", 1), doc("_id", 2)));
        assertThat(KeyLookup.boundKeys(filter, List.of("_id"))).isEmpty();
    }
}
