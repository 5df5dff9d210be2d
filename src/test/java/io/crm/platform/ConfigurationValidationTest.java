package io.crm.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;

import io.crm.events.EventsProperties;
import io.crm.deal.DealProperties;
import io.crm.imports.ImportProperties;
import io.crm.store.StoreProperties;
import io.crm.platform.web.LimitsProperties;
import io.crm.security.SecurityProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

/**
 * A bad value in the environment stops startup, and the failure report names the property: the settings are bound
 * from application.yaml's placeholders (as in production) into the properties records and validated then. Boot
 * names a value that converts but breaks a constraint in its Java spelling ({@code crm.limits.maxPageSize}, which
 * relaxed binding takes as {@code crm.limits.max-page-size}), one that does not convert in the file's spelling.
 */
@ExtendWith(OutputCaptureExtension.class)
class ConfigurationValidationTest {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties({LimitsProperties.class, SecurityProperties.class, StoreProperties.class,
            DealProperties.class, EventsProperties.class, ImportProperties.class})
    static class Settings {
    }

    @Test
    void theDefaultsAreValid() {
        try (ConfigurableApplicationContext context = start(Map.of())) {
            assertThat(context.getBean(LimitsProperties.class).maxPageSize()).isEqualTo(100);
            assertThat(context.getBean(SecurityProperties.class).enabled()).isTrue();
        }
    }

    @ParameterizedTest
    @CsvSource({
            "CRM_MAX_PAGE_SIZE, 0, crm.limits.maxPageSize",
            "CRM_MAX_PAGE_SIZE, -5, crm.limits.maxPageSize",
            "CRM_MAX_TAGS, many, crm.limits.max-tags",
            "CRM_MAX_BODY_SIZE, 0B, crm.limits.max-body-size",
            "CRM_LOGIN_LIMIT_DELAY, 0s, crm.security.rateLimit.firstDelay",
            "CRM_LOGIN_LIMIT_PER_ADDRESS, 0, crm.security.rateLimit.perAddress",
            "CRM_TOKEN_MAX_DAYS, 0, crm.security.tokens.maxExpiresInDays",
            "CRM_AUTH_ENABLED, maybe, crm.security.enabled",
            "CRM_DB_TIMEOUT, 0s, crm.mongodb.serverSelectionTimeout",
            "CRM_IMPORT_CONCURRENCY, 0, crm.imports.concurrency",
    })
    void aBadValueStopsStartupNamingTheProperty(String variable, String value, String property,
                                                CapturedOutput output) {
        assertThatThrownBy(() -> start(Map.of(variable, value)).close()).isInstanceOf(RuntimeException.class);
        assertThat(output.getOut() + output.getErr())
                .contains("APPLICATION FAILED TO START")
                .contains(property);
    }

    /**
     * The variables go in as properties of their own name, which is what application.yaml's placeholders read. Plain
     * text logs, as the other tests that start Spring use: the logging system outlives this context in the test JVM.
     */
    private static ConfigurableApplicationContext start(Map<String, Object> variables) {
        Map<String, Object> properties = new HashMap<>(variables);
        properties.put("CRM_LOG_FORMAT", "");
        SpringApplication application = new SpringApplication(Settings.class);
        application.setWebApplicationType(WebApplicationType.NONE);
        application.setDefaultProperties(properties);
        return application.run();
    }
}
