package io.crm.mail;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import org.hibernate.validator.constraints.time.DurationMin;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * {@code crm.mail.*}: how the service sends mail (the SMTP relay itself is Spring Boot's {@code spring.mail.*}; mail
 * is off while {@code spring.mail.host} is empty). Defaults live in application.yaml only.
 *
 * @param from        the From of every message: an address, or {@code Name <address>}
 * @param publicUrl   the base of the links in messages (the service as browsers reach it)
 * @param retryDelays waits between attempts of a message refused for a passing reason; after the last it has failed
 * @param pollEvery   how often a replica looks for due messages
 * @param keep        how long sent and failed messages are kept
 */
@Validated
@ConfigurationProperties("crm.mail")
public record MailProperties(@NotBlank String from,
                             @NotNull URI publicUrl,
                             @NotEmpty List<@NotNull @DurationMin(millis = 1) Duration> retryDelays,
                             @NotNull @DurationMin(millis = 1) Duration pollEvery,
                             @NotNull @DurationMin(hours = 1) Duration keep) {

    /** An absolute link: the public URL with this path (which starts with a slash) and query. */
    public String link(String pathAndQuery) {
        String base = publicUrl.toString();
        return (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + pathAndQuery;
    }
}
