package io.crm.events;

import java.time.Duration;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.hibernate.validator.constraints.time.DurationMin;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * {@code crm.events.*}: the relay that moves pending events from the records to the consumers ({@link EventRelay}).
 * Defaults live in application.yaml only.
 *
 * @param pollEvery   how often the relay looks for pending events when no write of this process woke it (events
 *                    written by other replicas, or left by a crash, wait at most this long)
 * @param batchSize   objects (and permanent deletes) read per relay step
 * @param lease       how long one replica holds the relay lease per run; a dead holder's lease ends after this, and
 *                    another replica takes over
 * @param settleAfter how long a permanent delete may take before its intent, with the object still there, is dropped
 */
@Validated
@ConfigurationProperties("crm.events")
public record EventsProperties(@NotNull @DurationMin(millis = 1) Duration pollEvery,
                               @Min(1) @Max(10_000) int batchSize,
                               @NotNull @DurationMin(seconds = 1) Duration lease,
                               @NotNull @DurationMin(seconds = 1) Duration settleAfter) {
}
