package io.crm.deal;

import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The configured sales pipeline: its stages in order (the first is a new deal's stage) and which of them close a deal.
 * Holds the closedAt rule, so the rule is testable without Spring or a database.
 */
public final class DealPipeline {

    private static final Pattern STAGE = Pattern.compile("^[a-z][a-z0-9_-]{0,49}$");

    private final List<String> stages;
    private final Set<String> closedStages;

    public DealPipeline(List<String> stages, List<String> closedStages) {
        if (stages == null || stages.isEmpty()) {
            throw new IllegalArgumentException("crm.deals.stages must name at least one stage");
        }
        LinkedHashSet<String> unique = new LinkedHashSet<>();
        for (String raw : stages) {
            String stage = raw == null ? "" : raw.strip();
            if (!STAGE.matcher(stage).matches()) {
                throw new IllegalArgumentException("crm.deals.stages: '" + raw
                        + "' is not a stage name (lower-case letters, digits, _ and -, starting with a letter)");
            }
            if (!unique.add(stage)) {
                throw new IllegalArgumentException("crm.deals.stages: '" + stage + "' is listed twice");
            }
        }
        LinkedHashSet<String> closed = new LinkedHashSet<>();
        for (String raw : closedStages == null ? List.<String>of() : closedStages) {
            String stage = raw == null ? "" : raw.strip();
            if (!unique.contains(stage)) {
                throw new IllegalArgumentException("crm.deals.closed-stages: '" + raw
                        + "' is not one of crm.deals.stages " + unique);
            }
            closed.add(stage);
        }
        this.stages = List.copyOf(unique);
        this.closedStages = Set.copyOf(closed);
    }

    public List<String> stages() {
        return stages;
    }

    public String defaultStage() {
        return stages.get(0);
    }

    public boolean contains(String stage) {
        return stages.contains(stage);
    }

    public boolean isClosed(String stage) {
        return closedStages.contains(stage);
    }

    /**
     * The deal's closedAt after its stage goes from {@code from} (null for a new deal) to {@code to}: set to now when
     * the deal enters a closing stage (a move between two closing stages, won to lost, closes it anew), kept while
     * the stage stays the same, cleared when the deal is reopened into an open stage.
     */
    public Instant closedAt(String from, String to, Instant current, Instant now) {
        if (!isClosed(to)) {
            return null;
        }
        if (to.equals(from) && current != null) {
            return current;
        }
        return now;
    }
}
