package io.crm.deal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.crm.events.ChangeTokens;
import io.crm.record.RecordMeta;
import io.crm.support.ApiTest;
import io.crm.support.Http;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/** Pipelines managed at runtime: several pipelines, deals in them, moves between them, lost reasons, forecasts. */
class PipelineApiTest extends ApiTest {

    private static final String DEFAULT = Pipelines.DEFAULT_ID.toHexString();

    @Autowired
    Pipelines pipelines;

    private String renewals() {
        Http.Response created = http.post("/api/v1/pipelines", Map.of("name", "Renewals", "stages", List.of(
                Map.of("key", "due", "probability", 50),
                Map.of("key", "renewed", "outcome", "won"),
                Map.of("key", "churned", "label", "Churned", "outcome", "lost"))));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        return created.json().get("id").asString();
    }

    private JsonNode deal(Map<String, Object> body) {
        Http.Response created = http.post("/api/v1/deals", body);
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        return created.json();
    }

    @Test
    void dealsStoredBeforePipelinesAreMigratedBatchByBatch() {
        List<Document> old = new ArrayList<>();
        for (int i = 0; i < 1_201; i++) {
            old.add(new Document("_id", new ObjectId()).append("title", "old " + i).append("stage", "lead")
                    .append(RecordMeta.META, RecordMeta.forNew(clock.instant(), null)));
        }
        mongo.getCollection(DealSchema.COLLECTION).insertMany(old);

        assertThat(pipelines.migrateDeals()).isEqualTo(1_201);
        assertThat(mongo.getCollection(DealSchema.COLLECTION).countDocuments(new Document("pipelineId", null)))
                .isZero();
        assertThat(pipelines.migrateDeals()).as("idempotent").isZero();
    }

    @Test
    void theDefaultPipelineIsSeededFromTheSettingsWithProbabilitiesAndOutcomes() {
        JsonNode list = http.get("/api/v1/pipelines").json().get("items");
        assertThat(list.size()).isEqualTo(1);
        JsonNode sales = list.get(0);
        assertThat(sales.get("id").asString()).isEqualTo(DEFAULT);
        assertThat(sales.get("default").asBoolean()).isTrue();
        List<String> stages = new ArrayList<>();
        sales.get("stages").forEach(s -> stages.add(s.get("key").asString() + ":" + s.get("probability").asInt()
                + ":" + (s.get("outcome").isNull() ? "open" : s.get("outcome").asString())));
        assertThat(stages).containsExactly("lead:20:open", "qualified:40:open", "proposal:60:open",
                "negotiation:80:open", "won:100:won", "lost:0:lost");
        // a deal names no pipeline: the default one
        assertThat(deal(Map.of("title", "a")).get("pipelineId").asString()).isEqualTo(DEFAULT);
    }

    @Test
    void aDealBelongsToOnePipelineAndItsStageMustBeOneOfThatPipelines() {
        String renewals = renewals();
        JsonNode deal = deal(Map.of("title", "Acme renewal", "pipelineId", renewals, "amount", "100.00"));
        assertThat(deal.get("stage").asString()).as("its first stage").isEqualTo("due");
        assertThat(deal.get("pipelineId").asString()).isEqualTo(renewals);

        Http.Response wrongStage = http.post("/api/v1/deals", Map.of("title", "b", "pipelineId", renewals,
                "stage", "proposal"));
        assertThat(errorFields(wrongStage)).containsExactly("stage");
        assertThat(wrongStage.json().get("errors").get(0).get("message").asString())
                .contains("due, renewed, churned").contains("Renewals");
        assertThat(errorFields(http.post("/api/v1/deals", Map.of("title", "c", "pipelineId",
                new ObjectId().toHexString())))).containsExactly("pipelineId");
        assertThat(errorFields(http.patch("/api/v1/deals/" + deal.get("id").asString(),
                java.util.Collections.singletonMap("pipelineId", null)))).containsExactly("pipelineId");
    }

