package io.crm.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The import page end to end in Chromium: upload a CSV of contacts (one row matching an existing contact's email,
 * one invalid), check the preview and the suggested mapping, run it skipping duplicates, and read the summary with
 * the failed rows' CSV link. Needs the import API (/api/v1/imports) from the imports branch.
 */
class ImportPageBrowserIT {

    @TempDir
    static Path dataDir;
    @TempDir
    static Path files;

    private static Browser browser;

    @BeforeAll
    static void start() throws Exception {
        browser = Browser.start(dataDir);
        browser.create("/api/v1/contacts", Map.of("name", "Ada Lovelace", "email", "ada@acme.example"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) {
            browser.close();
        }
    }

    @Test
    void importContactsWithADuplicateAndSeeTheSummary() throws Exception {
        Path csv = files.resolve("contacts.csv");
        Files.writeString(csv, """
                Name,Email,Phone
                Ada L.,ada@acme.example,555-0100
                Grace Hopper,grace@navy.example,555-0101
                Broken Row,not-an-email,555-0102
                """);
        browser.signIn(Browser.ADMIN_EMAIL);
        browser.open("/import");
        browser.driver.findElement(By.id("import-file")).sendKeys(csv.toAbsolutePath().toString());
        browser.driver.findElement(By.id("import-preview-button")).click();
        WebElement mapping = browser.waitFor(By.id("import-mapping"));
        assertThat(mapping.findElement(By.id("import-preview-table")).getText()).contains("Grace Hopper");
        assertThat(browser.driver.findElement(By.id("import-rows-info")).getText()).startsWith("3 rows");
        assertThat(new org.openqa.selenium.support.ui.Select(browser.driver.findElement(By.id("map-1")))
                .getFirstSelectedOption().getAttribute("value")).isEqualTo("email");
        browser.driver.findElement(By.id("dup-skip")).click();
        browser.driver.findElement(By.id("import-start")).click();

        WebElement summary = browser.waitFor(By.id("import-summary"));
        assertThat(summary.isDisplayed()).isTrue();
        assertThat(browser.driver.findElement(By.id("sum-created")).getText()).isEqualTo("1");
        assertThat(browser.driver.findElement(By.id("sum-skipped")).getText()).isEqualTo("1");
        assertThat(browser.driver.findElement(By.id("sum-failed")).getText()).isEqualTo("1");
        WebElement progress = browser.driver.findElement(By.id("import-progress"));
        assertThat(progress.getAttribute("value")).isEqualTo(progress.getAttribute("max"));
        WebElement errors = browser.driver.findElement(By.id("import-errors-link"));
        assertThat(errors.isDisplayed()).isTrue();
        String errorsCsv = browser.api.get(errors.getAttribute("href").replace(browser.base, "")).body();
        assertThat(errorsCsv).contains("row,field,message").contains("3,email,must be a valid email address");
        browser.screenshot("import-summary");

        assertThat(browser.api.get("/api/v1/contacts?q=grace").json().get("items")).hasSize(1);
        assertThat(browser.api.get("/api/v1/contacts?email=ada@acme.example").json().get("items").get(0)
                .get("name").asString()).isEqualTo("Ada Lovelace");
    }
}
