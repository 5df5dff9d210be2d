package io.crm.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * The duplicate warning on a contact page and its merge button, in Chromium: two contacts with the same name and
 * phone; the page warns, the merge keeps this contact, moves the other's note here and archives the other. Needs the
 * duplicates and merge API (/api/v1/contacts/{id}/duplicates, /merge) from the lead's branch.
 */
class ContactMergeBrowserIT {

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
    void theContactPageWarnsAboutADuplicateAndMergesIt() throws Exception {
        String kept = browser.create("/api/v1/contacts", Map.of("name", "Jon Smith", "phone", "+1 555 0100",
                "email", "jon@acme.example"));
        String duplicate = browser.create("/api/v1/contacts", Map.of("name", "jon  smith", "phone", "+1 555 0100"));
        browser.create("/api/v1/activities", Map.of("type", "note", "subject", "Note on the duplicate",
                "contactId", duplicate));

        browser.signIn(browser.user("MEMBER", "Merge Member"));
        browser.open("/contacts/" + kept);
        WebElement warning = browser.waitFor(By.cssSelector("#duplicates .alert"));
        // the page shows the name as HTML does, with runs of spaces collapsed
        assertThat(warning.getText()).contains("may have a duplicate", "jon smith", "name and phone");
        browser.screenshot("contact-duplicate-warning");
        warning.findElement(By.cssSelector(".merge-button")).click();
        browser.wait.until(ExpectedConditions.alertIsPresent()).accept();

        browser.wait.until(d -> d.findElements(By.cssSelector("#duplicates .alert")).isEmpty()
                && d.findElements(By.cssSelector(".timeline .entry")).stream()
                .anyMatch(e -> e.getText().contains("Note on the duplicate")));
        assertThat(browser.api.get("/api/v1/contacts/" + duplicate).status()).isEqualTo(404);
        assertThat(browser.api.get("/api/v1/contacts/" + kept).status()).isEqualTo(200);
    }
}