    @Test
    void aLostDealSaysWhyAndReopeningClearsTheReason() {
        String id = deal(Map.of("title", "a")).get("id").asString();
        Http.Response noReason = http.patch("/api/v1/deals/" + id, Map.of("stage", "lost"));
        assertThat(errorFields(noReason)).containsExactly("lostReason");
        JsonNode lost = http.patch("/api/v1/deals/" + id, Map.of("stage", "lost", "lostReason", "Price"))
                .json();
        assertThat(lost.get("lostReason").asString()).isEqualTo("Price");
        assertThat(lost.get("closedAt").isNull()).isFalse();
        // still lost: other changes need no reason again
        assertThat(http.patch("/api/v1/deals/" + id, Map.of("title", "b")).status()).isEqualTo(200);
        JsonNode reopened = http.patch("/api/v1/deals/" + id, Map.of("stage", "proposal")).json();
        assertThat(reopened.get("lostReason").isNull()).isTrue();
        assertThat(errorFields(http.patch("/api/v1/deals/" + id, Map.of("lostReason", "Price"))))
                .containsExactly("lostReason");
        assertThat(errorFields(http.post("/api/v1/deals", Map.of("title", "c", "stage", "lost"))))
                .containsExactly("lostReason");
        // a deal lost before the rule (no reason stored) can still be edited
        ObjectId legacy = new ObjectId();
        mongo.getCollection(DealSchema.COLLECTION).insertOne(new Document("_id", legacy).append("title", "old")
                .append("stage", "lost").append("currency", "USD").append(RecordMeta.META, RecordMeta.forNew(
                        clock.instant(), null)));
        assertThat(http.patch("/api/v1/deals/" + legacy.toHexString(), Map.of("title", "old one")).status())
                .isEqualTo(200);
    }

    @Test
    void movingADealToAnotherPipelineMapsItsStageAndKeepsItsHistory() {
        String renewals = renewals();
        String open = deal(Map.of("title", "open")).get("id").asString();
        http.patch("/api/v1/deals/" + open, Map.of("stage", "proposal"));
        String lost = deal(Map.of("title", "lost")).get("id").asString();
        http.patch("/api/v1/deals/" + lost, Map.of("stage", "lost", "lostReason", "Timing"));

        JsonNode moved = http.patch("/api/v1/deals/" + open, Map.of("pipelineId", renewals)).json();
        assertThat(moved.get("pipelineId").asString()).isEqualTo(renewals);
        assertThat(moved.get("stage").asString()).as("an open stage it lacks: the first").isEqualTo("due");
        JsonNode churned = http.patch("/api/v1/deals/" + lost, Map.of("pipelineId", renewals)).json();
        assertThat(churned.get("stage").asString()).as("lost to lost").isEqualTo("churned");
        assertThat(churned.get("lostReason").asString()).isEqualTo("Timing");
        // a stage named in the same patch wins over the mapping
        String other = deal(Map.of("title", "other")).get("id").asString();
        assertThat(http.patch("/api/v1/deals/" + other, Map.of("pipelineId", renewals, "stage", "renewed"))
                .json().get("stage").asString()).isEqualTo("renewed");

        relayed();
        List<String> history = new ArrayList<>();
        http.get("/api/v1/deals/" + open + "/timeline").json().get("items").forEach(e -> {
            if (e.has("to")) {
                history.add(e.get("from").asString("") + ">" + e.get("to").asString());
            }
        });
        assertThat(history).containsExactly("proposal>due", "lead>proposal", ">lead");
    }

    @Test
    void totalsAndTheWeightedForecastArePerPipelineAndCurrency() {
        String renewals = renewals();
        deal(Map.of("title", "a", "pipelineId", renewals, "amount", "100.00"));
        deal(Map.of("title", "b", "pipelineId", renewals, "amount", "33.33", "stage", "due"));
        deal(Map.of("title", "c", "pipelineId", renewals, "amount", "10.00", "currency", "EUR",
                "stage", "renewed"));
        deal(Map.of("title", "d", "pipelineId", renewals, "amount", "999.00", "stage", "churned",
                "lostReason", "Price"));
        deal(Map.of("title", "in sales", "amount", "500.00"));

        JsonNode stages = http.get("/api/v1/pipeline?pipelineId=" + renewals).json();
        assertThat(stages.size()).isEqualTo(3);
        assertThat(stages.get(0).get("count").asLong()).isEqualTo(2);
        assertThat(stages.get(0).get("amounts").get("USD").asString()).isEqualTo("133.33");
        assertThat(stages.get(0).get("weighted").get("USD").asString()).isEqualTo("66.66");
        assertThat(stages.get(1).get("weighted").get("EUR").asString()).isEqualTo("10.00");
        assertThat(stages.get(2).get("weighted").get("USD").asString()).isEqualTo("0.00");
        assertThat(stages.get(2).get("outcome").asString()).isEqualTo("lost");

        JsonNode forecast = http.get("/api/v1/pipelines/" + renewals).json().get("forecast");
        assertThat(forecast.toString()).isEqualTo("{\"EUR\":\"10.00\",\"USD\":\"66.66\"}");
        // the default pipeline: lead at 20 %
        assertThat(http.get("/api/v1/pipelines/" + DEFAULT).json().get("forecast").toString())
                .isEqualTo("{\"USD\":\"100.00\"}");
        assertThat(http.get("/api/v1/pipeline").json().get(0).get("amounts").get("USD").asString())
                .isEqualTo("500.00");
        assertThat(http.get("/api/v1/pipeline?pipelineId=nope").status()).isEqualTo(400);
    }

