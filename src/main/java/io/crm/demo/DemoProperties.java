package io.crm.demo;

import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * {@code crm.demo.*}: whether a start writes the demo dataset into an empty database ({@link DemoDataSeeder}; the
 * program argument {@code --demo} asks for it too). The default lives in application.yaml only.
 *
 * @param enabled seed the demo dataset at start (once, only into an empty database)
 */
@Validated
@ConfigurationProperties("crm.demo")
public record DemoProperties(@NotNull Boolean enabled) {
}
