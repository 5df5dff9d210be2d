package io.crm.deal;

import io.crm.record.Field;
import io.crm.record.Fields;

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
}
