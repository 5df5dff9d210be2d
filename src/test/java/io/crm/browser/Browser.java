package io.crm.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.crm.e2e.ServiceProcess;
import io.crm.support.Http;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The packaged service as a real process plus the system's headless Chromium driven by Selenium. The driver and the
 * browser are the Debian packages (chromium, chromium-driver, installed by scripts/install-test-tools.sh): their paths
 * are set explicitly so Selenium Manager never downloads anything.
 */
final class Browser implements AutoCloseable {

    static final String ADMIN_EMAIL = "admin@crm.local";
    /** A throwaway password for the test process's own fresh data directory. */
    static final String PASSWORD = "browser-test-password-1";
    static final Path SCREENSHOTS = Path.of("target", "screenshots");
    private static final File CHROMEDRIVER = new File("/usr/bin/chromedriver");
    private static final String CHROMIUM = "/usr/bin/chromium";

    final ServiceProcess service;
    final String base;
    final Http api;
    private final Path profile;
    final WebDriver driver;
    final WebDriverWait wait;

    private Browser(ServiceProcess service, Path profile, WebDriver driver) {
        this.service = service;
        this.base = "http://127.0.0.1:" + service.port;
        this.api = service.http().withToken(adminToken(service.http()));
        this.profile = profile;
        this.driver = driver;
        // a page replaced while a condition reads it (htmx, a redirect) is read again, not a failure
        this.wait = (WebDriverWait) new WebDriverWait(driver, Duration.ofSeconds(15))
                .ignoring(org.openqa.selenium.StaleElementReferenceException.class);
    }

    static Browser start(Path dataDir) throws IOException, InterruptedException {
        return start(dataDir, Map.of(), Map.of(), Duration.ofSeconds(90));
    }

    /**
     * With environment variables for the driver and so for the browser it starts: {@code TZ} sets the browser's time
     * zone (ChromeOptions has no switch for it).
     */
    static Browser start(Path dataDir, Map<String, String> browserEnvironment)
            throws IOException, InterruptedException {
        return start(dataDir, Map.of(), browserEnvironment, Duration.ofSeconds(90));
    }

    /** Starts the service with the test admin plus {@code env} (e.g. CRM_DEMO_DATA), and a browser. */
    static Browser start(Path dataDir, Map<String, String> env, Map<String, String> browserEnvironment,
                         Duration readyWithin)
            throws IOException, InterruptedException {
        for (String tool : new String[] {CHROMEDRIVER.getPath(), CHROMIUM}) {
            if (!Files.isExecutable(Path.of(tool))) {
                throw new AssertionError(tool + " is missing: run scripts/install-test-tools.sh (Debian packages "
                        + "chromium and chromium-driver)");
            }
        }
        Map<String, String> settings = new LinkedHashMap<>(env);
        settings.put("CRM_ADMIN_EMAIL", ADMIN_EMAIL);
        settings.put("CRM_ADMIN_PASSWORD", PASSWORD);
        ServiceProcess service = ServiceProcess.start(dataDir, settings, readyWithin);
        Path profile = Files.createTempDirectory("crm-chromium");
        try {
            ChromeDriverService driverService = new ChromeDriverService.Builder()
                    .usingDriverExecutable(CHROMEDRIVER).usingAnyFreePort().withEnvironment(browserEnvironment)
                    .build();
            ChromeOptions options = new ChromeOptions();
            options.setBinary(CHROMIUM);
            options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--disable-dev-shm-usage", "--user-data-dir=" + profile, "--window-size=1280,900");
            return new Browser(service, profile, new ChromeDriver(driverService, options));
        } catch (RuntimeException e) {
            service.close();
            throw e;
        }
    }

    private static String adminToken(Http http) {
        String basic = Base64.getEncoder().encodeToString((ADMIN_EMAIL + ":" + PASSWORD).getBytes());
        Http.Response token = http.post("/api/v1/auth/tokens", Map.of("name", "browser-test",
                        "scopes", java.util.List.of("read", "write", "admin")),
                "Authorization", "Basic " + basic);
        assertThat(token.status()).as("admin token: %s", token).isEqualTo(201);
        return token.json().get("token").asString();
    }

