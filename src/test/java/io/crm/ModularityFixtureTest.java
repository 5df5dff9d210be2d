package io.crm;

import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import org.springframework.modulith.core.ApplicationModules;
import org.springframework.modulith.core.Violations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Shows that the check ModularityTest relies on does fail on a cycle: two modules of a fixture that import each
 * other. The fixture lives outside io.crm so the application's component scan never sees it.
 */
class ModularityFixtureTest {

    @Test
    void verifyFailsNamingTheCycle() {
        // the fixture is compiled with the tests, which ApplicationModules.of(String) leaves out by default
        ApplicationModules modules = ApplicationModules.of("fixture.modularity", (ImportOption) location -> true);

        assertThat(modules.stream().map(m -> m.getIdentifier().toString())).containsExactlyInAnyOrder("a", "b");
        assertThatThrownBy(modules::verify)
                .isInstanceOf(Violations.class)
                .hasMessageContainingAll("Cycle detected", "Slice a", "Slice b",
                        "fixture.modularity.a.Orders", "fixture.modularity.b.Invoices");
    }
}
