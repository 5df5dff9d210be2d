package io.crm.checks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

class RepositoryLayoutTest {

    @Test
    void checksRunFromTheRepositoryRoot() {
        assertThat(Files.exists(Repo.root().resolve("pom.xml"))).isTrue();
        assertThat(Files.exists(Repo.root().resolve("checks/pom.xml"))).isTrue();
    }
}
