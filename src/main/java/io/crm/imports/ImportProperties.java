package io.crm.imports;

import java.time.Duration;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import org.hibernate.validator.constraints.time.DurationMin;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * {@code crm.imports.*}: CSV imports (docs/v1-resources.md "CSV import and export"). Defaults live in
 * application.yaml only; a missing or out-of-range value stops startup naming the property.
 *
 * @param maxRows       data rows in one file
 * @param maxColumns    columns in one file
 * @param maxCellLength characters in one cell
 * @param batchSize     rows written to the database per batch
 * @param maxErrors     row errors kept per import
 * @param concurrency   imports running at once per replica
 * @param queue         imports waiting behind them (more: 503 + Retry-After)
 * @param staleAfter    a running import without progress for this long is shown as failed (its runner went away)
 */
@Validated
@ConfigurationProperties("crm.imports")
public record ImportProperties(@NotNull @Positive Long maxRows,
                               @NotNull @Positive Integer maxColumns,
                               @NotNull @Positive Integer maxCellLength,
                               @NotNull @Positive Integer batchSize,
                               @NotNull @Positive Integer maxErrors,
                               @NotNull @Positive Integer concurrency,
                               @NotNull @Positive Integer queue,
                               @NotNull @DurationMin(millis = 1) Duration staleAfter) {
}
