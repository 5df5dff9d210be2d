package io.crm.platform;

import java.util.List;

import com.mongodb.client.model.IndexModel;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import io.crm.store.CollectionIndexes;
import org.bson.BsonDocument;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The index-coverage checker on its own: commands written the way the driver sends them, against declarations shaped
 * like the application's. Each rule is shown both ways, and planted unindexed queries must be reported, so the check
 * cannot pass vacuously. (IndexCoverageApiTest runs it on what the real service sends.)
 */
class IndexCoverageTest {

    /** Declarations shaped like ContactIndexes: sparse unique keys, and (archived, sort key, _id) compounds. */
    private final IndexCoverage coverage = IndexCoverage.of(List.of(new CollectionIndexes("persons", List.of(
            new IndexModel(Indexes.ascending("_crm.emailKey"), new IndexOptions().name("email").unique(true).sparse(true)),
            new IndexModel(Indexes.ascending("person_id"), new IndexOptions().name("pid").unique(true).sparse(true)),
            new IndexModel(Indexes.compoundIndex(Indexes.ascending("_crm.archived"),
                    Indexes.descending("_crm.createdAt", "_id")), new IndexOptions().name("created")),
            new IndexModel(Indexes.compoundIndex(Indexes.ascending("_crm.archived", "tags"),
                    Indexes.descending("_crm.createdAt", "_id")), new IndexOptions().name("tag")),
            new IndexModel(Indexes.ascending("_crm.archived", "_crm.props.k", "_crm.props.v"),
                    new IndexOptions().name("props")))),
            new CollectionIndexes("deals", List.of(
                    new IndexModel(Indexes.ascending("_crm.archived", "stage", "currency", "amount"),
                            new IndexOptions().name("pipeline"))))));

    private List<IndexCoverage.Violation> check(String json) {
        return coverage.check(BsonDocument.parse(json));
    }

    @Test
    void equalityThenSortAsAnIndexPrefixIsServed() {
        assertThat(check("""
                {"find": "persons", "filter": {"$and": [{"_crm.archived": false}]},
                 "sort": {"_crm.createdAt": -1, "_id": -1}, "limit": 21}""")).isEmpty();
        // the exact reverse walks the same index backwards
        assertThat(check("""
                {"find": "persons", "filter": {"_crm.archived": false}, "sort": {"_crm.createdAt": 1, "_id": 1}}"""))
                .isEmpty();
        assertThat(check("""
                {"find": "persons", "filter": {"_crm.archived": false, "tags": "vip"},
                 "sort": {"_crm.createdAt": -1, "_id": -1}}""")).isEmpty();
    }

    @Test
    void aSortAgainstTheIndexOrderOrOnAnUnindexedFieldIsReported() {
        assertThat(check("""
                {"find": "persons", "filter": {"_crm.archived": false}, "sort": {"_crm.createdAt": -1, "_id": 1}}"""))
                .singleElement().satisfies(v -> assertThat(v.reason()).contains("[-_crm.createdAt, _id]"));
        assertThat(check("""
                {"find": "persons", "filter": {"_crm.archived": false}, "sort": {"name": 1}}""")).hasSize(1);
        // equality fields must all be in the prefix: archived + companyId has no index here
        assertThat(check("""
                {"find": "persons", "filter": {"_crm.archived": false, "companyId": {"$oid": "65a000000000000000000001"}},
                 "sort": {"_crm.createdAt": -1, "_id": -1}}""")).hasSize(1);
    }

    @Test
    void aSelectiveConditionLeadsAndTheOtherEqualitiesAreResidual() {
        // several list filters: the tag index leads, companyId is checked on each entry of the walk
        assertThat(check("""
                {"find": "persons", "filter": {"_crm.archived": false, "tags": "vip",
                 "companyId": {"$oid": "65a000000000000000000001"}}, "sort": {"_crm.createdAt": -1, "_id": -1}}"""))
                .isEmpty();
        // the matches of a selective condition may be sorted in memory
        assertThat(check("""
                {"find": "persons", "filter": {"_crm.archived": false, "tags": "vip"}, "sort": {"name": 1}}"""))
                .isEmpty();
        // but "archived" alone leads nothing: every live record would be walked (or sorted) to find a few
        assertThat(check("""
                {"find": "persons", "filter": {"_crm.archived": false, "companyId": {"$oid": "65a000000000000000000001"},
                 "title": "CEO"}, "sort": {"_crm.createdAt": -1, "_id": -1}}""")).hasSize(1);
    }

