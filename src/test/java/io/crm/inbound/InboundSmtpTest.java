package io.crm.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import io.crm.support.ApiTest;
import io.crm.support.Http;
import jakarta.mail.Address;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPSenderFailedException;
import org.eclipse.angus.mail.smtp.SMTPTransport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/**
 * The SMTP listener, driven by a real SMTP client (Jakarta Mail's transport) on loopback: a message BCC'd to the
 * capture address lands on the timelines of the contacts it names; wrong addresses, spoofed senders and the bad-input
 * corpus get 5xx replies and store nothing.
 */
@TestPropertySource(properties = {
        "crm.inbound.address=log@crm.example.com",
        "crm.inbound.secret=" + InboundSmtpTest.SECRET,
        "crm.inbound.allowed-sender-domains=sales.example",
        "crm.inbound.create-contacts=true",
        "crm.inbound.max-message-size=64KB"})
class InboundSmtpTest extends ApiTest {

    static final String SECRET = "test-secret-0123456789";
    private static final String CAPTURE = "log+" + SECRET + "@crm.example.com";
    private static final int PORT = freePort();

    @Autowired
    private SmtpListener listener;

    @DynamicPropertySource
    static void smtpPort(DynamicPropertyRegistry registry) {
        registry.add("crm.inbound.smtp-port", () -> PORT);
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Session session(String envelopeFrom) {
        Properties properties = new Properties();
        properties.setProperty("mail.smtp.host", "127.0.0.1");
        properties.setProperty("mail.smtp.port", String.valueOf(listener.port()));
        properties.setProperty("mail.smtp.from", envelopeFrom);
        properties.setProperty("mail.smtp.timeout", "20000");
        return Session.getInstance(properties);
    }

    /** Sends and returns the SMTP reply code: 250, or the code of the refusal. */
    private int send(MimeMessage message, String envelopeFrom, String recipient) {
        try (Transport transport = session(envelopeFrom).getTransport("smtp")) {
            transport.connect();
            transport.sendMessage(message, new Address[] {new InternetAddress(recipient)});
            return ((SMTPTransport) transport).getLastReturnCode();
        } catch (MessagingException e) {
            return code(e);
        }
    }

    private static int code(Exception e) {
        for (Exception x = e; x != null; x = x instanceof MessagingException m ? m.getNextException() : null) {
            if (x instanceof SMTPAddressFailedException a) {
                return a.getReturnCode();
            }
            if (x instanceof SMTPSenderFailedException s) {
                return s.getReturnCode();
            }
            if (x instanceof SMTPSendFailedException s) {
                return s.getReturnCode();
            }
        }
        throw new AssertionError("no SMTP reply code in " + e, e);
    }

    private int sendRaw(String file, String envelopeFrom) {
        try {
            MimeMessage message = new MimeMessage(session(envelopeFrom),
                    new ByteArrayInputStream(Corpus.read(file)));
            return send(message, envelopeFrom, CAPTURE);
        } catch (MessagingException e) {
            throw new AssertionError(e);
        }
    }

    private MimeMessage composed(String from, String to, String cc, String subject) throws MessagingException {
        MimeMessage message = new MimeMessage(session(from));
        message.setFrom(new InternetAddress(from));
        message.setRecipients(Message.RecipientType.TO, to);
        if (cc != null) {
            message.setRecipients(Message.RecipientType.CC, cc);
        }
        message.setSubject(subject, "UTF-8");
        message.setText("Hello from the sales team.", "UTF-8");
        message.saveChanges();
        return message;
    }

    private List<String> emailSubjects(String contactId) {
        Http.Response timeline = http.get("/api/v1/contacts/" + contactId + "/timeline");
        assertThat(timeline.status()).as(timeline.toString()).isEqualTo(200);
        List<String> subjects = new ArrayList<>();
        for (JsonNode item : timeline.json().get("items")) {
            if ("email".equals(item.path("type").asString(""))) {
                subjects.add(item.get("subject").asString());
            }
        }
        return subjects;
    }

    private long stored() {
        return mongo.getCollection(InboundMail.COLLECTION).countDocuments();
    }

    @Test
    void aMessageBccdToTheCaptureAddressAppearsOnBothContactsTimelines() throws MessagingException {
        String ann = create("/api/v1/contacts", Map.of("name", "Ann", "email", "ann@customer.example"));
        String bob = create("/api/v1/contacts", Map.of("name", "Bob", "email", "Bob@Customer.example"));
        MimeMessage message = composed("sam@sales.example", "ann@customer.example", "BOB@customer.example",
                "Our offer");

        // BCC: the capture address is only in the envelope, never in the headers
        assertThat(send(message, "sam@sales.example", CAPTURE)).isEqualTo(250);

        assertThat(emailSubjects(ann)).containsExactly("Our offer");
        assertThat(emailSubjects(bob)).containsExactly("Our offer");
        // the same message again (its Message-ID): accepted, logged once
        assertThat(send(message, "sam@sales.example", CAPTURE)).isEqualTo(250);
        assertThat(emailSubjects(ann)).containsExactly("Our offer");
        assertThat(stored()).isOne();
        // made by the listener, as the audit log says
        relayed();
        assertThat(http.get("/api/v1/audit?limit=100").body()).contains("\"name\":\"inbound mail\"");
    }

    @Test
    void unknownAddressesBecomeContactsWhenSoConfiguredButNotTheSalesTeams() throws MessagingException {
        MimeMessage message = composed("sam@sales.example", "\"Carol New\" <carol@newco.example>",
                "kim@sales.example", "First contact");

        assertThat(send(message, "sam@sales.example", CAPTURE)).isEqualTo(250);

        Http.Response contacts = http.get("/api/v1/contacts");
        assertThat(contacts.json().get("items")).singleElement().satisfies(c -> {
            assertThat(c.get("email").asString()).isEqualTo("carol@newco.example");
            assertThat(c.get("name").asString()).isEqualTo("Carol New");
            assertThat(emailSubjects(c.get("id").asString())).containsExactly("First contact");
        });
    }

    @Test
    void theSizeLimitIsAnnouncedAndEnforced() throws MessagingException {
        try (Transport transport = session("sam@sales.example").getTransport("smtp")) {
            transport.connect();
            assertThat(((SMTPTransport) transport).getExtensionParameter("SIZE")).isEqualTo("65536");
        }
        MimeMessage huge = composed("sam@sales.example", "ann@customer.example", null, "huge");
        huge.setText("x".repeat(70 * 1024));
        huge.saveChanges();

        assertThat(send(huge, "sam@sales.example", CAPTURE)).isEqualTo(552);
        assertThat(stored()).isZero();
        // and over HTTP: 413
        byte[] body = new byte[70 * 1024];
        java.util.Arrays.fill(body, (byte) 'x');
        Http.Response tooLarge = http.sendBytes("POST", "/api/v1/inbound/email", "message/rfc822", body);
        assertThat(tooLarge.status()).as(tooLarge.toString()).isEqualTo(413);
        assertThat(tooLarge.contentType()).startsWith("application/problem+json");
    }

    @Test
    void aWrongAddressOrSecretIsRefusedAtRcpt() throws MessagingException {
        MimeMessage message = composed("sam@sales.example", "ann@customer.example", null, "hi");

        assertThat(send(message, "sam@sales.example", "log@crm.example.com")).isEqualTo(550);
        assertThat(send(message, "sam@sales.example", "log+wrong-secret@crm.example.com")).isEqualTo(550);
        assertThat(send(message, "sam@sales.example", "someone@crm.example.com")).isEqualTo(550);
        assertThat(stored()).isZero();
    }

    @Test
    void aSpoofedSenderIsRefused() throws MessagingException {
        // by the envelope, at MAIL FROM
        MimeMessage envelope = composed("sam@sales.example", "ann@customer.example", null, "hi");
        assertThat(send(envelope, "ceo@evil.example", CAPTURE)).isEqualTo(550);
        // by the From header, at DATA
        assertThat(sendRaw("bad-spoofed-sender.eml", "sam@sales.example")).isEqualTo(550);
        // over HTTP: 422
        Http.Response spoofed = http.sendBytes("POST", "/api/v1/inbound/email", "message/rfc822",
                Corpus.read("bad-spoofed-sender.eml"));
        assertThat(spoofed.status()).as(spoofed.toString()).isEqualTo(422);
        assertThat(stored()).isZero();
    }

    @ParameterizedTest
    @CsvSource({"bad-no-from.eml, 554", "bad-from-not-an-address.eml, 554", "bad-missing-end-boundary.eml, 554",
            "bad-no-boundary.eml, 554", "bad-unknown-transfer-encoding.eml, 554", "bad-too-deep.eml, 554",
            "bad-unknown-charset.eml, 554", "bad-wrong-charset.eml, 554"})
    void theBadInputCorpusIsRefusedAtData(String file, int code) {
        create("/api/v1/contacts", Map.of("name", "Ann", "email", "ann@customer.example"));

        assertThat(sendRaw(file, "sam@sales.example")).isEqualTo(code);

        assertThat(stored()).isZero();
        assertThat(mongo.getCollection("activities").countDocuments()).isZero();
    }
}
