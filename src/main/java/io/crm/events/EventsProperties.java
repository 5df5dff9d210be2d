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
 * @param pollEvery   how often the relay wakes when no write of this process woke it
 * @param scanEvery   how often the relay searches every collection for pending events (events written by other
 *                    replicas, or left by a crash, wait about this long; a write of this process is relayed at once,
 *                    looked up by id): an index walk on MongoDB, a collection scan on the embedded store
 * @param batchSize   objects (and permanent deletes) read per relay step
 * @param lease       how long one replica holds the relay lease per run; a dead holder's lease ends after this, and
 *                    another replica takes over
 * @param settleAfter how long a permanent delete may take before its intent, with the object still there, is dropped
 */
@Validated
@ConfigurationProperties("crm.events")
public record EventsProperties(@NotNull @DurationMin(millis = 1) Duration pollEvery,
                               @NotNull @DurationMin(millis = 1) Duration scanEvery,
                               @Min(1) @Max(10_000) int batchSize,
                               @NotNull @DurationMin(seconds = 1) Duration lease,
                               @NotNull @DurationMin(seconds = 1) Duration settleAfter) {
}
