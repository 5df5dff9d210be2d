package io.crm;

import org.junit.jupiter.api.Test;

import org.springframework.modulith.core.ApplicationModules;

/**
 * Each direct sub-package of {@code io.crm} is an application module (Spring Modulith's default): modules must form
 * no cycle, and reach into another module only through its base package or a sub-package it exposes as a named
 * interface. Reads the compiled classes only (no Spring context), so it is fast.
 */
class ModularityTest {

    @Test
    void modulesFormNoCycleAndUseOnlyExposedTypes() {
        ApplicationModules.of(CrmApplication.class).verify();
    }
}
