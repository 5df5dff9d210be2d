package io.crm.deal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

class DealPipelineTest {

    private static final List<String> STAGES = List.of("lead", "qualified", "proposal", "negotiation", "won", "lost");
    private final DealPipeline pipeline = new DealPipeline(STAGES, List.of("won", "lost"));
    private final Instant now = Instant.parse("2026-05-01T10:00:00Z");
    private final Instant earlier = Instant.parse("2026-04-01T10:00:00Z");

    @Test
    void firstStageIsTheDefault() {
        assertThat(pipeline.defaultStage()).isEqualTo("lead");
        assertThat(pipeline.stages()).containsExactlyElementsOf(STAGES);
        assertThat(pipeline.contains("won")).isTrue();
        assertThat(pipeline.contains("signed")).isFalse();
        assertThat(pipeline.isClosed("lost")).isTrue();
        assertThat(pipeline.isClosed("proposal")).isFalse();
    }

    @Test
    void enteringAClosingStageSetsClosedAt() {
        assertThat(pipeline.closedAt("negotiation", "won", null, now)).isEqualTo(now);
        assertThat(pipeline.closedAt("lead", "lost", null, now)).isEqualTo(now);
        assertThat(pipeline.closedAt(null, "won", null, now)).as("created won").isEqualTo(now);
    }

    @Test
    void stayingClosedKeepsClosedAtAndMovingBetweenClosingStagesClosesAnew() {
        assertThat(pipeline.closedAt("won", "won", earlier, now)).isEqualTo(earlier);
        assertThat(pipeline.closedAt("won", "lost", earlier, now)).isEqualTo(now);
        assertThat(pipeline.closedAt("won", "won", null, now)).as("closed without a date (old data)").isEqualTo(now);
    }

    @Test
    void openStagesHaveNoClosedAt() {
        assertThat(pipeline.closedAt("won", "negotiation", earlier, now)).isNull();
        assertThat(pipeline.closedAt("lead", "qualified", null, now)).isNull();
        assertThat(pipeline.closedAt(null, "lead", null, now)).isNull();
    }

    @Test
    void badConfigurationIsRejectedWithThePropertyName() {
        assertThatThrownBy(() -> new DealPipeline(List.of(), List.of()))
                .hasMessageContaining("crm.deals.stages");
        assertThatThrownBy(() -> new DealPipeline(List.of("lead", "lead"), List.of()))
                .hasMessageContaining("twice");
        assertThatThrownBy(() -> new DealPipeline(List.of("Lead Stage"), List.of()))
                .hasMessageContaining("not a stage name");
        assertThatThrownBy(() -> new DealPipeline(Arrays.asList("lead", null), List.of()))
                .hasMessageContaining("not a stage name");
        assertThatThrownBy(() -> new DealPipeline(List.of("lead", "won"), List.of("lost")))
                .hasMessageContaining("crm.deals.closed-stages");
        assertThatThrownBy(() -> new DealConfiguration().dealPipeline(
                new DealProperties("DOLLARS", STAGES, List.of("won"), List.of())))
                .hasMessageContaining("crm.deals.default-currency");
    }

    @Test
    void stageNamesAreTrimmedAndAPipelineNeedNotCloseDeals() {
        DealPipeline simple = new DealPipeline(List.of(" open ", "done"), null);
        assertThat(simple.stages()).containsExactly("open", "done");
        assertThat(simple.closedAt("open", "done", null, now)).isNull();
    }

    @Test
    void theSettingsSeedProbabilitiesAndOutcomes() {
        assertThat(pipeline.stageDetails()).extracting(DealPipeline.Stage::probability)
                .containsExactly(20, 40, 60, 80, 100, 0);
        assertThat(pipeline.isLost("lost")).isTrue();
        assertThat(pipeline.isLost("won")).isFalse();
        assertThat(pipeline.stage("won").orElseThrow().outcome()).isEqualTo(DealPipeline.Outcome.WON);
        assertThat(pipeline.stage("closed_lost")).isEmpty();
        assertThat(pipeline.stage("lead").orElseThrow().label()).isEqualTo("Lead");
        assertThat(new DealPipeline(List.of("new", "closed_lost"), List.of("closed_lost")).isLost("closed_lost"))
                .isTrue();
    }

    @Test
    void aDealMovedToAnotherPipelineKeepsItsStageOrItsOutcome() {
        DealPipeline renewals = new DealPipeline("p2", "Renewals", List.of(
                new DealPipeline.Stage("due", "Due", 50, null),
                new DealPipeline.Stage("renewed", "Renewed", 100, DealPipeline.Outcome.WON),
                new DealPipeline.Stage("churned", "Churned", 0, DealPipeline.Outcome.LOST)), "stages");
        assertThat(renewals.mapStage("lost", DealPipeline.Outcome.LOST)).isEqualTo("churned");
        assertThat(renewals.mapStage("won", DealPipeline.Outcome.WON)).isEqualTo("renewed");
        assertThat(renewals.mapStage("proposal", null)).as("an open stage it lacks: its first").isEqualTo("due");
        assertThat(pipeline.mapStage("proposal", null)).as("the same key").isEqualTo("proposal");
        assertThatThrownBy(() -> new DealPipeline("p", "x", List.of(new DealPipeline.Stage("a", "A", 101, null)),
                "stages")).hasMessageContaining("0 to 100");
    }
}
