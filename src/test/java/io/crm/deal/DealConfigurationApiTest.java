package io.crm.deal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import io.crm.support.ApiTest;
import io.crm.support.Http;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/** The pipeline and the default currency come from configuration. */
@TestPropertySource(properties = {"crm.deals.stages=new,pitched,signed,dropped",
        "crm.deals.closed-stages=signed,dropped", "crm.deals.default-currency=EUR"})
class DealConfigurationApiTest extends ApiTest {

    @Test
    void configuredPipelineAndCurrencyApply() {
        Http.Response created = http.post("/api/v1/deals", Map.of("title", "a", "amount", "5"));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(created.json().get("stage").asString()).isEqualTo("new");
        assertThat(created.json().get("currency").asString()).isEqualTo("EUR");
        String id = created.json().get("id").asString();

        assertThat(http.post("/api/v1/deals", Map.of("title", "b", "stage", "won")).status()).isEqualTo(400);
        JsonNode signed = http.patch("/api/v1/deals/" + id, Map.of("stage", "signed")).json();
        assertThat(signed.get("closedAt").isNull()).isFalse();

        JsonNode pipeline = http.get("/api/v1/pipeline").json();
        assertThat(pipeline.size()).isEqualTo(4);
        assertThat(pipeline.get(0).get("stage").asString()).isEqualTo("new");
        assertThat(pipeline.get(2).get("stage").asString()).isEqualTo("signed");
        assertThat(pipeline.get(2).get("amounts").get("EUR").asString()).isEqualTo("5.00");
    }
}
