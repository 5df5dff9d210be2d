package io.crm.property;

import jakarta.validation.constraints.Min;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/** {@code crm.properties.max-per-object}: live custom properties an object type may have (default in application.yaml). */
@Validated
@ConfigurationProperties("crm.properties")
public record PropertyLimits(@Min(1) int maxPerObject) {
}
