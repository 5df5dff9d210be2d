package io.crm.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * The web UI in headless Chromium against the packaged service: sign in, create a contact, find it by searching,
 * open it and add a note; drag a deal to another stage and find it there after a reload; a viewer gets no edit
 * controls and a forged write is refused; the contacts page fits a 375 px phone. Screenshots of the main pages go to
 * target/screenshots/.
 */
class UiBrowserIT {

    @TempDir
    static Path dataDir;

    private static Browser browser;
    private static String member;
    private static String viewer;

    @BeforeAll
    static void start() throws Exception {
        browser = Browser.start(dataDir);
        member = browser.user("MEMBER", "Mia Member");
        viewer = browser.user("VIEWER", "Vic Viewer");
        seed();
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) {
            browser.close();
        }
    }

    @BeforeEach
    void desktop() {
        browser.size(1280, 900);
    }

    /** Some records, so the pages (and their screenshots) show something real. */
    private static void seed() {
        String acme = browser.create("/api/v1/companies", Map.of("name", "Acme Corp", "domain", "acme.example",
                "industry", "Manufacturing", "tags", List.of("key-account")));
        String globex = browser.create("/api/v1/companies", Map.of("name", "Globex", "domain", "globex.example"));
        String ada = browser.create("/api/v1/contacts", Map.of("name", "Ada Lovelace", "email", "ada@acme.example",
                "title", "CTO", "companyId", acme, "tags", List.of("vip")));
        browser.create("/api/v1/contacts", Map.of("name", "Alan Turing", "email", "alan@globex.example",
                "companyId", globex, "phone", "+44 20 7946 0000"));
        browser.create("/api/v1/contacts", Map.of("name", "Katherine Johnson", "email", "kj@acme.example",
                "companyId", acme));
        browser.create("/api/v1/deals", Map.of("title", "Deal Alpha", "amount", "12000.00", "currency", "EUR",
                "companyId", acme, "contactIds", List.of(ada)));
        browser.create("/api/v1/deals", Map.of("title", "Globex renewal", "amount", "4500.00", "currency", "USD",
                "stage", "proposal", "companyId", globex));
        browser.create("/api/v1/deals", Map.of("title", "Acme expansion", "amount", "30000.00", "currency", "EUR",
                "stage", "negotiation", "companyId", acme));
        browser.create("/api/v1/deals", Map.of("title", "Pilot project", "amount", "2500.00", "currency", "EUR",
                "stage", "won", "companyId", globex));
        browser.create("/api/v1/activities", Map.of("type", "task", "subject", "Send Ada the proposal",
                "contactId", ada, "dueAt", Instant.now().minus(Duration.ofDays(2)).toString()));
        browser.create("/api/v1/activities", Map.of("type", "task", "subject", "Plan the Acme kickoff",
                "companyId", acme, "dueAt", Instant.now().plus(Duration.ofDays(5)).toString()));
    }

    @Test
    void signInCreateAContactFindItBySearchOpenItAndAddANote() throws Exception {
        browser.driver.manage().deleteAllCookies();
        browser.open("/login");
        assertThat(browser.driver.getTitle()).isEqualTo("Sign in · CRM");
        browser.screenshot("login");
        browser.signIn(member);
        assertThat(browser.driver.findElement(By.cssSelector(".user-menu")).getText()).contains("Mia Member",
                "member");

        browser.open("/contacts");
        browser.driver.findElement(By.linkText("New contact")).click();
        browser.waitFor(By.id("name")).sendKeys("Grace Hopper");
        browser.driver.findElement(By.id("email")).sendKeys("not-an-email");
        browser.driver.findElement(By.cssSelector(".record-form button[type=submit]")).click();
        // the service's rule, shown next to the field
        assertThat(browser.waitFor(By.id("email-error")).getText()).isNotBlank();
        WebElement email = browser.driver.findElement(By.id("email"));
        email.clear();
        email.sendKeys("grace@navy.example");
        browser.driver.findElement(By.id("tags")).sendKeys("admiral, vip");
        browser.driver.findElement(By.cssSelector(".record-form button[type=submit]")).click();
        browser.wait.until(ExpectedConditions.titleIs("Grace Hopper · CRM"));
        assertThat(browser.driver.findElement(By.cssSelector(".flash")).getText()).contains("Contact created");

        browser.open("/contacts");
        browser.wait.until(d -> rows().size() == 4);
        browser.driver.findElement(By.id("q")).sendKeys("hopp");
        browser.wait.until(d -> rows().size() == 1);
        assertThat(rows().get(0).getText()).contains("Grace Hopper", "grace@navy.example");
        browser.screenshot("contacts-search");
        browser.driver.findElement(By.id("q")).clear();
        browser.driver.findElement(By.id("q")).sendKeys("a");
        browser.wait.until(d -> rows().size() == 4);
        browser.screenshot("contacts");

        browser.open("/contacts");
        browser.driver.findElement(By.id("q")).sendKeys("grace");
        browser.wait.until(d -> rows().size() == 1);
        browser.driver.findElement(By.linkText("Grace Hopper")).click();
        browser.wait.until(ExpectedConditions.titleIs("Grace Hopper · CRM"));
        browser.driver.findElement(By.id("activity-subject")).sendKeys("Met at the conference");
        browser.driver.findElement(By.id("activity-body")).sendKeys("Interested in the enterprise plan.");
        browser.driver.findElement(By.cssSelector(".activity-form button[type=submit]")).click();
        WebElement entry = browser.waitFor(By.cssSelector(".timeline .entry"));
        assertThat(entry.getText()).contains("Met at the conference", "Interested in the enterprise plan.");
        assertThat(browser.driver.findElement(By.cssSelector(".flash")).getText()).contains("Note added");
        browser.screenshot("contact-detail");
    }

    @Test
    void dragADealToAnotherStageAndItStaysThereAfterReload() throws Exception {
        browser.signIn(member);
        browser.open("/deals");
        WebElement card = card("Deal Alpha");
        assertThat(card.findElement(By.xpath("ancestor::ol")).getAttribute("data-stage")).isEqualTo("lead");
        WebElement target = browser.driver.findElement(By.cssSelector(".cards[data-stage='qualified']"));
        new Actions(browser.driver).clickAndHold(card.findElement(By.cssSelector(".card-amount")))
                .moveByOffset(10, 10).pause(Duration.ofMillis(200))
                .moveToElement(target).pause(Duration.ofMillis(200))
                .moveByOffset(0, 5).pause(Duration.ofMillis(200))
                .release().perform();
        WebElement status = browser.waitFor(By.id("board-status"));
        browser.wait.until(d -> status.getText().contains("Moved"));
        assertThat(status.getText()).contains("Deal Alpha", "Qualified");
        assertThat(totalOf("qualified")).contains("1 deal", "12,000.00 EUR");
        assertThat(totalOf("lead")).contains("0 deals");

        browser.driver.navigate().refresh();
        assertThat(card("Deal Alpha").findElement(By.xpath("ancestor::ol")).getAttribute("data-stage"))
                .isEqualTo("qualified");
        assertThat(browser.api.get("/api/v1/deals?q=alpha").json().get("items").get(0).get("stage").asString())
                .isEqualTo("qualified");
        browser.screenshot("deals-board");
    }

    @Test
    void aStaleCardShowsAConflictAndTheBoardReloads() {
        browser.signIn(member);
        browser.open("/deals");
        String id = card("Globex renewal").getAttribute("data-id");
        // someone else moves the deal after the board was loaded
        assertThat(browser.api.patch("/api/v1/deals/" + id, Map.of("stage", "negotiation")).status())
                .isEqualTo(200);
        WebElement select = card("Globex renewal").findElement(By.cssSelector(".move-select"));
        new org.openqa.selenium.support.ui.Select(select).selectByValue("won");
        WebElement conflict = browser.waitFor(By.id("board-conflict"));
        assertThat(conflict.getText()).contains("Globex renewal", "changed by someone else");
        assertThat(card("Globex renewal").findElement(By.xpath("ancestor::ol")).getAttribute("data-stage"))
                .isEqualTo("negotiation");
    }

    @Test
    void createAPropertyFillItInAFormFilterTheListByItAndSaveTheView() throws Exception {
        browser.signIn(Browser.ADMIN_EMAIL);
        browser.open("/admin/properties?objectType=contacts");
        browser.waitFor(By.id("property-name")).sendKeys("tier");
        browser.driver.findElement(By.id("property-label")).sendKeys("Tier");
        new org.openqa.selenium.support.ui.Select(browser.driver.findElement(By.id("property-type")))
                .selectByValue("select");
        browser.driver.findElement(By.id("property-options")).sendKeys("gold = Gold\nsilver = Silver");
        browser.driver.findElement(By.id("add-property")).click();
        assertThat(browser.waitFor(By.id("property-tier")).getText()).contains("tier", "Gold", "Silver");
        browser.screenshot("admin-properties");

        browser.signIn(member);
        browser.open("/contacts/new");
        browser.waitFor(By.id("name")).sendKeys("Gilda Gold");
        new org.openqa.selenium.support.ui.Select(browser.driver.findElement(By.id("custom-tier")))
                .selectByVisibleText("Gold");
        browser.driver.findElement(By.cssSelector(".record-form button[type=submit]")).click();
        browser.wait.until(ExpectedConditions.titleIs("Gilda Gold · CRM"));

        browser.open("/contacts");
        browser.waitFor(By.id("filters-and-views")).click();
        new org.openqa.selenium.support.ui.Select(browser.waitFor(By.id("fp-new"))).selectByValue("custom.tier");
        new org.openqa.selenium.support.ui.Select(browser.driver.findElement(By.id("fo-new"))).selectByValue("EQ");
        browser.driver.findElement(By.id("fv-new")).sendKeys("gold");
        browser.driver.findElement(By.cssSelector("#column-chooser summary")).click();
        browser.waitFor(By.id("col-custom.tier")).click();
        browser.driver.findElement(By.id("apply-filters")).click();
        browser.wait.until(d -> d.findElement(By.id("search-total")).getText().equals("1 record"));
        assertThat(browser.driver.findElement(By.id("search-results")).getText()).contains("Gilda Gold", "gold")
                .doesNotContain("Ada Lovelace");

        browser.driver.findElement(By.id("view-name")).sendKeys("Gold contacts");
        browser.driver.findElement(By.id("view-shared")).click();
        browser.driver.findElement(By.id("save-view-button")).click();
        browser.wait.until(d -> d.getCurrentUrl().contains("view="));
        assertThat(browser.waitFor(By.id("view-title")).getText()).isEqualTo("Gold contacts");
        browser.screenshot("contacts-saved-view");
        String link = browser.driver.getCurrentUrl();

        // the view's link shows the viewer the same list
        browser.signIn(viewer);
        browser.driver.get(link);
        browser.wait.until(d -> d.findElement(By.id("search-total")).getText().equals("1 record"));
        assertThat(browser.driver.findElement(By.id("search-results")).getText()).contains("Gilda Gold");
        assertThat(new org.openqa.selenium.support.ui.Select(browser.driver.findElement(By.id("view-switch")))
                .getFirstSelectedOption().getText()).contains("Gold contacts");
    }

    @Test
    void switchPipelinesOnTheBoardAndLoseADealWithAReason() throws Exception {
        String renewals = browser.create("/api/v1/pipelines", Map.of("name", "Renewals", "stages", List.of(
                Map.of("key", "due"), Map.of("key", "renewed", "outcome", "won"),
                Map.of("key", "churned", "label", "Churned", "outcome", "lost"))));
        String deal = browser.create("/api/v1/deals", Map.of("title", "Initech renewal", "amount", "800.00",
                "currency", "USD", "pipelineId", renewals));
        browser.signIn(member);
        browser.open("/deals");
        card("Deal Alpha");
        new org.openqa.selenium.support.ui.Select(browser.waitFor(By.id("pipeline-switch")))
                .selectByVisibleText("Renewals");
        browser.wait.until(d -> d.getCurrentUrl().contains("pipelineId=" + renewals));
        assertThat(browser.waitFor(By.id("stage-churned")).getText()).isEqualTo("Churned");
        assertThat(browser.driver.findElements(By.cssSelector(".card[data-title='Deal Alpha']"))).isEmpty();
        browser.screenshot("deals-board-renewals");

        // a move to the lost stage asks why; the answer is saved with it
        new org.openqa.selenium.support.ui.Select(card("Initech renewal").findElement(By.cssSelector(".move-select")))
                .selectByValue("churned");
        WebElement why = browser.waitFor(By.id("lost-dialog"));
        assertThat(why.getText()).contains("Why was this deal lost?");
        browser.screenshot("deals-lost-reason");
        browser.driver.findElement(By.id("lost-reason")).sendKeys("Chose a competitor");
        browser.driver.findElement(By.id("lost-ok")).click();
        browser.wait.until(d -> "churned".equals(browser.api.get("/api/v1/deals/" + deal).json().get("stage")
                .asString()));
        assertThat(browser.api.get("/api/v1/deals/" + deal).json().get("lostReason").asString())
                .isEqualTo("Chose a competitor");
        assertThat(browser.waitFor(By.id("board-status")).getText()).contains("Moved", "Churned");
        assertThat(totalOf("churned")).contains("1 deal", "800.00 USD");
    }

    @Test
    void aViewerSeesNoEditControlsAndAForgedWriteIsRefused() {
        browser.signIn(viewer);
        browser.open("/contacts");
        browser.wait.until(d -> !rows().isEmpty());
        assertThat(browser.driver.findElements(By.linkText("New contact"))).isEmpty();
        assertThat(browser.driver.findElements(By.cssSelector("input[name=ids]"))).isEmpty();
        browser.driver.findElement(By.linkText("Ada Lovelace")).click();
        browser.wait.until(ExpectedConditions.titleIs("Ada Lovelace · CRM"));
        assertThat(browser.driver.findElements(By.linkText("Edit"))).isEmpty();
        assertThat(browser.driver.findElements(By.cssSelector(".activity-form"))).isEmpty();
        assertThat(browser.driver.findElements(By.xpath("//button[normalize-space()='Archive']"))).isEmpty();
        browser.open("/deals");
        assertThat(browser.driver.findElements(By.cssSelector(".move-select"))).isEmpty();
        assertThat(browser.driver.findElement(By.id("board")).getAttribute("data-can-move")).isEqualTo("false");

        // a forged write from the viewer's own session, with a valid CSRF token: refused by the server
        Object status = browser.asyncScript("""
                const done = arguments[arguments.length - 1];
                const token = document.querySelector('meta[name="_csrf"]').content;
                fetch('/contacts', {method: 'POST', credentials: 'same-origin',
                    headers: {'X-CSRF-TOKEN': token, 'Content-Type': 'application/x-www-form-urlencoded'},
                    body: 'name=Forged+by+viewer'}).then(r => done(r.status));""");
        assertThat(((Number) status).intValue()).isEqualTo(403);
        String card = browser.driver.findElement(By.cssSelector(".card")).getAttribute("data-id");
        Object move = browser.asyncScript("""
                const done = arguments[arguments.length - 1];
                const token = document.querySelector('meta[name="_csrf"]').content;
                fetch('/deals/' + arguments[0] + '/stage', {method: 'POST', credentials: 'same-origin',
                    headers: {'X-CSRF-TOKEN': token, 'Content-Type': 'application/x-www-form-urlencoded'},
                    body: 'stage=lost&version=1'}).then(r => done(r.status));""", card);
        assertThat(((Number) move).intValue()).isEqualTo(403);
        assertThat(browser.api.get("/api/v1/contacts?q=forged").json().get("items")).isEmpty();
        assertThat(browser.api.get("/api/v1/deals/" + card).json().get("stage").asString()).isNotEqualTo("lost");
    }

    @Test
    void theContactsPageFitsA375PixelPhone() throws Exception {
        browser.signIn(member);
        browser.size(375, 812);
        browser.open("/contacts");
        long viewport = ((Number) browser.script("return document.documentElement.clientWidth")).longValue();
        assertThat(viewport).isLessThanOrEqualTo(375);
        // no horizontal scrolling once the page is laid out (a busy machine may report an earlier layout first)
        browser.wait.until(d -> fitsTheViewport());
        // the navigation folds into a menu button
        WebElement nav = browser.driver.findElement(By.id("site-nav"));
        assertThat(nav.isDisplayed()).isFalse();
        WebElement toggle = browser.driver.findElement(By.cssSelector(".nav-toggle"));
        toggle.click();
        assertThat(toggle.getAttribute("aria-expanded")).isEqualTo("true");
        assertThat(browser.driver.findElement(By.linkText("Deals")).isDisplayed()).isTrue();
        browser.screenshot("contacts-375px");
        for (String page : List.of("/", "/deals")) {
            browser.open(page);
            browser.wait.until(d -> fitsTheViewport());
        }
    }

    private static boolean fitsTheViewport() {
        return (Boolean) browser.script(
                "return document.documentElement.scrollWidth <= document.documentElement.clientWidth");
    }

    @Test
    void theAdminInvitesAUserAndSeesTheDashboardAndTheImportPage() throws Exception {
        browser.signIn(Browser.ADMIN_EMAIL);
        assertThat(browser.driver.findElement(By.cssSelector(".task-list")).getText())
                .contains("Send Ada the proposal", "Overdue");
        assertThat(browser.driver.findElement(By.cssSelector(".task-list li.overdue")).getText())
                .contains("Send Ada the proposal");
        assertThat(browser.driver.findElements(By.cssSelector(".bar-row"))).hasSize(6);
        browser.screenshot("dashboard");

        browser.driver.findElement(By.linkText("Admin")).click();
        browser.wait.until(ExpectedConditions.titleIs("Users · CRM"));
        browser.driver.findElement(By.id("invite-email")).sendKeys("new.hire@example.test");
        browser.driver.findElement(By.id("invite-name")).sendKeys("New Hire");
        browser.driver.findElement(By.cssSelector(".inline-form button[type=submit]")).click();
        WebElement invited = browser.waitFor(By.id("invited"));
        assertThat(invited.findElement(By.cssSelector(".secret")).getText()).hasSizeGreaterThanOrEqualTo(12);
        assertThat(browser.driver.findElement(By.cssSelector("table.records")).getText()).contains("New Hire");
        browser.screenshot("admin-users");

        browser.open("/admin/tokens");
        browser.driver.findElement(By.id("token-name")).sendKeys("reporting");
        browser.driver.findElement(By.cssSelector(".inline-form button[type=submit]")).click();
        assertThat(browser.waitFor(By.cssSelector("#created-token .secret")).getText()).startsWith("crm_");
        // without ticked scopes: read and write, shown in the list
        assertThat(browser.driver.findElement(By.cssSelector("table.records")).getText()).contains("read, write");

        // a service account for an integration, and a token minted for it (the secret shown once)
        browser.open("/admin/users");
        browser.waitFor(By.id("service-name")).sendKeys("Billing sync");
        browser.driver.findElement(By.cssSelector("#service-account-form button[type=submit]")).click();
        WebElement mint = browser.waitFor(By.cssSelector("tr.service-token-row form"));
        String usersTable = browser.driver.findElement(By.cssSelector("table.records")).getText();
        // (the badge is capitalised by the style sheet)
        assertThat(usersTable).contains("Billing sync", "(no sign-in)").containsIgnoringCase("service account");
        mint.findElement(By.name("name")).sendKeys("billing");
        mint.findElement(By.cssSelector("button[type=submit]")).click();
        WebElement minted = browser.waitFor(By.cssSelector("#created-token .secret"));
        assertThat(minted.getText()).startsWith("crm_");
        browser.screenshot("admin-service-account");
        browser.open("/admin/users");
        assertThat(browser.driver.findElements(By.id("created-token"))).isEmpty();
        browser.open("/admin/tokens");
        assertThat(browser.driver.findElement(By.cssSelector("table.records")).getText()).contains("billing");

        browser.open("/import");
        assertThat(browser.driver.getTitle()).isEqualTo("Import · CRM");
        assertThat(browser.driver.findElement(By.id("import-file")).isDisplayed()).isTrue();
        browser.screenshot("import");
    }

    private static List<WebElement> rows() {
        return browser.driver.findElements(By.cssSelector("#results tr.contact-row"));
    }

    private static WebElement card(String title) {
        return browser.waitFor(By.cssSelector(".card[data-title='" + title + "']"));
    }

    private static String totalOf(String stage) {
        return browser.driver.findElement(By.cssSelector(".column-total[data-stage='" + stage + "']")).getText();
    }
}
