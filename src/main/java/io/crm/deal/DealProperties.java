package io.crm.deal;

import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Deal settings: {@code crm.deals.default-currency} (ISO 4217), {@code crm.deals.stages} (the pipeline, in order;
 * the first is a new deal's stage) and {@code crm.deals.closed-stages} (stages that set closedAt).
 */
@ConfigurationProperties("crm.deals")
public record DealProperties(@DefaultValue("USD") String defaultCurrency,
                             @DefaultValue({"lead", "qualified", "proposal", "negotiation", "won", "lost"})
                             List<String> stages,
                             @DefaultValue({"won", "lost"}) List<String> closedStages) {
}
