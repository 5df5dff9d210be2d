package io.crm.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

/**
 * Chromium in Auckland (TZ=Pacific/Auckland on its process; the service runs in UTC): the pages show times in the
 * browser's zone, found by static/js/tz.js, also after the zone cookie is lost (the page reloads once); and a zone
 * chosen in the settings wins over the browser's.
 */
class TimeZoneBrowserIT {

    private static final String AUCKLAND = "Pacific/Auckland";
    private static final String LOS_ANGELES = "America/Los_Angeles";
    private static final DateTimeFormatter SHOWN = DateTimeFormatter.ofPattern("d MMM yyyy HH:mm z", Locale.ENGLISH);

    @TempDir
    static Path dataDir;

    private static Browser browser;

    @BeforeAll
    static void start() throws Exception {
        browser = Browser.start(dataDir, Map.of("TZ", AUCKLAND));
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) {
            browser.close();
        }
    }

    @Test
    void pagesShowTimesInTheBrowsersZoneUnlessTheUserChoseOne() throws Exception {
        String contact = browser.create("/api/v1/contacts", Map.of("name", "Kiri Auckland"));
        Instant updated = Instant.parse(browser.api.get("/api/v1/contacts/" + contact).json().get("updatedAt")
                .asString());
        assertThat(browser.script("return Intl.DateTimeFormat().resolvedOptions().timeZone")).isEqualTo(AUCKLAND);

        // the sign-in page already tells the zone, so the first page is in it
        browser.signIn(browser.user("MEMBER", "Tama Zone"));
        assertThat(browser.driver.manage().getCookieNamed("crm_tz").getValue()).isEqualTo(AUCKLAND);
        assertThat(browser.driver.findElement(By.id("user-zone")).getText()).isEqualTo(AUCKLAND);
        browser.open("/contacts/" + contact);
        assertThat(browser.waitFor(By.cssSelector("main")).getText()).contains(shown(updated, AUCKLAND));
        assertThat(browser.script("return sessionStorage.getItem('crm_tz_reloaded')")).as("no reload so far")
                .isNull();

        // the cookie lost: the page comes in UTC, the script sets the cookie again and reloads it once
        browser.driver.manage().deleteCookieNamed("crm_tz");
        browser.open("/contacts/" + contact);
        browser.wait.until(ExpectedConditions.textToBe(By.id("user-zone"), AUCKLAND));
        assertThat(browser.script("return sessionStorage.getItem('crm_tz_reloaded')")).isEqualTo(AUCKLAND);
        assertThat(browser.driver.findElement(By.cssSelector("main")).getText()).contains(shown(updated, AUCKLAND));
        browser.screenshot("contact-in-auckland");

        // a zone chosen in the settings wins over the browser's, and the script leaves it alone
        browser.driver.findElement(By.id("user-zone")).click();
        browser.wait.until(ExpectedConditions.titleIs("Settings · CRM"));
        assertThat(browser.driver.findElement(By.id("zone-now")).getText()).contains(AUCKLAND, "browser");
        new Select(browser.driver.findElement(By.id("timeZone"))).selectByValue(LOS_ANGELES);
        browser.driver.findElement(By.cssSelector("form.record-form button[type=submit]")).click();
        browser.wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".flash"),
                "Settings saved."));
        assertThat(browser.driver.findElement(By.id("zone-now")).getText()).contains(LOS_ANGELES, "your setting");
        browser.open("/contacts/" + contact);
        browser.wait.until(ExpectedConditions.textToBe(By.id("user-zone"), LOS_ANGELES));
        assertThat(browser.driver.findElement(By.cssSelector("main")).getText()).contains(shown(updated, LOS_ANGELES))
                .doesNotContain(shown(updated, AUCKLAND));
        assertThat(browser.driver.manage().getCookieNamed("crm_tz").getValue()).isEqualTo(AUCKLAND);
    }

    private static String shown(Instant instant, String zone) {
        return SHOWN.format(instant.atZone(ZoneId.of(zone)));
    }
}