    /** A new user with this role through the API; returns its email (password {@link #PASSWORD}). */
    String user(String role, String name) {
        String email = name.toLowerCase().replace(' ', '.') + "@example.test";
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("email", email);
        body.put("displayName", name);
        body.put("role", role);
        String oneTime = "one-time " + PASSWORD;
        body.put("password", oneTime);
        Http.Response created = api.post("/api/v1/users", body);
        assertThat(created.status()).as("create user: %s", created).isEqualTo(201);
        // the admin's password is a one-time one: the user sets their own (browser tests of that page: WebUiApiTest)
        Http.Response chosen = api.post("/api/v1/auth/password", Map.of("currentPassword", oneTime,
                "newPassword", PASSWORD), "Authorization", "Basic " + Base64.getEncoder().encodeToString(
                (email + ":" + oneTime).getBytes()));
        assertThat(chosen.status()).as("choose a password: %s", chosen).isEqualTo(204);
        return email;
    }

    String create(String path, Map<String, ?> body) {
        Http.Response created = api.post(path, body);
        assertThat(created.status()).as("POST %s: %s", path, created).isEqualTo(201);
        return created.json().get("id").asString();
    }

    void open(String path) {
        driver.get(base + path);
    }

    /** Signs out whoever is signed in, then signs in through the login form. */
    void signIn(String email) {
        driver.manage().deleteAllCookies();
        open("/login");
        // wait for the form: a loaded machine's Chromium may answer before the page is drawn; if it never shows, load
        // the page once more (the failure then says what the browser showed)
        try {
            waitForAtLeast(By.id("username"), 1);
        } catch (AssertionError e) {
            System.err.println("[Browser] no sign-in form, loading /login again: " + e.getMessage());
            open("/login");
            waitForAtLeast(By.id("username"), 1);
        }
        driver.findElement(By.id("username")).sendKeys(email);
        driver.findElement(By.id("password")).sendKeys(PASSWORD);
        driver.findElement(By.cssSelector("form button[type=submit]")).click();
        wait.until(d -> !d.getCurrentUrl().contains("/login"));
        wait.until(ExpectedConditions.titleIs("Dashboard · CRM"));
    }

    WebElement waitFor(By by) {
        return wait.until(ExpectedConditions.visibilityOfElementLocated(by));
    }

    /**
     * Waits until at least {@code n} elements match; a timeout fails with the page's address, title and opening text,
     * so a flaky failure says what the browser actually showed.
     */
    List<WebElement> waitForAtLeast(By by, int n) {
        try {
            return wait.until(d -> {
                List<WebElement> found = d.findElements(by);
                return found.size() >= n ? found : null;
            });
        } catch (org.openqa.selenium.TimeoutException e) {
            String text = driver.findElement(By.tagName("body")).getText();
            throw new AssertionError("expected at least %d of %s on %s (title \"%s\"), found %d; the page begins: %s"
                    .formatted(n, by, driver.getCurrentUrl(), driver.getTitle(), driver.findElements(by).size(),
                            text.substring(0, Math.min(600, text.length()))), e);
        }
    }

    void size(int width, int height) {
        driver.manage().window().setSize(new Dimension(width, height));
    }

    /** Saves a PNG of the current page under target/screenshots/. */
    void screenshot(String name) throws IOException {
        screenshot(SCREENSHOTS, name);
    }

    /** Saves a PNG of the current page as {@code dir/name.png}. */
    void screenshot(Path dir, String name) throws IOException {
        Files.createDirectories(dir);
        File png = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
        Files.copy(png.toPath(), dir.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }

    Object script(String js, Object... args) {
        return ((org.openqa.selenium.JavascriptExecutor) driver).executeScript(js, args);
    }

    Object asyncScript(String js, Object... args) {
        return ((org.openqa.selenium.JavascriptExecutor) driver).executeAsyncScript(js, args);
    }

    @Override
    public void close() throws IOException {
        try {
            driver.quit();
        } finally {
            service.close();
            try (var files = Files.walk(profile)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
