package io.crm.deal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One sales pipeline: its stages in order (the first is a new deal's stage), each with a win probability and whether
 * it closes a deal as won or lost. Holds the closedAt and stage-mapping rules, so they are testable without Spring or
 * a database. Pipelines are managed at runtime ({@link Pipelines}); the configured stages seed the default one.
 */
public final class DealPipeline {

    private static final Pattern STAGE = Pattern.compile("^[a-z][a-z0-9_-]{0,49}$");

    /** How a stage ends a deal: open (null), won or lost. */
    public enum Outcome {
        WON, LOST;

        public String json() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The outcome named in JSON ("won", "lost"), null for none; anything else is an error. */
        public static Outcome ofJson(Object value) {
            if (value == null) {
                return null;
            }
            for (Outcome outcome : values()) {
                if (outcome.json().equals(value)) {
                    return outcome;
                }
            }
            throw new IllegalArgumentException("must be won, lost or null");
        }
    }

    /** A stage: its key (what a deal stores), label, win probability (0 to 100) and outcome (null while open). */
    public record Stage(String key, String label, int probability, Outcome outcome) {
    }

    private final String id;
    private final String name;
    private final List<Stage> stages;

    /**
     * A validated pipeline; {@link IllegalArgumentException} names what is wrong, with {@code source} (the setting or
     * the body field) as the prefix.
     */
    public DealPipeline(String id, String name, List<Stage> stages, String source) {
        if (stages == null || stages.isEmpty()) {
            throw new IllegalArgumentException(source + " must name at least one stage");
        }
        LinkedHashSet<String> keys = new LinkedHashSet<>();
        for (Stage stage : stages) {
            if (stage == null || stage.key() == null || !STAGE.matcher(stage.key()).matches()) {
                throw new IllegalArgumentException(source + ": '" + (stage == null ? null : stage.key())
                        + "' is not a stage name (lower-case letters, digits, _ and -, starting with a letter)");
            }
            if (!keys.add(stage.key())) {
                throw new IllegalArgumentException(source + ": '" + stage.key() + "' is listed twice");
            }
            if (stage.probability() < 0 || stage.probability() > 100) {
                throw new IllegalArgumentException(source + ": the probability of '" + stage.key()
                        + "' must be 0 to 100");
            }
        }
        this.id = id;
        this.name = name;
        this.stages = List.copyOf(stages);
    }

    /**
     * The pipeline the settings describe ({@code crm.deals.stages}, {@code crm.deals.closed-stages}): a closing stage
     * whose name contains "lost" loses (probability 0), one whose name contains "won" wins (100), otherwise the first
     * closing stage wins and the others lose (so "signed,dropped" is won, lost); open stages get evenly rising
     * probabilities (with four open stages: 20, 40, 60, 80). Seeds the default pipeline on first start.
     */
    public DealPipeline(List<String> stageNames, List<String> closedStages) {
        this(null, "Sales", fromSettings(stageNames, closedStages), "crm.deals.stages");
    }

    private static List<Stage> fromSettings(List<String> stageNames, List<String> closedStages) {
        if (stageNames == null || stageNames.isEmpty()) {
            throw new IllegalArgumentException("crm.deals.stages must name at least one stage");
        }
        List<String> names = stageNames.stream().map(s -> s == null ? "" : s.strip()).toList();
        LinkedHashSet<String> closed = new LinkedHashSet<>();
        for (String raw : closedStages == null ? List.<String>of() : closedStages) {
            String stage = raw == null ? "" : raw.strip();
            if (!names.contains(stage)) {
                throw new IllegalArgumentException("crm.deals.closed-stages: '" + raw
                        + "' is not one of crm.deals.stages " + names);
            }
            closed.add(stage);
        }
        long open = names.stream().filter(n -> !closed.contains(n)).count();
        List<Stage> stages = new ArrayList<>();
        int position = 0;
        for (String stageName : names) {
            if (closed.contains(stageName)) {
                boolean lost = stageName.contains("lost")
                        || !stageName.contains("won") && !stageName.equals(closed.iterator().next());
                stages.add(new Stage(stageName, label(stageName), lost ? 0 : 100, lost ? Outcome.LOST : Outcome.WON));
            } else {
                position++;
                stages.add(new Stage(stageName, label(stageName), (int) Math.round(100.0 * position / (open + 1)),
                        null));
            }
        }
        return stages;
    }

    /** "closed_won" -> "Closed won". */
    static String label(String key) {
        String spaced = key.replace('_', ' ').replace('-', ' ');
        return spaced.isEmpty() ? spaced : Character.toUpperCase(spaced.charAt(0)) + spaced.substring(1);
    }

    /** The same stages under a store id and name. */
    public DealPipeline withId(String newId, String newName) {
        return new DealPipeline(newId, newName, stages, "stages");
    }

    public String id() {
        return id;
    }

    public String name() {
        return name;
    }

    public List<Stage> stageDetails() {
        return stages;
    }

    public List<String> stages() {
        return stages.stream().map(Stage::key).toList();
    }

    public Optional<Stage> stage(String key) {
        return stages.stream().filter(s -> s.key().equals(key)).findFirst();
    }

    public String defaultStage() {
        return stages.get(0).key();
    }

    public boolean contains(String stage) {
        return stage(stage).isPresent();
    }

    public boolean isClosed(String stage) {
        return stage(stage).map(s -> s.outcome() != null).orElse(false);
    }

    public boolean isLost(String stage) {
        return stage(stage).map(s -> s.outcome() == Outcome.LOST).orElse(false);
    }

    /** The stage keys that close a deal, in order. */
    public List<String> closedStages() {
        return stages.stream().filter(s -> s.outcome() != null).map(Stage::key).toList();
    }

    /** The win probability of a stage (0 for a stage this pipeline does not have). */
    public int probability(String stage) {
        return stage(stage).map(Stage::probability).orElse(0);
    }

    /**
     * Where a deal in {@code stage} of another pipeline ({@code outcome} there) lands in this one: the stage of the
     * same key, else the first stage with the same outcome (won to won, lost to lost), else the first stage.
     */
    public String mapStage(String stage, Outcome outcome) {
        if (contains(stage)) {
            return stage;
        }
        if (outcome != null) {
            for (Stage candidate : stages) {
                if (candidate.outcome() == outcome) {
                    return candidate.key();
                }
            }
        }
        return defaultStage();
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
