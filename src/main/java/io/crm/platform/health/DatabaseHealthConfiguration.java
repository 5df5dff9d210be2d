package io.crm.platform.health;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
public class DatabaseHealthConfiguration {

    /**
     * Replaces Boot's MongoDB indicator (named so it backs off): that one sends {@code hello}, which the embedded store
     * does not implement; {@code ping} works on MongoDB and on the embedded store alike, and is what /ready uses.
     */
    @Bean
    HealthIndicator mongoHealthContributor(DatabasePing ping) {
        return () -> ping.ok() ? Health.up().build() : Health.down().build();
    }
}
