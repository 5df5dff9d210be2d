package io.crm.platform.web;

import io.crm.record.Limits;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Configuration;

/** Applies {@code crm.limits.*} (README "Configuration", docs/security.md) to the validation rules at startup. */
@Configuration(proxyBeanMethods = false)
public class LimitsConfiguration {

    LimitsConfiguration(@Value("${crm.limits.max-page-size:100}") int maxPageSize,
                        @Value("${crm.limits.max-tags:20}") int maxTags,
                        @Value("${crm.limits.max-attributes:50}") int maxAttributes,
                        @Value("${crm.limits.max-bulk:100}") int maxBulk,
                        @Value("${crm.limits.max-bulk-delete:1000}") int maxBulkDelete) {
        Limits.configure(new Limits(maxPageSize, maxTags, maxAttributes, maxBulk, maxBulkDelete));
    }
}