    @Test
    void totalsAreKeptUntilADealChangesOnAnyReplica() {
        deal(Map.of("title", "a", "amount", "100.00"));
        // while the change waits for the relay, each ask folds anew
        assertThat(http.get("/api/v1/pipeline").json().get(0).get("count").asLong()).isEqualTo(1);
        relayed();
        assertThat(http.get("/api/v1/pipeline").json().get(0).get("count").asLong()).isEqualTo(1);

        // written beside the service (no event, as no part of it writes): the kept totals do not see it...
        mongo.getCollection(DealSchema.COLLECTION).insertOne(new Document("_id", new ObjectId())
                .append("title", "beside").append("stage", "lead").append("currency", "USD")
                .append("pipelineId", Pipelines.DEFAULT_ID).append("amount",
                        new org.bson.types.Decimal128(new java.math.BigDecimal("5.00")))
                .append(RecordMeta.META, RecordMeta.forNew(clock.instant(), null)));
        JsonNode kept = http.get("/api/v1/pipeline").json().get(0);
        assertThat(kept.get("count").asLong()).as("kept").isEqualTo(1);
        assertThat(kept.get("amounts").get("USD").asString()).isEqualTo("100.00");

        // ...until a deal changes: the change token is in the store, so another replica's change counts too
        new ChangeTokens(mongo.getDb()).accept(List.of(new io.crm.events.Event(new ObjectId(), "deal.updated",
                clock.instant(), new io.crm.events.Actor("u", "elsewhere"), "deal", new ObjectId().toHexString(),
                List.of(), 2)));
        JsonNode folded = http.get("/api/v1/pipeline").json().get(0);
        assertThat(folded.get("count").asLong()).isEqualTo(2);
        assertThat(folded.get("amounts").get("USD").asString()).isEqualTo("105.00");

        // and a change made here, before and after it is relayed
        String id = deal(Map.of("title", "b", "amount", "1.00")).get("id").asString();
        assertThat(http.get("/api/v1/pipeline").json().get(0).get("count").asLong()).isEqualTo(3);
        relayed();
        http.patch("/api/v1/deals/" + id, Map.of("stage", "qualified"));
        assertThat(http.get("/api/v1/pipeline").json().get(0).get("count").asLong()).isEqualTo(2);
        relayed();
        JsonNode after = http.get("/api/v1/pipeline").json();
        assertThat(after.get(0).get("count").asLong()).isEqualTo(2);
        assertThat(after.get(1).get("count").asLong()).isEqualTo(1);
    }

    @Test
    void aStageWithDealsCannotBeRemovedAndAnEmptyOneCan() {
        String renewals = renewals();
        deal(Map.of("title", "a", "pipelineId", renewals));
        Http.Response refused = http.patch("/api/v1/pipelines/" + renewals, Map.of("stages", List.of(
                Map.of("key", "renewed", "outcome", "won"), Map.of("key", "churned", "outcome", "lost"))));
        assertThat(refused.status()).as(refused.toString()).isEqualTo(409);
        assertThat(refused.json().get("detail").asString()).contains("due").contains("1 deal");

        JsonNode changed = http.patch("/api/v1/pipelines/" + renewals, Map.of("name", "Renewals 2027",
                "stages", List.of(Map.of("key", "due", "probability", 70), Map.of("key", "renewed",
                        "outcome", "won")))).json();
        assertThat(changed.get("name").asString()).isEqualTo("Renewals 2027");
        assertThat(changed.get("stages").size()).isEqualTo(2);
        assertThat(changed.get("stages").get(0).get("probability").asInt()).isEqualTo(70);
        assertThat(http.get("/api/v1/pipelines/" + new ObjectId()).status()).isEqualTo(404);
    }

