package io.crm.deal;

import java.util.List;

import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Deal settings: {@code crm.deals.default-currency} (ISO 4217), {@code crm.deals.stages} (the pipeline, in order;
 * the first is a new deal's stage) and {@code crm.deals.closed-stages} (stages that set closedAt), which seed the
 * default pipeline on first start, and {@code crm.deals.lost-reasons} (the reasons a lost deal may give; empty: any). Defaults live in
 * application.yaml only; the values' rules are checked at startup by {@link DealConfiguration}, naming the property.
 */
@Validated
@ConfigurationProperties("crm.deals")
public record DealProperties(@NotNull String defaultCurrency,
                             @NotNull List<String> stages,
                             @NotNull List<String> closedStages,
                             List<String> lostReasons) {
}
