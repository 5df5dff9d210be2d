package io.crm.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.crm.support.Http;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import tools.jackson.databind.JsonNode;

/**
 * The packaged service started with demo data on (CRM_DEMO_DATA=true), as the README's quick start runs it: the
 * pages show the demo, and their screenshots are the README's. They go to target/screenshots/docs/; refresh the
 * committed set with {@code cp target/screenshots/docs/*.png docs/screenshots/}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DemoDataBrowserIT {

    static final Path DOCS = Browser.SCREENSHOTS.resolve("docs");

    @TempDir
    static Path dataDir;
    @TempDir
    static Path files;

    private static Browser browser;

    @BeforeAll
    static void start() throws Exception {
        // /ready turns 200 once the demo is written: some 10 s more than a plain start, far more on a busy machine
        browser = Browser.start(dataDir, Map.of("CRM_DEMO_DATA", "true"), Map.of(), Duration.ofMinutes(5));
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) {
            browser.close();
        }
    }

    @BeforeEach
    void desktop() throws Exception {
        browser.size(1280, 900);
        browser.signIn(Browser.ADMIN_EMAIL);
    }

    @Test
    void theServiceSeededTheDemoAtStart() throws Exception {
        assertThat(browser.service.logText()).contains("demo data: seeded 50 companies, 300 contacts, 80 deals, "
                + "400 activities");
        assertThat(browser.api.get("/api/v1/audit?actorId=demo&limit=1").json().get("items").get(0).get("actor")
                .get("name").asString()).isEqualTo("demo");
    }

    @Test
    void theDashboardShowsThePipelineMyTasksAndRecentChanges() throws Exception {
        assertThat(browser.driver.findElements(By.cssSelector(".bar-row"))).hasSize(6);
        assertThat(browser.driver.findElement(By.xpath("//p[contains(normalize-space(), 'open deals')]")).getText())
                .doesNotStartWith("0 ");
        assertThat(browser.driver.findElements(By.cssSelector(".task-list li"))).hasSize(10);
        assertThat(browser.driver.findElements(By.cssSelector(".task-list li.overdue"))).isNotEmpty();
        assertThat(browser.driver.findElements(By.cssSelector(".recent-list li"))).isNotEmpty();
        browser.screenshot(DOCS, "dashboard");
    }

    @Test
    void theDealsBoardHasDealsInEveryStage() throws Exception {
        browser.open("/deals");
        browser.waitFor(By.cssSelector(".card"));
        List<WebElement> columns = browser.driver.findElements(By.cssSelector(".cards[data-stage]"));
        assertThat(columns).hasSize(6).allSatisfy(column ->
                assertThat(column.findElements(By.cssSelector(".card"))).as(column.getAttribute("data-stage"))
                        .isNotEmpty());
        assertThat(browser.driver.findElements(By.cssSelector(".card"))).hasSize(80);
        String totals = browser.driver.findElement(By.cssSelector(".board")).getText();
        assertThat(totals).contains("EUR", "USD");
        browser.screenshot(DOCS, "deals-board");
    }

    @Test
    void aContactPageShowsItsCompanyDealsAndTimeline() throws Exception {
        String contact = busiestContact();
        browser.open("/contacts/" + contact);
        browser.waitForAtLeast(By.cssSelector(".timeline .entry"), 3);
        browser.waitForAtLeast(By.cssSelector(".timeline .entry.stage-change"), 1);
        browser.screenshot(DOCS, "contact-detail");
    }

    @Test
    void theContactsListPagesThroughTheDemoAndFitsAPhone() throws Exception {
        browser.open("/contacts");
        assertThat(browser.waitForAtLeast(By.cssSelector("#results tr.contact-row"), 25)).hasSize(25);
        browser.screenshot(DOCS, "contacts");

        browser.size(375, 812);
        browser.open("/contacts");
        // the layout settles after load (the vertical scrollbar appears once the rows are drawn): wait, then assert
        String fits = "return document.documentElement.scrollWidth <= document.documentElement.clientWidth";
        try {
            browser.wait.until(d -> Boolean.TRUE.equals(browser.script(fits)));
        } catch (org.openqa.selenium.TimeoutException e) {
            // the assertion below says by how much it overflows
        }
        long scrollWidth = ((Number) browser.script("return document.documentElement.scrollWidth")).longValue();
        long viewport = ((Number) browser.script("return document.documentElement.clientWidth")).longValue();
        assertThat(scrollWidth).as("no horizontal scrolling").isLessThanOrEqualTo(viewport);
        // the list itself, below the filters
        browser.script("document.getElementById('results').scrollIntoView()");
        browser.screenshot(DOCS, "contacts-375px");
    }

    /** Last: the other pages show the demo as seeded. */
    @Test
    @Order(Integer.MAX_VALUE)
    void anImportIntoTheDemoEndsWithASummary() throws Exception {
        JsonNode existing = browser.api.get("/api/v1/contacts?limit=1").json().get("items").get(0);
        Path csv = files.resolve("trade-fair-leads.csv");
        Files.writeString(csv, """
                Name,Email,Phone,Title
                %s,%s,,
                Ines Carvalho,ines.carvalho@lattice-peak-labs.example,+1 312 555 0142,Head of Data
                Tomas Brandt,tomas.brandt@windspire-energy.example,,Procurement Lead
                Aiko Mori,aiko.mori@bluefin-software.example,+1 206 555 0187,Engineering Manager
                Ruth Okonkwo,ruth.okonkwo@harborline-freight.example,,COO
                Missing At Sign,ruth.okonkwo.harborline-freight.example,,
                """.formatted(existing.get("name").asString(), existing.get("email").asString()));
        browser.open("/import");
        browser.driver.findElement(By.id("import-file")).sendKeys(csv.toAbsolutePath().toString());
        browser.driver.findElement(By.id("import-preview-button")).click();
        browser.waitFor(By.id("import-mapping"));
        browser.driver.findElement(By.id("dup-skip")).click();
        browser.driver.findElement(By.id("import-start")).click();
        browser.waitFor(By.id("import-summary"));
        browser.wait.until(ExpectedConditions.textToBe(By.id("sum-created"), "4"));
        assertThat(browser.driver.findElement(By.id("sum-skipped")).getText()).isEqualTo("1");
        assertThat(browser.driver.findElement(By.id("sum-failed")).getText()).isEqualTo("1");
        // the summary is the page's last panel
        browser.script("window.scrollTo(0, document.documentElement.scrollHeight)");
        browser.screenshot(DOCS, "import-summary");
        Http.Response imported = browser.api.get("/api/v1/contacts?q=okonkwo");
        assertThat(imported.json().get("items")).hasSize(1);
    }

    /** A contact on a deal that moved along the pipeline, with the most timeline entries among a few. */
    /**
     * A contact on a negotiation deal with the longest timeline. Stage changes reach timelines through the event
     * relay, which may still be draining the demo's thousand events on a busy machine: wait until one shows.
     */
    private static String busiestContact() {
        return await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500)).until(() -> {
            String best = null;
            int most = -1;
            for (JsonNode deal : browser.api.get("/api/v1/deals?stage=negotiation&limit=10").json().get("items")) {
                for (JsonNode id : deal.get("contactIds")) {
                    JsonNode items = browser.api.get("/api/v1/contacts/" + id.asString() + "/timeline?limit=20")
                            .json().get("items");
                    boolean staged = false;
                    for (JsonNode item : items) {
                        staged |= "stageChange".equals(item.get("kind").asString());
                    }
                    if (staged && items.size() > most) {
                        most = items.size();
                        best = id.asString();
                    }
                }
            }
            return most >= 3 ? best : null;
        }, java.util.Objects::nonNull);
    }
}