    @Test
    void anElemMatchBindsTheSubKeysOfAMultikeyIndex() {
        assertThat(check("""
                {"find": "persons", "filter": {"_crm.archived": false,
                 "_crm.props": {"$elemMatch": {"k": "region", "v": "emea"}}, "custom.region": "EMEA"},
                 "sort": {"_crm.createdAt": -1, "_id": -1}}""")).isEmpty();
        // a range on the value: k bounds the walk, v is a range on the next key
        assertThat(check("""
                {"count": "persons", "query": {"_crm.archived": false,
                 "_crm.props": {"$elemMatch": {"k": "score", "v": {"$gte": 10}}}}}""")).isEmpty();
        // the same condition without $elemMatch binds nothing the index has
        assertThat(check("""
                {"find": "persons", "filter": {"_crm.archived": false, "custom.region": "EMEA"}}""")).hasSize(1);
    }

    @Test
    void aPlantedUnindexedQueryFails() {
        List<IndexCoverage.Violation> violations = check("""
                {"find": "persons", "filter": {"phone": "+1 555 0100"}, "limit": 1}""");
        assertThat(violations).singleElement().satisfies(v -> {
            assertThat(v.collection()).isEqualTo("persons");
            assertThat(v.command()).isEqualTo("find");
            assertThat(v.filter()).contains("phone");
        });
        // and on a collection that declares nothing at all
        assertThat(check("""
                {"find": "activities", "filter": {"_crm.archived": false}, "sort": {"_crm.createdAt": -1}}"""))
                .hasSize(1);
    }

    @Test
    void idAndUniqueKeyLookupsAreAllowedWhateverElseTheyFilterOn() {
        assertThat(check("""
                {"find": "persons", "filter": {"$and": [{"_id": {"$oid": "65a000000000000000000001"}},
                 {"_crm.archived": false}]}, "projection": {"_id": 1}, "limit": 1}""")).isEmpty();
        assertThat(check("""
                {"find": "persons", "filter": {"$and": [{"_crm.emailKey": "a@b.example"}, {"_crm.archived": false},
                 {"_id": {"$ne": {"$oid": "65a000000000000000000001"}}}]}}""")).isEmpty();
        assertThat(check("""
                {"find": "persons", "filter": {"person_id": {"$in": ["1", "2"]}}}""")).isEmpty();
        // a unique index serves only when all of its keys are bound by equality
        assertThat(check("""
                {"find": "persons", "filter": {"person_id": {"$gt": "1"}}}""")).isEmpty(); // range on a leading key
        assertThat(check("""
                {"find": "persons", "filter": {"email": "a@b.example"}}""")).hasSize(1);
    }

    @Test
    void rangesRegexesAndCursorConditionsAreResidualAfterEqualityAndSort() {
        // search: literal regex on the search text, walked in the (archived, createdAt, _id) index
        assertThat(check("""
                {"find": "persons", "filter": {"$and": [{"$and": [{"_crm.archived": false},
                 {"_crm.search": {"$regularExpression": {"pattern": "\\\\Qmar\\\\E", "options": ""}}}]}]},
                 "sort": {"_crm.createdAt": -1, "_id": -1}, "limit": 21}""")).isEmpty();
        // keyset cursor: the $or is a bound on the same index walk
        assertThat(check("""
                {"find": "persons", "filter": {"$and": [{"_crm.archived": false}, {"$or": [
                 {"_crm.createdAt": {"$lt": {"$date": "2026-01-01T00:00:00Z"}}},
                 {"$and": [{"_crm.createdAt": {"$date": "2026-01-01T00:00:00Z"}},
                           {"_id": {"$lt": {"$oid": "65a000000000000000000001"}}}]}]}]},
                 "sort": {"_crm.createdAt": -1, "_id": -1}, "limit": 21}""")).isEmpty();
        // a regex with nothing else bounds nothing: a collection scan
        assertThat(check("""
                {"find": "persons", "filter": {"name": {"$regularExpression": {"pattern": "mar", "options": "i"}}}}"""))
                .hasSize(1);
    }

