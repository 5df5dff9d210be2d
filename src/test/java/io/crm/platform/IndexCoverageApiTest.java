package io.crm.platform;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.mongodb.client.model.Filters;
import io.crm.support.ApiTest;
import io.crm.support.Http;
import io.crm.support.RecordedCommands;
import org.bson.BsonDocument;
import org.bson.Document;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Index coverage end to end: the driver listener on the real service records what the contacts API sends, and the
 * checker finds every shape served by the declared indexes; a query planted on a service thread is caught. Every
 * other {@link ApiTest} class gets the same check on its own requests (ApiTest's @AfterAll).
 */
class IndexCoverageApiTest extends ApiTest {

    @Test
    void everyQueryTheContactsApiSendsIsServedByADeclaredIndex() {
        RecordedCommands.startCapture();
        String company = create("/api/v1/companies", Map.of("name", "Acme", "domain", "acme.example"));
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(create("/api/v1/contacts", Map.of("name", "Mar " + i, "email", "m" + i + "@acme.example",
                    "tags", List.of("vip"), "companyId", company, "externalId", "ext-" + i)));
        }
        assertThat(http.get("/api/v1/contacts/" + ids.get(0)).status()).isEqualTo(200);
        for (String query : List.of("", "?q=mar", "?tag=vip", "?companyId=" + company, "?email=m1@acme.example",
                "?sort=name", "?sort=-name", "?sort=createdAt", "?sort=updatedAt", "?sort=-updatedAt")) {
            assertThat(http.get("/api/v1/contacts" + query).status()).as(query).isEqualTo(200);
        }
        assertThat(http.get("/api/v1/companies/" + company + "/contacts?sort=name&limit=1").status()).isEqualTo(200);
        // each filter in each sort order
        for (String filter : List.of("tag=vip", "companyId=" + company, "q=mar")) {
            for (String sort : List.of("name", "-name", "createdAt", "-updatedAt")) {
                assertThat(http.get("/api/v1/contacts?" + filter + "&sort=" + sort).status()).isEqualTo(200);
            }
        }
        // walk the cursors: the keyset condition is part of the filter
        String cursor = http.get("/api/v1/contacts?limit=1").json().get("nextCursor").asString();
        assertThat(http.get("/api/v1/contacts?limit=1&cursor=" + cursor).status()).isEqualTo(200);
        assertThat(http.patch("/api/v1/contacts/" + ids.get(1), Map.of("email", "new@acme.example")).status())
                .isEqualTo(200);
        assertThat(http.delete("/api/v1/contacts/" + ids.get(2)).status()).isEqualTo(204);
        assertThat(http.get("/api/v1/contacts?archived=true").status()).isEqualTo(200);
        assertThat(http.post("/api/v1/contacts/" + ids.get(2) + "/restore", Map.of()).status()).isEqualTo(200);

        List<BsonDocument> sent = RecordedCommands.stopCapture();
        // not vacuous: the listener saw the service's reads and writes, search and sorted pages among them
        assertThat(sent).extracting(BsonDocument::getFirstKey).contains("find", "findAndModify");
        assertThat(sent).anySatisfy(c -> assertThat(c.toJson()).contains("_crm.search"));
        assertThat(sent).anySatisfy(c -> assertThat(c.toJson()).contains("\"sort\""));
        assertThat(sent).anySatisfy(c -> assertThat(c.toJson()).contains("$or"));
        IndexCoverage coverage = IndexCoverage.of(RecordedCommands.declaredIndexes());
        assertThat(sent).flatExtracting(coverage::check).isEmpty();
    }

    @Test
    void aPlantedUnindexedQueryOnAServiceThreadIsCaught() throws InterruptedException {
        RecordedCommands.startCapture();
        // a thread that is not the test's stands in for a request thread of the service
        Thread service = new Thread(() -> {
            mongo.getCollection("persons").find(Filters.eq("phone", "+1 555 0100")).first();
            mongo.getCollection("persons").countDocuments();
            mongo.getCollection("persons").find(Filters.eq("_id", new org.bson.types.ObjectId())).first();
        });
        service.start();
        service.join();
        // the test thread's own queries are not the service's
        mongo.getCollection("persons").find(new Document("title", "x")).first();

        IndexCoverage coverage = IndexCoverage.of(RecordedCommands.declaredIndexes());
        List<IndexCoverage.Violation> violations = RecordedCommands.stopCapture().stream()
                .flatMap(c -> coverage.check(c).stream()).toList();
        RecordedCommands.drain(); // handled here: not for the class-level check
        assertThat(violations).extracting(IndexCoverage.Violation::filter)
                .anySatisfy(f -> assertThat(f).contains("phone"))
                .noneSatisfy(f -> assertThat(f).contains("title"));
        assertThat(violations).hasSize(2);
        assertThat(violations).anySatisfy(v -> assertThat(v.reason()).contains("estimatedDocumentCount"));
        assertThat(http.get("/health").status()).isEqualTo(200);
    }

    @Test
    void theAssertionUsedAfterEveryApiTestClassFailsOnAPlantedQuery() throws InterruptedException {
        RecordedCommands.drain();
        // a shape of its own: shapes are reported once per run, in the class that first sent them
        Thread service = new Thread(() -> mongo.getCollection("persons").find(Filters.eq("plantedField", "x"))
                .first());
        service.start();
        service.join();
        Http.Response unused = http.get("/health");
        assertThat(unused.status()).isEqualTo(200);
        try {
            RecordedCommands.assertIndexServed("planted");
        } catch (AssertionError expected) {
            assertThat(expected).hasMessageContaining("plantedField").hasMessageContaining("persons");
            return;
        }
        throw new AssertionError("the unindexed query was not reported");
    }
}