    @Test
    void badPipelinesAre400WithTheFieldPath() {
        assertThat(errorFields(http.post("/api/v1/pipelines", Map.of("stages", List.of(Map.of("key", "a"))))))
                .containsExactly("name");
        assertThat(errorFields(http.post("/api/v1/pipelines", Map.of("name", "x", "stages", List.of()))))
                .containsExactly("stages");
        assertThat(errorFields(http.post("/api/v1/pipelines", Map.of("name", "x", "stages", List.of(
                Map.of("key", "a", "probability", 150), Map.of("key", "b", "outcome", "maybe"),
                Map.of("key", "c", "probability", "high"), Map.of("label", "no key"), "text",
                Map.of("key", "d", "colour", "red"))))))
                .containsExactly("stages[0].probability", "stages[1].outcome", "stages[2].probability",
                        "stages[3].key", "stages[4]", "stages[5].colour");
        assertThat(errorFields(http.post("/api/v1/pipelines", Map.of("name", "x", "stages", List.of(
                Map.of("key", "a"), Map.of("key", "a")))))).containsExactly("stages");
        assertThat(errorFields(http.post("/api/v1/pipelines", Map.of("name", "x", "stages", List.of(
                Map.of("key", "Not A Key")))))).containsExactly("stages");
        assertThat(errorFields(http.post("/api/v1/pipelines", Map.of("name", "x", "owner", "me",
                "stages", List.of(Map.of("key", "a")))))).containsExactly("owner");
    }

    @Test
    void aPipelineMadeOnAnotherReplicaIsUsableAtOnceAndOldDealsAreMigrated() {
        // this replica has read the pipelines (and keeps them for a few seconds)
        assertThat(http.get("/api/v1/pipelines").json().get("items").size()).isEqualTo(1);
        assertThat(pipelines.all()).hasSize(1);
        ObjectId elsewhere = new ObjectId();
        mongo.getCollection(Pipelines.COLLECTION).insertOne(new Document("_id", elsewhere).append("name", "EMEA")
                .append("stages", List.of(new Document("key", "new").append("label", "New").append("probability", 10)
                        .append("outcome", null))));
        assertThat(deal(Map.of("title", "x", "pipelineId", elsewhere.toHexString())).get("stage").asString())
                .isEqualTo("new");

        ObjectId old = new ObjectId();
        mongo.getCollection(DealSchema.COLLECTION).insertOne(new Document("_id", old).append("title", "old")
                .append("stage", "lead").append("currency", "USD").append("amount",
                        new org.bson.types.Decimal128(new java.math.BigDecimal("5.00")))
                .append(RecordMeta.META, RecordMeta.forNew(clock.instant(), null)));
        // read as the default pipeline's before and after the migration
        assertThat(http.get("/api/v1/deals?pipelineId=" + DEFAULT + "&stage=lead").json().get("items").size())
                .isEqualTo(1);
        assertThat(http.get("/api/v1/pipeline").json().get(0).get("count").asLong()).isEqualTo(1);
        assertThat(pipelines.migrateDeals()).isEqualTo(1);
        assertThat(pipelines.migrateDeals()).as("idempotent").isZero();
        // and it gets the amount sort's key, so it sorts among the others
        assertThat(pipelines.migrateAmountKeys()).isEqualTo(1);
        assertThat(pipelines.migrateAmountKeys()).as("idempotent").isZero();
        assertThat(RecordMeta.of(mongo.getCollection(DealSchema.COLLECTION).find(new Document("_id", old)).first())
                .get("amountKey")).isEqualTo(new org.bson.types.Decimal128(new java.math.BigDecimal("5.00")));
        assertThat(mongo.getCollection(DealSchema.COLLECTION).find(new Document("_id", old)).first()
                .get("pipelineId")).isEqualTo(Pipelines.DEFAULT_ID);
        Http.Response inElsewhere = http.get("/api/v1/deals?pipelineId=" + elsewhere.toHexString());
        assertThat(inElsewhere.json().get("items").size()).as(inElsewhere.toString()).isEqualTo(1);
    }
}
