package io.crm.platform;

import java.time.Clock;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
public class ClockConfiguration {

    /** One clock for every timestamp the service writes (UTC); tests replace it to control time. */
    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }
}
