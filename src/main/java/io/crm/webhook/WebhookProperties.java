package io.crm.webhook;

import java.time.Duration;
import java.util.List;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import org.hibernate.validator.constraints.time.DurationMin;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * {@code crm.webhooks.*}: how webhook deliveries are made. Defaults live in application.yaml only; a missing or
 * out-of-range value stops startup naming the property.
 *
 * @param allowHttp       receivers may be plain {@code http://} URLs (tests, on-premise); otherwise https only
 * @param allowPrivate    receivers may be on loopback, private, link-local (metadata) addresses; otherwise refused
 * @param timeout         the limit of one attempt as a whole: connecting, sending, the answer and its body
 * @param disableAfter    a subscription whose deliveries all failed this long since its last success is disabled
 * @param concurrency     deliveries in flight at once on one replica
 * @param perSubscription deliveries of one subscription in flight at once on one replica
 * @param retryDelays     the waits between attempts (each with +-10 % jitter); after the last, the delivery failed
 * @param pollEvery       how often a replica looks for due deliveries
 * @param secretOverlap   how long a rotated-out secret still signs
 * @param keepDeliveries  how long finished deliveries are kept
 */
@Validated
@ConfigurationProperties("crm.webhooks")
public record WebhookProperties(boolean allowHttp,
                                boolean allowPrivate,
                                @NotNull @DurationMin(millis = 1) Duration timeout,
                                @NotNull @DurationMin(minutes = 1) Duration disableAfter,
                                @Min(1) @Max(1000) int concurrency,
                                @Min(1) @Max(1000) int perSubscription,
                                @NotEmpty List<@NotNull @DurationMin(millis = 1) Duration> retryDelays,
                                @NotNull @DurationMin(millis = 1) Duration pollEvery,
                                @NotNull @DurationMin(millis = 0) Duration secretOverlap,
                                @NotNull @DurationMin(hours = 1) Duration keepDeliveries) {
}
