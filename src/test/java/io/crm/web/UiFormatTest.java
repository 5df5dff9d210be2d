package io.crm.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Date;

import org.junit.jupiter.api.Test;

/**
 * Dates and times in the zone of the page, around midnight: the same instant is another day in Auckland than in Los
 * Angeles, a time names its zone, a date-only value is never shifted, and "overdue" compares instants.
 */
class UiFormatTest {

    private static final ZoneId AUCKLAND = ZoneId.of("Pacific/Auckland");
    private static final ZoneId LOS_ANGELES = ZoneId.of("America/Los_Angeles");
    private static final Clock NOW = Clock.fixed(Instant.parse("2026-12-03T11:30:00Z"), ZoneOffset.UTC);

    private static UiFormat in(ZoneId zone) {
        return UiFormat.in(zone, NOW);
    }

    @Test
    void anInstantJustAfterMidnightInAucklandIsTheDayBeforeInLosAngeles() {
        // 00:30 on 4 December in Auckland (NZDT, UTC+13) is 03:30 on 3 December in Los Angeles (PST, UTC-8)
        Instant instant = Instant.parse("2026-12-03T11:30:00Z");
        assertThat(in(AUCKLAND).date(instant)).isEqualTo("4 Dec 2026");
        assertThat(in(AUCKLAND).dateTime(instant)).isEqualTo("4 Dec 2026 00:30 NZDT");
        assertThat(in(LOS_ANGELES).date(instant)).isEqualTo("3 Dec 2026");
        assertThat(in(LOS_ANGELES).dateTime(instant)).isEqualTo("3 Dec 2026 03:30 PST");
        assertThat(in(ZoneOffset.UTC).dateTime(instant)).isEqualTo("3 Dec 2026 11:30 UTC");
        // a stored date (java.util.Date, as MongoDB returns it) the same
        assertThat(in(AUCKLAND).dateTime(Date.from(instant))).isEqualTo("4 Dec 2026 00:30 NZDT");
    }

    @Test
    void justBeforeMidnightInLosAngelesInSummerTime() {
        // 23:59 on 30 June in Los Angeles (PDT, UTC-7) is 18:59 on 1 July in Auckland (NZST, UTC+12)
        Instant instant = Instant.parse("2026-07-01T06:59:00Z");
        assertThat(in(LOS_ANGELES).dateTime(instant)).isEqualTo("30 Jun 2026 23:59 PDT");
        assertThat(in(LOS_ANGELES).isoDate(instant)).isEqualTo("2026-06-30");
        assertThat(in(AUCKLAND).dateTime(instant)).isEqualTo("1 Jul 2026 18:59 NZST");
        assertThat(in(AUCKLAND).isoDate(instant)).isEqualTo("2026-07-01");
    }

    @Test
    void aDateOnlyValueIsTheSameDayInEveryZone() {
        for (ZoneId zone : new ZoneId[] {AUCKLAND, LOS_ANGELES, ZoneOffset.UTC}) {
            assertThat(in(zone).date("2026-12-03")).as("%s", zone).isEqualTo("3 Dec 2026");
            assertThat(in(zone).isoDate("2026-12-03")).as("%s", zone).isEqualTo("2026-12-03");
        }
        assertThat(in(AUCKLAND).date(null)).isEmpty();
        assertThat(in(AUCKLAND).dateTime(null)).isEmpty();
    }

    @Test
    void overdueComparesInstantsWhateverTheZone() {
        Instant justBefore = NOW.instant().minusSeconds(1);
        Instant justAfter = NOW.instant().plusSeconds(1);
        for (ZoneId zone : new ZoneId[] {AUCKLAND, LOS_ANGELES, ZoneOffset.UTC}) {
            assertThat(in(zone).overdue(justBefore)).as("%s", zone).isTrue();
            assertThat(in(zone).overdue(justAfter)).as("%s", zone).isFalse();
            assertThat(in(zone).overdue(null)).as("%s", zone).isFalse();
        }
    }

    @Test
    void theZoneIsNamedByItsId() {
        assertThat(in(AUCKLAND).zone()).isEqualTo("Pacific/Auckland");
        assertThat(in(ZoneOffset.UTC).zone()).isEqualTo("UTC");
    }
}
