package io.crm.platform.web;

import java.time.Duration;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;

import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * {@code crm.requests.*}: how many requests are handled at once ({@link ActiveRequestsFilter}). Defaults live in
 * application.yaml only.
 *
 * @param maxActive requests handled at once on one replica; keep it below the MongoDB connection pool's size (100
 *                  unless the URI's {@code maxPoolSize} says otherwise), so that background work (the event relay,
 *                  webhook deliveries, leases) always finds a connection
 * @param maxWait   how long a request waits for its turn before it is answered 503
 */
@Validated
@ConfigurationProperties("crm.requests")
public record ActiveRequestsProperties(@NotNull @Positive Integer maxActive,
                                       @NotNull @DurationMin(millis = 1) Duration maxWait) {
}
