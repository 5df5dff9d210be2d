package io.crm.property;

import jakarta.validation.constraints.Min;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/** {@code crm.properties.max-per-object}: how many live custom properties an object type may have. */
@Validated
@ConfigurationProperties("crm.properties")
public record PropertyLimits(@Min(1) int maxPerObject) {
}
