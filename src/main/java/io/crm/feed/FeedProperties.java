package io.crm.feed;

import java.time.Duration;

import jakarta.validation.constraints.NotNull;
import org.hibernate.validator.constraints.time.DurationMin;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * {@code crm.feed.*}: the event feed (docs/events.md). Defaults live in application.yaml only; a missing or
 * out-of-range value stops startup naming the property.
 *
 * @param retention    how long the feed keeps an event (after its {@code occurredAt}); older ones are deleted
 * @param cleanupEvery pause between retention clean-ups (and before the first)
 */
@Validated
@ConfigurationProperties("crm.feed")
public record FeedProperties(@NotNull @DurationMin(minutes = 1) Duration retention,
                             @NotNull @DurationMin(seconds = 1) Duration cleanupEvery) {
}
