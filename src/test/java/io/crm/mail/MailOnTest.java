package io.crm.mail;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.crm.support.ApiTest;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.BeforeEach;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The service with mail on, sending to GreenMail (a real SMTP server on a free loopback port, one for the test JVM,
 * emptied before each test).
 */
public abstract class MailOnTest extends ApiTest {

    public static final GreenMail SMTP = start();

    private static GreenMail start() {
        GreenMail mail = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
        mail.start();
        Runtime.getRuntime().addShutdownHook(new Thread(mail::stop));
        return mail;
    }

    @DynamicPropertySource
    static void mail(DynamicPropertyRegistry registry) {
        registry.add("spring.mail.host", () -> "127.0.0.1");
        registry.add("spring.mail.port", () -> SMTP.getSmtp().getPort());
        registry.add("spring.mail.properties.mail.smtp.starttls.enable", () -> "false");
        registry.add("crm.mail.public-url", () -> "https://crm.example.test");
        registry.add("crm.mail.poll-every", () -> "200ms");
    }

    @BeforeEach
    void emptyMailboxes() throws Exception {
        SMTP.purgeEmailFromAllMailboxes();
    }

    /** Waits (GreenMail's own wait, no sleep) for this many messages in all and returns them. */
    public static MimeMessage[] received(int count) {
        assertThat(SMTP.waitForIncomingEmail(20_000, count)).as("%d messages arrive", count).isTrue();
        return SMTP.getReceivedMessages();
    }

    /** The link's token from a message's text part. */
    public static String token(MimeMessage message, String path) {
        Matcher m = Pattern.compile(Pattern.quote("https://crm.example.test" + path + "?token=")
                + "([A-Za-z0-9_-]+)").matcher(GreenMailUtil.getBody(message));
        assertThat(m.find()).as("a %s link in the message", path).isTrue();
        return m.group(1);
    }
}
