package io.crm.browser;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.ExpectedConditions;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged service with mail on, sending to GreenMail (a real SMTP server on loopback), and headless Chromium:
 * an admin invites someone, whose mail's link opens the sign-up page where they choose a password and then land on
 * the dashboard; "Forgot password?" mails a link that resets the password.
 */
class MailLinksBrowserIT {

    private static final String CHOSEN = "chosen-in-the-browser-1";

    @TempDir
    static Path dataDir;

    private static GreenMail smtp;
    private static Browser browser;

    @BeforeAll
    static void start() throws Exception {
        smtp = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
        smtp.start();
        browser = Browser.start(dataDir, Map.of("SPRING_MAIL_HOST", "127.0.0.1",
                "SPRING_MAIL_PORT", Integer.toString(smtp.getSmtp().getPort()),
                "SPRING_MAIL_PROPERTIES_MAIL_SMTP_STARTTLS_ENABLE", "false",
                "CRM_MAIL_FROM", "CRM <crm@example.test>"), Map.of(), Duration.ofSeconds(90));
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) {
            browser.close();
        }
        if (smtp != null) {
            smtp.stop();
        }
    }

    /**
     * The link's path and query from the newest message to {@code to}: the service's public URL is its default
     * (http://localhost:5000), the test service listens on a free port, so the browser opens the same path there.
     */
    private static String link(String to, String path) throws Exception {
        browser.wait.until(d -> messagesTo(to) > 0);
        MimeMessage last = null;
        for (MimeMessage m : smtp.getReceivedMessages()) {
            if (m.getAllRecipients()[0].toString().contains(to)) {
                last = m;
            }
        }
        Matcher link = Pattern.compile("https?://[^/\\s]+(" + Pattern.quote(path) + "\\?token=[A-Za-z0-9_-]+)")
                .matcher(GreenMailUtil.getBody(last));
        assertThat(link.find()).as("a %s link in the mail", path).isTrue();
        return link.group(1);
    }

    private static long messagesTo(String to) {
        return java.util.Arrays.stream(smtp.getReceivedMessages()).filter(m -> {
            try {
                return m.getAllRecipients()[0].toString().contains(to);
            } catch (jakarta.mail.MessagingException e) {
                return false;
            }
        }).count();
    }

    private static void choosePassword(String password) {
        browser.waitFor(By.id("password")).sendKeys(password);
        browser.driver.findElement(By.id("confirm")).sendKeys(password);
        browser.driver.findElement(By.cssSelector("#set-password button[type=submit]")).click();
        browser.wait.until(ExpectedConditions.urlContains("/login?passwordSet"));
        browser.waitFor(By.id("password-set"));
    }

    private static void signInWith(String email, String password) {
        try {
            browser.waitFor(By.id("username"));
        } catch (RuntimeException e) {
            throw new AssertionError("no sign-in form at " + browser.driver.getCurrentUrl() + ": "
                    + browser.driver.getPageSource(), e);
        }
        browser.driver.findElement(By.id("username")).sendKeys(email);
        browser.driver.findElement(By.id("password")).sendKeys(password);
        browser.driver.findElement(By.cssSelector("form button[type=submit]")).click();
        browser.wait.until(ExpectedConditions.titleIs("Dashboard · CRM"));
    }

    @Test
    void anInvitationLinkLetsThePersonChooseAPasswordAndSignIn() throws Exception {
        browser.driver.manage().deleteAllCookies();
        browser.open("/login");
        signInWith(Browser.ADMIN_EMAIL, Browser.PASSWORD);
        browser.open("/admin/users");
        browser.waitFor(By.id("invite-by-mail"));
        browser.driver.findElement(By.id("invite-email")).sendKeys("ivy.invited@example.test");
        browser.driver.findElement(By.id("invite-name")).sendKeys("Ivy Invited");
        browser.driver.findElement(By.cssSelector("form[action$='/admin/users'] button[type=submit]")).click();
        assertThat(browser.waitFor(By.id("invitation-sent")).getText()).contains("ivy.invited@example.test");

        String signUp = link("ivy.invited@example.test", "/signup");
        browser.driver.manage().deleteAllCookies();
        browser.open(signUp);
        assertThat(browser.waitFor(By.id("link-email")).getText()).isEqualTo("ivy.invited@example.test");
        browser.screenshot("mail-signup");
        choosePassword(CHOSEN);
        signInWith("ivy.invited@example.test", CHOSEN);

        browser.driver.manage().deleteAllCookies();
        browser.open(signUp);
        browser.waitFor(By.id("link-invalid"));
    }

    @Test
    void theForgotPasswordLinkResetsThePassword() throws Exception {
        String email = browser.user("MEMBER", "Rita Reset");
        browser.driver.manage().deleteAllCookies();
        browser.open("/login");
        browser.waitFor(By.id("forgot-password-link")).click();
        browser.waitFor(By.id("email")).sendKeys(email);
        browser.driver.findElement(By.cssSelector("#forgot-password button[type=submit]")).click();
        browser.waitFor(By.id("reset-sent"));

        browser.open(link(email, "/reset-password"));
        choosePassword("reset-in-the-browser-1");
        signInWith(email, "reset-in-the-browser-1");
    }
}
