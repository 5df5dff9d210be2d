package io.crm.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;

import io.crm.security.Totp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * Headless Chromium sets up two-factor sign-in under the account (the QR code must render under the CSP), then signs
 * in with the password and a code computed from the secret the page showed. The service runs on the wall clock, so
 * the sign-in uses the next step's code (accepted one step early), never a wait.
 */
class TwoFactorBrowserIT {

    @TempDir
    static Path dataDir;

    private static Browser browser;

    @BeforeAll
    static void start() throws Exception {
        browser = Browser.start(dataDir);
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) {
            browser.close();
        }
    }

    @Test
    void setUpTwoFactorThenSignInWithACode() throws Exception {
        String email = browser.user("MEMBER", "Mia Factor");
        browser.signIn(email);
        browser.open("/account/settings");
        browser.driver.findElement(By.id("mfa-link")).click();
        browser.waitFor(By.id("mfa-start")).click();

        browser.waitFor(By.id("mfa-qr"));
        Object qrWidth = browser.script("return document.getElementById('mfa-qr').naturalWidth");
        assertThat(((Number) qrWidth).intValue()).as("the QR image loaded (CSP img-src data:)").isPositive();
        String secret = browser.driver.findElement(By.id("mfa-secret")).getText().replace(" ", "");
        browser.screenshot("mfa-setup");
        long step = Totp.step(Instant.now());
        browser.driver.findElement(By.id("code")).sendKeys(Totp.code(secret, step));
        browser.driver.findElement(By.cssSelector("form button[type=submit]")).click();
        assertThat(browser.waitFor(By.id("recovery-codes")).findElements(By.tagName("li"))).hasSize(10);

        // signing in again: the password, then the code page
        browser.driver.manage().deleteAllCookies();
        browser.open("/login");
        browser.waitFor(By.id("username")).sendKeys(email);
        browser.driver.findElement(By.id("password")).sendKeys(Browser.PASSWORD);
        browser.driver.findElement(By.cssSelector("form button[type=submit]")).click();
        browser.wait.until(ExpectedConditions.urlContains("/login/otp"));
        browser.screenshot("mfa-code");
        // the enrolment spent this step's code; the next step's is accepted one step early
        browser.waitFor(By.id("code")).sendKeys(Totp.code(secret, Math.max(step, Totp.step(Instant.now())) + 1));
        browser.driver.findElement(By.cssSelector("form button[type=submit]")).click();
        browser.wait.until(ExpectedConditions.titleIs("Dashboard · CRM"));
        browser.open("/account/mfa");
        assertThat(browser.waitFor(By.id("mfa-status")).getText()).contains("on");
    }
}
