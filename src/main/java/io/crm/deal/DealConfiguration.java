package io.crm.deal;

import io.crm.record.Field;
import io.crm.record.Fields;

import org.slf4j.LoggerFactory;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
public class DealConfiguration {

    /** A misconfigured pipeline stops startup with a message naming the property, instead of failing later. */
    @Bean
    DealPipeline dealPipeline(DealProperties properties) {
        try {
            Fields.currency().convert(properties.defaultCurrency());
        } catch (Field.InvalidValue e) {
            throw new IllegalArgumentException("crm.deals.default-currency " + e.getMessage());
        }
        return new DealPipeline(properties.stages(), properties.closedStages());
    }

    /**
     * Deals stored before pipelines existed get the default pipeline's id, and deals stored before the amount sort
     * its key, once per start (idempotent, safe on every replica: each only sets what is missing).
     */
    @Bean
    ApplicationListener<ApplicationReadyEvent> dealPipelineMigration(Pipelines pipelines) {
        return event -> {
            pipelines.allFresh(); // seeds the default pipeline on the first start
            long migrated = pipelines.migrateDeals();
            if (migrated > 0) {
                LoggerFactory.getLogger(DealConfiguration.class)
                        .info("deals: {} deals stored before pipelines now belong to the default pipeline", migrated);
            }
            long keyed = pipelines.migrateAmountKeys();
            if (keyed > 0) {
                LoggerFactory.getLogger(DealConfiguration.class)
                        .info("deals: {} deals stored before the amount sort now have its key", keyed);
            }
        };
    }
}
