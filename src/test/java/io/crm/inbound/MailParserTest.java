package io.crm.inbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import io.crm.inbound.InboundRejected.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MailParserTest {

    private final MailParser parser = new MailParser(25L * 1024 * 1024, List.of("sales.example"));

    @Test
    void parsesHeadersBodiesAndAttachments() {
        ParsedEmail email = parser.parse(Corpus.read("bcc-two-contacts.eml"));

        assertThat(email.messageId()).isEqualTo("<proposal-1@sales.example>");
        assertThat(email.from()).isEqualTo("sam@sales.example");
        assertThat(email.fromName()).isEqualTo("Sam Seller");
        assertThat(email.to()).containsExactly(new ParsedEmail.Address("ann@customer.example", "Ann Buyer"));
        // addresses are lower-cased: contacts are matched case-insensitively
        assertThat(email.cc()).containsExactly(new ParsedEmail.Address("bob@customer.example", "Bob B."));
        assertThat(email.subject()).isEqualTo("Proposal for Q3 – pricing");
        assertThat(email.date()).isEqualTo(Instant.parse("2026-12-04T09:15:00Z"));
        assertThat(email.text()).contains("the proposal is attached. Grüße, Sam");
        assertThat(email.html()).contains("<b>attached</b>").doesNotContain("script").doesNotContain("alert");
        assertThat(email.attachments()).singleElement().satisfies(a -> {
            assertThat(a.filename()).isEqualTo("proposal.pdf");
            assertThat(a.contentType()).isEqualTo("application/pdf");
            assertThat(new String(a.content(), StandardCharsets.US_ASCII)).startsWith("%PDF-1.4");
        });
    }

    @Test
    void htmlIsSanitisedAndItsTextKept() {
        ParsedEmail email = parser.parse(Corpus.read("html-with-scripts.eml"));

        assertThat(email.html()).contains("Visible", "https://example.com/ok", "good link")
                .doesNotContain("<script", "steal", "onload", "onclick", "javascript:", "<iframe", "<form", "<img",
                        "tracker.example", "<style");
        // an HTML-only message: its text is the HTML without markup
        assertThat(email.text()).contains("Visible", "bad link", "good link").doesNotContain("<", "steal");
    }

    @Test
    void aMessageWithoutMessageIdGetsOneFromItsContent() {
        byte[] raw = Corpus.read("no-message-id.eml");

        String id = parser.parse(raw).messageId();

        assertThat(id).endsWith("@no-message-id.invalid>");
        assertThat(parser.parse(raw.clone()).messageId()).isEqualTo(id);
    }

    @ParameterizedTest(name = "{0} is refused: {1}")
    @CsvSource({
            "bad-no-from.eml, MALFORMED",
            "bad-from-not-an-address.eml, MALFORMED",
            "bad-missing-end-boundary.eml, MALFORMED",
            "bad-no-boundary.eml, MALFORMED",
            "bad-unknown-transfer-encoding.eml, MALFORMED",
            "bad-too-deep.eml, MALFORMED",
            "bad-unknown-charset.eml, CHARSET",
            "bad-wrong-charset.eml, CHARSET",
            "bad-spoofed-sender.eml, SENDER"})
    void theBadInputCorpusIsRefused(String file, Reason reason) {
        assertThatThrownBy(() -> parser.parse(Corpus.read(file)))
                .isInstanceOfSatisfying(InboundRejected.class, e -> {
                    assertThat(e.reason()).isEqualTo(reason);
                    assertThat(e.smtpCode()).isBetween(500, 599);
                    assertThat(e.status()).isBetween(400, 499);
                });
    }

    @Test
    void aMessageOverTheLimitIsRefusedAsTooLarge() {
        byte[] raw = Corpus.read("bcc-two-contacts.eml");
        MailParser small = new MailParser(raw.length - 1, List.of());

        assertThatThrownBy(() -> small.parse(raw)).isInstanceOfSatisfying(InboundRejected.class, e -> {
            assertThat(e.reason()).isEqualTo(Reason.TOO_LARGE);
            assertThat(e.status()).isEqualTo(413);
            assertThat(e.smtpCode()).isEqualTo(552);
        });
        assertThat(new MailParser(raw.length, List.of()).parse(raw).from()).isEqualTo("sam@sales.example");
    }

    @Test
    void withoutAllowedDomainsAnySenderIsAccepted() {
        MailParser open = new MailParser(1 << 20, List.of());

        assertThat(open.parse(Corpus.read("bad-spoofed-sender.eml")).from()).isEqualTo("ceo@evil.example");
        assertThat(open.ownDomain("ceo@evil.example")).isFalse();
        assertThat(parser.ownDomain("SAM@Sales.Example")).isTrue();
    }

    @Test
    void tooManyRecipientsAreMalformed() {
        StringBuilder to = new StringBuilder();
        for (int i = 0; i <= MailParser.MAX_RECIPIENTS; i++) {
            to.append(i == 0 ? "" : ", ").append("r").append(i).append("@customer.example");
        }
        byte[] raw = ("From: sam@sales.example\r\nTo: " + to + "\r\nSubject: all\r\n\r\nHi.\r\n")
                .getBytes(StandardCharsets.US_ASCII);

        assertThatThrownBy(() -> parser.parse(raw)).isInstanceOfSatisfying(InboundRejected.class,
                e -> assertThat(e.getMessage()).contains("To and Cc"));
    }

    @Test
    void anEmptyBodyIsMalformed() {
        assertThatThrownBy(() -> parser.parse(new byte[0])).isInstanceOf(InboundRejected.class);
    }
}
