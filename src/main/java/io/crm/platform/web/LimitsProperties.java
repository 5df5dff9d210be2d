package io.crm.platform.web;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * {@code crm.limits.*}: the size limits on request content (README "Configuration", docs/security.md). Defaults live
 * in application.yaml only; a value that is missing or not positive stops startup naming the property.
 *
 * @param maxBodySize     largest JSON request body (413 beyond)
 * @param maxJsonDepth    JSON nesting depth, enforced while parsing (400 beyond)
 * @param maxStringLength longest JSON string, enforced while parsing (400 beyond)
 * @param maxPageSize     largest page a list returns ({@code limit} 1 to this)
 * @param maxTags         tags per record
 * @param maxAttributes   free-form attributes per record
 * @param maxBulk         items in one bulk request (the legacy bulk insert)
 * @param maxBulkDelete   ids in one bulk delete
 */
@Validated
@ConfigurationProperties("crm.limits")
public record LimitsProperties(@NotNull DataSize maxBodySize,
                               @NotNull @Positive Integer maxJsonDepth,
                               @NotNull @Positive Integer maxStringLength,
                               @NotNull @Positive Integer maxPageSize,
                               @NotNull @Positive Integer maxTags,
                               @NotNull @Positive Integer maxAttributes,
                               @NotNull @Positive Integer maxBulk,
                               @NotNull @Positive Integer maxBulkDelete) {

    public LimitsProperties {
        // Jakarta Validation has no constraint for DataSize; the binder reports this with the property's name too
        if (maxBodySize != null && maxBodySize.toBytes() < 1) {
            throw new IllegalArgumentException("crm.limits.max-body-size must be at least 1 byte, not " + maxBodySize);
        }
    }
}
