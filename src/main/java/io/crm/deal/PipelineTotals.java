package io.crm.deal;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Per-stage deal counts, exact (BigDecimal) amount sums per currency and the weighted forecast (amount x the stage's
 * probability) per currency, folded one deal at a time so memory stays flat however many deals there are. Stages
 * outside the pipeline (removed meanwhile) are skipped.
 */
public final class PipelineTotals {

    private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

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

    /**
     * One entry per stage, in pipeline order: {stage, label, probability, outcome, count, amounts: {currency:
     * "1234.50"}, weighted: {currency: "617.25"}}; weighted sums are rounded half-even to cents once per stage.
     */
    public List<Map<String, Object>> toJson() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (DealPipeline.Stage stage : pipeline.stageDetails()) {
            Map<String, Object> sums = new LinkedHashMap<>();
            Map<String, Object> weighted = new LinkedHashMap<>();
            amounts.get(stage.key()).forEach((currency, sum) -> {
                sums.put(currency, sum.setScale(2, RoundingMode.UNNECESSARY).toPlainString());
                weighted.put(currency, weighted(sum, stage.probability()).toPlainString());
            });
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("stage", stage.key());
            entry.put("label", stage.label());
            entry.put("probability", stage.probability());
            entry.put("outcome", stage.outcome() == null ? null : stage.outcome().json());
            entry.put("count", counts.get(stage.key()));
            entry.put("amounts", sums);
            entry.put("weighted", weighted);
            out.add(entry);
        }
        return out;
    }

    /**
     * The weighted forecast per currency: the sum over the pipeline's stages of amount x probability (a won stage
     * counts fully at 100, a lost one not at all at 0).
     */
    public Map<String, String> forecast() {
        TreeMap<String, BigDecimal> total = new TreeMap<>();
        for (DealPipeline.Stage stage : pipeline.stageDetails()) {
            amounts.get(stage.key()).forEach((currency, sum) ->
                    total.merge(currency, weighted(sum, stage.probability()), BigDecimal::add));
        }
        Map<String, String> out = new LinkedHashMap<>();
        total.forEach((currency, sum) -> out.put(currency, sum.toPlainString()));
        return out;
    }

    private static BigDecimal weighted(BigDecimal sum, int probability) {
        return sum.multiply(BigDecimal.valueOf(probability)).divide(HUNDRED, 2, RoundingMode.HALF_EVEN);
    }
}
