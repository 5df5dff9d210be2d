package io.crm.search;

import java.time.Duration;

import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * {@code crm.search.*}: {@code max-time}, the server-side time limit of one search's queries (MongoDB's
 * {@code maxTimeMS}); beyond it the search answers 503. The default lives in application.yaml only.
 */
@Validated
@ConfigurationProperties("crm.search")
public record SearchProperties(@NotNull Duration maxTime) {

    public SearchProperties {
        if (maxTime != null && (maxTime.isNegative() || maxTime.isZero())) {
            throw new IllegalArgumentException("crm.search.max-time must be positive, not " + maxTime);
        }
    }
}
