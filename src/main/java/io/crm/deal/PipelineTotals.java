package io.crm.deal;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Per-stage deal counts and exact (BigDecimal) amount sums per currency, folded one deal at a time so memory stays
 * flat however many deals there are. Stages outside the pipeline (left over from an older configuration) are skipped.
 */
public final class PipelineTotals {

    private final DealPipeline pipeline;
    private final Map<String, Long> counts = new LinkedHashMap<>();
    private final Map<String, TreeMap<String, BigDecimal>> amounts = new LinkedHashMap<>();

    public PipelineTotals(DealPipeline pipeline) {
        this.pipeline = pipeline;
        for (String stage : pipeline.stages()) {
            counts.put(stage, 0L);
            amounts.put(stage, new TreeMap<>());
        }
    }

    /** Adds one deal; {@code amount} may be null (a deal without an amount still counts). */
    public void add(String stage, String currency, BigDecimal amount) {
        if (!pipeline.contains(stage)) {
            return;
        }
        counts.merge(stage, 1L, Long::sum);
        if (amount != null && currency != null) {
            amounts.get(stage).merge(currency, amount, BigDecimal::add);
        }
    }

    /** One entry per configured stage, in pipeline order: {stage, count, amounts: {currency: "1234.50"}}. */
    public List<Map<String, Object>> toJson() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (String stage : pipeline.stages()) {
            Map<String, Object> sums = new LinkedHashMap<>();
            amounts.get(stage).forEach((currency, sum) ->
                    sums.put(currency, sum.setScale(2, RoundingMode.UNNECESSARY).toPlainString()));
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("stage", stage);
            entry.put("count", counts.get(stage));
            entry.put("amounts", sums);
            out.add(entry);
        }
        return out;
    }
}
