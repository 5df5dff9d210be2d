package io.crm.feed;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

/** crm.feed.* binds and is validated at startup: a missing or too short value stops it, naming the property. */
class FeedPropertiesTest {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(FeedProperties.class)
    static class Settings {
    }

    private final ApplicationContextRunner runner = new ApplicationContextRunner().withUserConfiguration(Settings.class);

    @Test
    void bindsDaysAndMinutes() {
        runner.withPropertyValues("crm.feed.retention=30d", "crm.feed.cleanup-every=10m").run(context -> {
            FeedProperties properties = context.getBean(FeedProperties.class);
            assertThat(properties.retention()).isEqualTo(Duration.ofDays(30));
            assertThat(properties.cleanupEvery()).isEqualTo(Duration.ofMinutes(10));
        });
    }

    @Test
    void aMissingOrTooShortValueStopsStartupNamingTheProperty() {
        runner.withPropertyValues("crm.feed.retention=0s", "crm.feed.cleanup-every=10m").run(context ->
                assertThat(context).getFailure().rootCause().hasMessageContaining("crm.feed.retention"));
        runner.withPropertyValues("crm.feed.retention=30d").run(context ->
                assertThat(context).getFailure().rootCause().hasMessageContaining("cleanupEvery"));
        runner.withPropertyValues("crm.feed.retention=soon", "crm.feed.cleanup-every=10m").run(context ->
                assertThat(context).hasFailed());
    }
}