    @Test
    void aTopLevelOrIsServedWhenEveryBranchIs() {
        assertThat(check("""
                {"find": "persons", "filter": {"$or": [{"_id": {"$oid": "65a000000000000000000001"}},
                 {"person_id": "42"}]}}""")).isEmpty();
        assertThat(check("""
                {"find": "persons", "filter": {"$or": [{"_id": {"$oid": "65a000000000000000000001"}},
                 {"name": "Ann"}]}}""")).hasSize(1);
        // with a sort (a search's filter groups): every branch walks its own index in that order
        assertThat(check("""
                {"find": "persons", "filter": {"$or": [{"$and": [{"_crm.archived": false}, {"tags": "vip"}]},
                 {"$and": [{"_crm.archived": false}, {"_crm.props": {"$elemMatch": {"k": "tier", "v": "gold"}}}]}]},
                 "sort": {"_crm.createdAt": -1, "_id": -1}, "limit": 21}""")).isEmpty();
        assertThat(check("""
                {"find": "persons", "filter": {"$or": [{"$and": [{"_crm.archived": false}, {"tags": "vip"}]},
                 {"$and": [{"_crm.archived": false}, {"phone": "123"}]}]},
                 "sort": {"_crm.createdAt": -1, "_id": -1}, "limit": 21}""")).hasSize(1);
    }

    @Test
    void wholeCollectionReadsCountsAndWrites() {
        // an export reads everything on purpose; a sort on _id uses the _id index
        assertThat(check("{\"find\": \"persons\", \"filter\": {}}")).isEmpty();
        assertThat(check("{\"find\": \"persons\", \"filter\": {}, \"sort\": {\"_id\": -1}, \"limit\": 1}")).isEmpty();
        assertThat(check("{\"find\": \"persons\", \"filter\": {}, \"sort\": {\"name\": 1}}")).hasSize(1);
        // estimatedDocumentCount (count without query) is metadata; countDocuments({}) scans
        assertThat(check("{\"count\": \"persons\"}")).isEmpty();
        assertThat(check("""
                {"aggregate": "persons", "pipeline": [{"$match": {}}, {"$group": {"_id": 1, "n": {"$sum": 1}}}],
                 "cursor": {}}""")).singleElement()
                .satisfies(v -> assertThat(v.reason()).contains("estimatedDocumentCount"));
        assertThat(check("""
                {"aggregate": "persons", "pipeline": [{"$match": {"_crm.archived": false}},
                 {"$group": {"_id": 1, "n": {"$sum": 1}}}], "cursor": {}}""")).isEmpty();
        assertThat(check("""
                {"aggregate": "deals", "pipeline": [{"$match": {"_crm.archived": false}},
                 {"$group": {"_id": {"stage": "$stage"}}}], "cursor": {}}""")).isEmpty();
        assertThat(check("""
                {"aggregate": "deals", "pipeline": [{"$group": {"_id": "$stage"}}], "cursor": {}}""")).hasSize(1);
        assertThat(check("""
                {"count": "deals", "query": {"owner": "x"}}""")).hasSize(1);
    }

    @Test
    void updatesDeletesAndFindAndModify() {
        assertThat(check("""
                {"update": "persons", "ordered": true, "updates": [
                 {"q": {"person_id": "42"}, "u": {"$set": {"name": "x"}}},
                 {"q": {"name": "Ann"}, "u": {"$set": {"name": "x"}}, "multi": true}]}"""))
                .singleElement().satisfies(v -> assertThat(v.filter()).contains("Ann"));
        assertThat(check("""
                {"delete": "persons", "ordered": true, "deletes": [{"q": {}, "limit": 0}]}""")).hasSize(1);
        assertThat(check("""
                {"delete": "persons", "deletes": [{"q": {"person_id": {"$in": ["1", "2"]}}, "limit": 0}]}"""))
                .isEmpty();
        assertThat(check("""
                {"findAndModify": "persons", "query": {"$and": [{"_id": {"$oid": "65a000000000000000000001"}},
                 {"_crm.version": 3}]}, "update": {"name": "x"}, "new": true}""")).isEmpty();
        assertThat(check("""
                {"findAndModify": "persons", "query": {"_crm.archived": true}, "sort": {"name": 1},
                 "remove": true}""")).hasSize(1);
    }

    @Test
    void operatorsNoBTreeIndexServesAreReported() {
        assertThat(check("""
                {"find": "persons", "filter": {"$where": "this.a == 1"}}""")).hasSize(1);
        assertThat(check("""
                {"find": "persons", "filter": {"$expr": {"$eq": ["$a", "$b"]}}}""")).hasSize(1);
    }

    @Test
    void commandsThatNeedNoIndexAreIgnored() {
        assertThat(check("{\"insert\": \"persons\", \"documents\": [{\"name\": \"x\"}]}")).isEmpty();
        assertThat(check("{\"ping\": 1}")).isEmpty();
        assertThat(check("{\"createIndexes\": \"persons\", \"indexes\": []}")).isEmpty();
    }
}
