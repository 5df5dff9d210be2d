package io.crm.web.activity;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

/** A due date picked in the form is the end of that day where the user is, stored as a UTC instant. */
class ActivityPagesTest {

    @Test
    void theEndOfTheChosenDayInTheUsersZone() {
        LocalDate day = LocalDate.parse("2026-12-03");
        assertThat(ActivityPages.endOfDay(day, ZoneId.of("Pacific/Auckland")))
                .isEqualTo(Instant.parse("2026-12-03T10:59:59Z"));
        assertThat(ActivityPages.endOfDay(day, ZoneId.of("America/Los_Angeles")))
                .isEqualTo(Instant.parse("2026-12-04T07:59:59Z"));
        assertThat(ActivityPages.endOfDay(day, ZoneOffset.UTC)).isEqualTo(Instant.parse("2026-12-03T23:59:59Z"));
    }
}
