package io.crm.store;

import java.nio.file.Path;
import java.time.Duration;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import org.hibernate.validator.constraints.time.DurationMin;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Where the data lives ({@code crm.mongodb.*}, {@code crm.data-dir}): a real MongoDB when {@code uri} is set,
 * otherwise the embedded store under {@code dataDir}, with its non-unique indexes kept when {@code embeddedIndexes}
 * (on by default: docs/operations.md "Embedded store indexes"); {@code virtualThreads} is read before the context
 * exists, by {@link RequestThreads}, and bound here with the other settings. Defaults live in application.yaml
 * only; a missing or out-of-range value stops startup naming the property.
 */
@Validated
@ConfigurationProperties("crm")
public record StoreProperties(@NotNull @Valid Mongodb mongodb, @NotNull Path dataDir, boolean embeddedIndexes,
                              @NotNull @Pattern(regexp = "(?i)auto|true|false") String virtualThreads) {

    /**
     * {@code uri} empty or absent: the embedded store. {@code transactions}: whether multi-document operations run in
     * a transaction ({@link StoreCapabilities.TransactionsMode}; auto: when the store supports them).
     */
    public record Mongodb(String uri,
                          @NotNull String defaultDatabase,
                          @NotNull @DurationMin(millis = 1) Duration serverSelectionTimeout,
                          @NotNull @DurationMin(millis = 1) Duration connectTimeout,
                          @NotNull @DurationMin(millis = 1) Duration socketTimeout,
                          @NotNull StoreCapabilities.TransactionsMode transactions) {

        public boolean external() {
            return uri != null && !uri.isBlank();
        }
    }
}
