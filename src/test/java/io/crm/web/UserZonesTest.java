package io.crm.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.ZoneId;
import java.time.ZoneOffset;

import io.crm.web.UserZones.Resolved;
import io.crm.web.UserZones.Source;
import org.junit.jupiter.api.Test;

/** The resolution order (the user's setting, the browser's zone, UTC) and what counts as a zone. */
class UserZonesTest {

    @Test
    void theSettingWinsOverTheBrowserWhichWinsOverUtc() {
        assertThat(UserZones.resolve("America/Los_Angeles", "Pacific/Auckland"))
                .isEqualTo(new Resolved(ZoneId.of("America/Los_Angeles"), Source.SETTING));
        assertThat(UserZones.resolve(null, "Pacific/Auckland"))
                .isEqualTo(new Resolved(ZoneId.of("Pacific/Auckland"), Source.BROWSER));
        assertThat(UserZones.resolve(null, null)).isEqualTo(new Resolved(ZoneOffset.UTC, Source.DEFAULT));
    }

    @Test
    void anUnknownOrGarbledZoneIsPassedOver() {
        // a setting the JDK no longer knows falls back to the browser's zone; a garbled cookie to UTC
        assertThat(UserZones.resolve("Mars/Olympus_Mons", "Pacific/Auckland").source()).isEqualTo(Source.BROWSER);
        for (String garbage : new String[] {"", " ", "Not/AZone", "../../etc/passwd", "<script>", "Europe/Berlin;x",
                "\u0000", "A".repeat(65), "Europe/" + "B".repeat(100)}) {
            assertThat(UserZones.resolve(null, garbage)).as(garbage).isEqualTo(new Resolved(ZoneOffset.UTC,
                    Source.DEFAULT));
            assertThat(UserZones.parse(garbage)).as(garbage).isEmpty();
        }
        assertThat(UserZones.parse(" Europe/Berlin ")).contains(ZoneId.of("Europe/Berlin"));
        assertThat(UserZones.parse("Etc/GMT+5")).contains(ZoneId.of("Etc/GMT+5"));
    }
}
