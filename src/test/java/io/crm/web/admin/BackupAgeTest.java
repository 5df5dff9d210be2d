package io.crm.web.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

class BackupAgeTest {

    private static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");

    @Test
    void agesArePreciseEnoughToJudgeABackup() {
        assertThat(BackupPages.age(NOW.minusSeconds(20), NOW)).isEqualTo("less than a minute");
        assertThat(BackupPages.age(NOW.minus(Duration.ofMinutes(4)), NOW)).isEqualTo("4 min");
        assertThat(BackupPages.age(NOW.minus(Duration.ofMinutes(125)), NOW)).isEqualTo("2 h 5 min");
        assertThat(BackupPages.age(NOW.minus(Duration.ofHours(28)), NOW)).isEqualTo("1 day 4 h");
        assertThat(BackupPages.age(NOW.minus(Duration.ofHours(75)), NOW)).isEqualTo("3 days 3 h");
    }
}
