package io.crm.store;

import java.util.Locale;
import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Whether requests run on virtual threads ({@code spring.threads.virtual.enabled}), from {@code crm.virtual-threads}
 * ({@code CRM_VIRTUAL_THREADS}): {@code auto} (the default) picks them with a MongoDB and Tomcat's platform threads
 * with the embedded store. Measured on 2 cores (BENCHMARKS.md "The 1 % that waited a second"): beside the embedded
 * store, which runs in the same process, virtual threads left about 1 % of requests waiting 0.3 to 1.2 s before
 * their handler ran (p99 of a contact read 264 ms, 6 ms on platform threads); against a store in another process
 * they had no such tail and carried 25-30 % more requests than platform threads.
 *
 * <p>The choice is the lowest-precedence source of the property, so {@code SPRING_THREADS_VIRTUAL_ENABLED}, Spring
 * Boot's own setting, still wins where it is given.
 */
public final class RequestThreads implements EnvironmentPostProcessor {

    static final String PROPERTY = "crm.virtual-threads";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        environment.getPropertySources().addLast(new MapPropertySource("crm-request-threads",
                Map.of("spring.threads.virtual.enabled", virtual(environment.getProperty(PROPERTY, "auto"),
                        environment.getProperty("crm.mongodb.uri", "")))));
    }

    /** {@code mode}: auto, true or false; {@code mongodbUri}: empty for the embedded store. */
    static boolean virtual(String mode, String mongodbUri) {
        return switch (mode.strip().toLowerCase(Locale.ROOT)) {
            case "auto" -> !mongodbUri.isBlank();
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalStateException(PROPERTY + " (CRM_VIRTUAL_THREADS) must be auto, true or "
                    + "false, not '" + mode + "'");
        };
    }
}
