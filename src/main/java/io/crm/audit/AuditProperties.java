package io.crm.audit;

import java.time.Duration;

import jakarta.validation.constraints.NotNull;
import org.hibernate.validator.constraints.time.DurationMin;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * {@code crm.audit.*}: how pending audit events are settled ({@link AuditReconciler}). Defaults live in
 * application.yaml only; a missing or out-of-range value stops startup naming the property.
 *
 * @param reconcileEvery pause between reconcile runs (and before the first)
 * @param settleAfter    how old a pending event must be before it is settled
 */
@Validated
@ConfigurationProperties("crm.audit")
public record AuditProperties(@NotNull @DurationMin(millis = 1) Duration reconcileEvery,
                              @NotNull @DurationMin(millis = 0) Duration settleAfter) {
}
