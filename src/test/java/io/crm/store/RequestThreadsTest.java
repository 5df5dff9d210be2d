package io.crm.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Properties;

import org.junit.jupiter.api.Test;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.mock.env.MockEnvironment;

/** Virtual threads with a MongoDB, platform threads beside the embedded store, unless told otherwise. */
class RequestThreadsTest {

    private static Boolean virtualThreads(MockEnvironment environment) {
        new RequestThreads().postProcessEnvironment(environment, new SpringApplication());
        return environment.getProperty("spring.threads.virtual.enabled", Boolean.class);
    }

    @Test
    void autoPicksByTheStore() {
        assertThat(virtualThreads(new MockEnvironment().withProperty("crm.virtual-threads", "auto")
                .withProperty("crm.mongodb.uri", ""))).isFalse();
        assertThat(virtualThreads(new MockEnvironment().withProperty("crm.virtual-threads", "auto")
                .withProperty("crm.mongodb.uri", "mongodb://db:27017/crm_db"))).isTrue();
        // absent settings: auto, the embedded store
        assertThat(virtualThreads(new MockEnvironment())).isFalse();
    }

    @Test
    void anExplicitChoiceWins() {
        assertThat(virtualThreads(new MockEnvironment().withProperty("crm.virtual-threads", "TRUE"))).isTrue();
        assertThat(virtualThreads(new MockEnvironment().withProperty("crm.virtual-threads", "false")
                .withProperty("crm.mongodb.uri", "mongodb://db:27017/crm_db"))).isFalse();
        // Spring Boot's own setting, given in the environment, comes before the choice made here
        assertThat(virtualThreads(new MockEnvironment().withProperty("spring.threads.virtual.enabled", "true")))
                .isTrue();
    }

    @Test
    void anyOtherValueStopsTheStartNamingTheSetting() {
        assertThatThrownBy(() -> virtualThreads(new MockEnvironment().withProperty("crm.virtual-threads", "yes")))
                .hasMessageContaining("CRM_VIRTUAL_THREADS").hasMessageContaining("'yes'");
    }

    @Test
    void springBootRunsIt() throws Exception {
        Properties factories = new Properties();
        try (var in = RequestThreads.class.getResourceAsStream("/META-INF/spring.factories")) {
            factories.load(in);
        }
        assertThat(factories.getProperty(EnvironmentPostProcessor.class.getName()))
                .contains(RequestThreads.class.getName());
    }
}
