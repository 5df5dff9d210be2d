package io.crm.deal;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class PipelineTotalsTest {

    private final DealPipeline pipeline = new DealPipeline(List.of("lead", "won", "lost"), List.of("won", "lost"));

    @Test
    void sumsAreExactDecimalsPerCurrency() {
        PipelineTotals totals = new PipelineTotals(pipeline);
        totals.add("lead", "USD", new BigDecimal("0.10"));
        totals.add("lead", "USD", new BigDecimal("0.20"));
        totals.add("lead", "EUR", new BigDecimal("1"));
        for (int i = 0; i < 1000; i++) {
            totals.add("won", "USD", new BigDecimal("0.01"));
        }

        List<Map<String, Object>> json = totals.toJson();

        assertThat(json.get(0)).containsEntry("stage", "lead").containsEntry("count", 3L)
                .containsEntry("amounts", Map.of("EUR", "1.00", "USD", "0.30"));
        assertThat(json.get(1)).containsEntry("count", 1000L).containsEntry("amounts", Map.of("USD", "10.00"));
        // in a double, 0.1 + 0.2 is 0.30000000000000004: the totals never go through binary floating point
        assertThat(0.1 + 0.2).isNotEqualTo(0.3);
    }

    @Test
    void everyConfiguredStageAppearsInOrderEvenWhenEmpty() {
        PipelineTotals totals = new PipelineTotals(pipeline);
        totals.add("lost", "USD", null);

        List<Map<String, Object>> json = totals.toJson();

        assertThat(json).extracting(s -> s.get("stage")).containsExactly("lead", "won", "lost");
        assertThat(json.get(0)).containsEntry("count", 0L).containsEntry("amounts", Map.of());
        assertThat(json.get(2)).containsEntry("count", 1L).containsEntry("amounts", Map.of());
    }

    @Test
    void currenciesAreListedAlphabeticallyAndUnknownStagesSkipped() {
        PipelineTotals totals = new PipelineTotals(pipeline);
        totals.add("lead", "USD", BigDecimal.ONE);
        totals.add("lead", "CHF", BigDecimal.ONE);
        totals.add("retired-stage", "USD", BigDecimal.TEN);

        List<Map<String, Object>> json = totals.toJson();

        assertThat(((Map<?, ?>) json.get(0).get("amounts")).keySet().toString()).isEqualTo("[CHF, USD]");
        assertThat(json).hasSize(3);
        assertThat(json).allSatisfy(s -> assertThat(s.get("amounts").toString()).doesNotContain("10"));
    }
}
