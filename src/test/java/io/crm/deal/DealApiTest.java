package io.crm.deal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.crm.record.RecordApiContract;
import io.crm.support.Http;
import org.bson.Document;
import org.bson.types.Decimal128;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class DealApiTest extends RecordApiContract {

    private static final String DEALS = "/api/v1/deals";

    DealApiTest() {
        super(Resource.at(DEALS, DealSchema.COLLECTION)
                .required("title", "Renamed deal")
                .optional("expectedCloseDate", "2026-03-31")
                .invalid("amount", "1.234")
                .sorts("title", "createdAt", "updatedAt"));
    }

    @Override
    protected Map<String, Object> validBody(int n) {
        return Map.of("title", "Deal " + n, "amount", "100.00");
    }

    private JsonNode deal(Object... fields) {
        return created(fields);
    }

    private JsonNode stage(String id, String stage) {
        Http.Response patched = http.patch(DEALS + "/" + id, stage.equals("lost")
                ? Map.of("stage", stage, "lostReason", "Budget") : Map.of("stage", stage));
        assertThat(patched.status()).as(patched.toString()).isEqualTo(200);
        return patched.json();
    }

    @Test
    void amountsAreStoredAndReturnedExactly() {
        assertThat(deal("title", "a", "amount", 1234.5).get("amount").asString()).isEqualTo("1234.50");
        assertThat(deal("title", "b", "amount", "0.1").get("amount").asString()).isEqualTo("0.10");
        assertThat(deal("title", "c", "amount", 7).get("amount").asString()).isEqualTo("7.00");
        assertThat(deal("title", "d", "amount", 9999999999998.99).get("amount").asString())
                .isEqualTo("9999999999998.99");
        assertThat(deal("title", "e", "amount", "123456789012345.67").get("amount").asString())
                .isEqualTo("123456789012345.67");
        assertThat(deal("title", "f", "amount", 0).get("amount").asString()).isEqualTo("0.00");
        JsonNode noAmount = deal("title", "g");
        assertThat(noAmount.get("amount").isNull()).isTrue();
        // a JSON number with more digits than a double carries is refused rather than rounded
        Http.Response big = http.send("POST", DEALS, "application/json",
                "{\"title\":\"h\",\"amount\":12345678901234.56}");
        assertThat(errorFields(big)).containsExactly("amount");

        Document stored = mongo.getCollection(DealSchema.COLLECTION).find(new Document("title", "b")).first();
        assertThat(stored.get("amount")).isInstanceOf(Decimal128.class).isEqualTo(Decimal128.parse("0.10"));
    }

    @Test
    void dealsSortByAmountAcrossPagesWithDealsWithoutOneAtTheLowEnd() {
        deal("title", "none");
        deal("title", "ten", "amount", "10.00");
        deal("title", "nine", "amount", "9.99");
        deal("title", "big", "amount", "100000.50");
        deal("title", "also ten", "amount", 10);
        List<String> descending = new ArrayList<>();
        String cursor = null;
        do {
            JsonNode page = http.get(DEALS + "?sort=-amount&limit=2" + (cursor == null ? "" : "&cursor=" + cursor))
                    .json();
            page.get("items").forEach(d -> descending.add(d.get("title").asString()));
            cursor = page.get("nextCursor").isNull() ? null : page.get("nextCursor").asString();
        } while (cursor != null);
        assertThat(descending).hasSize(5).startsWith("big").endsWith("nine", "none");
        assertThat(descending.subList(1, 3)).containsExactlyInAnyOrder("ten", "also ten");
        // the search sorts by it too, its cursor carrying the exact decimal
        List<String> ascending = new ArrayList<>();
        String after = null;
        do {
            Map<String, Object> body = new HashMap<>(Map.of("sorts", List.of(Map.of("propertyName", "amount",
                    "direction", "ASCENDING")), "limit", 2));
            if (after != null) {
                body.put("after", after);
            }
            JsonNode page = http.post(DEALS + "/search", body).json();
            page.get("items").forEach(d -> ascending.add(d.get("title").asString()));
            after = page.get("nextCursor").isNull() ? null : page.get("nextCursor").asString();
        } while (after != null);
        assertThat(ascending).startsWith("none", "nine").endsWith("big").hasSize(5);
    }

    @Test
    void invalidAmountsAreRejected() {
        for (Object bad : List.of("-0.01", -5, "1.001", 0.125, "abc", "", true, "NaN", "1e400", "1234567890123456.00")) {
            Map<String, Object> body = Map.of("title", "x", "amount", bad);
            assertThat(errorFields(http.post(DEALS, body))).as("amount " + bad).containsExactly("amount");
        }
        assertThat(ids(http.get(DEALS))).isEmpty();
    }

    @Test
    void currencyDefaultsToConfiguredAndIsValidated() {
        assertThat(deal("title", "a").get("currency").asString()).isEqualTo("USD");
        assertThat(deal("title", "b", "currency", "eur").get("currency").asString()).isEqualTo("EUR");
        assertThat(errorFields(http.post(DEALS, Map.of("title", "c", "currency", "XYZ")))).containsExactly("currency");
        assertThat(errorFields(http.post(DEALS, Map.of("title", "c", "currency", "US")))).containsExactly("currency");
        String id = deal("title", "d").get("id").asString();
        Map<String, Object> removeCurrency = new HashMap<>();
        removeCurrency.put("currency", null);
        assertThat(errorFields(http.patch(DEALS + "/" + id, removeCurrency))).containsExactly("currency");
    }

    @Test
    void stageDefaultsToFirstConfiguredAndMustBeOneOfThem() {
        JsonNode created = deal("title", "a");
        assertThat(created.get("stage").asString()).isEqualTo("lead");
        Http.Response unknown = http.post(DEALS, Map.of("title", "b", "stage", "signed"));
        assertThat(errorFields(unknown)).containsExactly("stage");
        assertThat(unknown.json().get("errors").get(0).get("message").asString())
                .contains("lead, qualified, proposal, negotiation, won, lost");
        Map<String, Object> removeStage = new HashMap<>();
        removeStage.put("stage", null);
        assertThat(errorFields(http.patch(DEALS + "/" + created.get("id").asString(), removeStage)))
                .containsExactly("stage");
    }

    @Test
    void closedAtIsSetWhenWonOrLostAndClearedWhenReopened() {
        String id = deal("title", "a").get("id").asString();
        assertThat(http.get(DEALS + "/" + id).json().get("closedAt").isNull()).isTrue();

        clock.advance(Duration.ofMinutes(5));
        JsonNode won = stage(id, "won");
        Instant wonAt = Instant.parse(won.get("closedAt").asString());
        assertThat(wonAt).isEqualTo(clock.instant().truncatedTo(ChronoUnit.MILLIS));

        JsonNode renamed = http.patch(DEALS + "/" + id, Map.of("title", "renamed", "stage", "won")).json();
        assertThat(renamed.get("closedAt").asString()).isEqualTo(won.get("closedAt").asString());
        // a client cannot set it: it is server-managed and echoes are ignored
        JsonNode echoed = http.patch(DEALS + "/" + id, Map.of("closedAt", "2000-01-01T00:00:00Z")).json();
        assertThat(echoed.get("closedAt").asString()).isEqualTo(won.get("closedAt").asString());

        clock.advance(Duration.ofHours(1));
        JsonNode lost = stage(id, "lost");
        assertThat(Instant.parse(lost.get("closedAt").asString())).isEqualTo(wonAt.plus(Duration.ofHours(1)));

        JsonNode reopened = stage(id, "negotiation");
        assertThat(reopened.get("closedAt").isNull()).isTrue();

        clock.advance(Duration.ofDays(1));
        JsonNode createdWon = deal("title", "b", "stage", "won", "closedAt", "2000-01-01T00:00:00Z");
        assertThat(Instant.parse(createdWon.get("closedAt").asString()))
                .isEqualTo(clock.instant().truncatedTo(ChronoUnit.MILLIS));
    }

    @Test
    void everyStageChangeIsRecorded() {
        String id = deal("title", "a").get("id").asString();
        stage(id, "qualified");
        http.patch(DEALS + "/" + id, Map.of("title", "renamed"));
        stage(id, "qualified");
        stage(id, "won");

        relayed();
        List<Document> changes = mongo.getCollection(StageChangeLog.COLLECTION)
                .find(new Document("dealId", new ObjectId(id))).sort(new Document("at", 1).append("_id", 1))
                .into(new ArrayList<>());
        assertThat(changes).extracting(c -> c.get("from") + ">" + c.get("to"))
                .containsExactly("null>lead", "lead>qualified", "qualified>won");
        assertThat(changes).allSatisfy(c -> assertThat(c.get("at")).isInstanceOf(java.util.Date.class));
        assertThat(changes).extracting(c -> c.get("version")).containsExactly(1L, 2L, 5L);
        assertThat(changes.get(2).getDate("at").toInstant().toString())
                .isEqualTo(http.get(DEALS + "/" + id).json().get("updatedAt").asString());
    }

    @Test
    void stageChangeLogStaysAChainUnderConcurrentWrites() throws Exception {
        String id = deal("title", "contested").get("id").asString();
        List<String> targets = List.of("qualified", "proposal", "negotiation", "won", "lost", "lead", "qualified",
                "won");

        List<Integer> statuses = race(targets.size(), i -> http.patch(DEALS + "/" + id,
                targets.get(i).equals("lost") ? Map.of("stage", "lost", "lostReason", "Budget")
                        : Map.of("stage", targets.get(i))).status());

        assertThat(statuses).isSubsetOf(200, 412);
        relayed();
        List<Document> changes = mongo.getCollection(StageChangeLog.COLLECTION)
                .find(new Document("dealId", new ObjectId(id))).sort(new Document("version", 1))
                .into(new ArrayList<>());
        // every logged change starts where the previous one ended, and the last one is the deal's stage
        for (int i = 1; i < changes.size(); i++) {
            assertThat(changes.get(i).get("from")).isEqualTo(changes.get(i - 1).get("to"));
        }
        JsonNode now = http.get(DEALS + "/" + id).json();
        assertThat(changes.get(changes.size() - 1).get("to")).isEqualTo(now.get("stage").asString());
        assertThat(changes.size() - 1).isLessThanOrEqualTo((int) statuses.stream().filter(s -> s == 200).count());
        assertThat(now.get("version").asLong()).isEqualTo(1 + statuses.stream().filter(s -> s == 200).count());
    }

    @Test
    void concurrentCreatesAllLand() throws Exception {
        List<Integer> statuses = race(6, i -> http.post(DEALS, Map.of("title", "same title")).status());
        assertThat(statuses).containsOnly(201);
        assertThat(ids(http.get(DEALS))).hasSize(6);
    }

    @Test
    void companyAndContactsMustExist() {
        String company = create("/api/v1/companies", Map.of("name", "Acme"));
        String ann = create("/api/v1/contacts", Map.of("name", "Ann"));
        String bob = create("/api/v1/contacts", Map.of("name", "Bob"));
        String missing = new ObjectId().toHexString();

        assertThat(errorFields(http.post(DEALS, Map.of("title", "a", "companyId", missing)))).containsExactly("companyId");
        assertThat(errorFields(http.post(DEALS, Map.of("title", "a", "companyId", "x")))).containsExactly("companyId");
        assertThat(errorFields(http.post(DEALS, Map.of("title", "a", "contactIds", List.of(ann, missing)))))
                .containsExactly("contactIds");
        assertThat(errorFields(http.post(DEALS, Map.of("title", "a", "contactIds", ann)))).containsExactly("contactIds");

        JsonNode created = deal("title", "a", "companyId", company, "contactIds", List.of(ann, bob, ann));
        assertThat(created.get("companyId").asString()).isEqualTo(company);
        assertThat(created.get("contactIds").toString()).isEqualTo("[\"" + ann + "\",\"" + bob + "\"]");
        String id = created.get("id").asString();
        assertThat(errorFields(http.patch(DEALS + "/" + id, Map.of("companyId", missing)))).containsExactly("companyId");

        http.delete("/api/v1/contacts/" + bob);
        assertThat(errorFields(http.post(DEALS, Map.of("title", "b", "contactIds", List.of(bob)))))
                .containsExactly("contactIds");
        // a reference archived after the fact does not block unrelated changes
        assertThat(http.patch(DEALS + "/" + id, Map.of("title", "still fine")).status()).isEqualTo(200);
        assertThat(deal("title", "c").get("contactIds").size()).isZero();
    }

    @Test
    void filtersByStageCompanyAndContact() {
        String acme = create("/api/v1/companies", Map.of("name", "Acme"));
        String ann = create("/api/v1/contacts", Map.of("name", "Ann"));
        String a = deal("title", "Alpha", "companyId", acme, "contactIds", List.of(ann)).get("id").asString();
        String b = deal("title", "Beta", "stage", "won", "companyId", acme).get("id").asString();
        String c = deal("title", "Gamma", "contactIds", List.of(ann)).get("id").asString();

        assertThat(ids(http.get(DEALS + "?stage=won"))).containsExactly(b);
        assertThat(ids(http.get(DEALS + "?stage=lead&sort=title"))).containsExactly(a, c);
        assertThat(ids(http.get(DEALS + "?companyId=" + acme))).containsExactly(b, a);
        assertThat(ids(http.get(DEALS + "?contactId=" + ann))).containsExactly(c, a);
        assertThat(ids(http.get(DEALS + "?stage=won&sort=-updatedAt"))).containsExactly(b);
        // several filters at once: all of them apply (the first one's index leads, the others are residual)
        assertThat(ids(http.get(DEALS + "?contactId=" + ann + "&companyId=" + acme))).containsExactly(a);
        assertThat(ids(http.get(DEALS + "?stage=won&companyId=" + acme))).containsExactly(b);
        assertThat(ids(http.get(DEALS + "?stage=lead&contactId=" + ann + "&sort=title"))).containsExactly(a, c);
        assertThat(ids(http.get(DEALS + "?stage=won&contactId=" + ann))).isEmpty();
        assertThat(ids(http.get(DEALS + "?q=ALP"))).containsExactly(a);
        assertProblem(http.get(DEALS + "?stage=signed"), 400);
        assertProblem(http.get(DEALS + "?companyId=nope"), 400);
        assertProblem(http.get(DEALS + "?contactId=nope"), 400);
    }

    @Test
    void pipelineTotalsPerStageAndCurrencyAreExactAndLiveOnly() {
        deal("title", "a", "amount", 0.10);
        deal("title", "b", "amount", 0.20);
        deal("title", "c", "amount", "1000.00", "currency", "EUR");
        deal("title", "d");
        deal("title", "e", "amount", "1234.50", "stage", "won");
        deal("title", "f", "amount", "0.01", "stage", "won", "currency", "JPY");
        String archived = deal("title", "g", "amount", "5.00", "stage", "won").get("id").asString();
        http.delete(DEALS + "/" + archived);
        String moved = deal("title", "h", "amount", "10.00").get("id").asString();
        stage(moved, "proposal");

        Http.Response pipeline = http.get("/api/v1/pipeline");
        assertThat(pipeline.status()).isEqualTo(200);
        JsonNode stages = pipeline.json();
        assertThat(stages.size()).isEqualTo(6);
        List<String> names = new ArrayList<>();
        stages.forEach(s -> names.add(s.get("stage").asString()));
        assertThat(names).containsExactly("lead", "qualified", "proposal", "negotiation", "won", "lost");

        assertThat(stages.get(0).get("count").asLong()).isEqualTo(4);
        assertThat(stages.get(0).get("amounts").toString()).isEqualTo("{\"EUR\":\"1000.00\",\"USD\":\"0.30\"}");
        assertThat(stages.get(1).get("count").asLong()).isZero();
        assertThat(stages.get(1).get("amounts").toString()).isEqualTo("{}");
        assertThat(stages.get(2).get("amounts").toString()).isEqualTo("{\"USD\":\"10.00\"}");
        assertThat(stages.get(4).get("count").asLong()).isEqualTo(2);
        assertThat(stages.get(4).get("amounts").toString()).isEqualTo("{\"JPY\":\"0.01\",\"USD\":\"1234.50\"}");
        assertThat(stages.get(5).get("count").asLong()).isZero();

        http.post(DEALS + "/" + archived + "/restore", Map.of());
        assertThat(http.get("/api/v1/pipeline").json().get(4).get("amounts").get("USD").asString())
                .isEqualTo("1239.50");
        assertThat(mongo.getCollection(DealSchema.COLLECTION).listIndexes().into(new ArrayList<>()))
                .anySatisfy(index -> assertThat(index.getString("name")).isEqualTo("deals_pipeline_stage"));
    }
}
