package io.crm.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

class AttachmentPolicyTest {

    private final AttachmentPolicy policy = new AttachmentPolicy(100, 2, List.of("application/pdf", "image/*"),
            List.of("exe", "js"));

    private static ParsedEmail.Attachment file(String name, String type, String content) {
        return new ParsedEmail.Attachment(name, type, content.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void storesAllowedTypesWhoseContentMatches() {
        assertThat(policy.refusal(file("a.pdf", "application/pdf", "%PDF-1.7 ..."), 0)).isNull();
        assertThat(policy.refusal(file("a.png", "image/png", "\u0089PNG...."), 0)).isNull();
        assertThat(policy.refusal(file("a.webp", "image/webp", "RIFF...."), 0)).isNull();
    }

    @Test
    void refusesWithAReason() {
        assertThat(policy.refusal(file("a.pdf", "application/pdf", "x".repeat(101)), 0)).contains("larger than 100");
        assertThat(policy.refusal(file("a.pdf", "application/pdf", "%PDF-"), 2)).contains("more than 2");
        assertThat(policy.refusal(file("setup.EXE", "image/png", "\u0089PNG"), 0)).contains(".exe");
        assertThat(policy.refusal(file("a.zip", "application/zip", "PK.."), 0)).contains("application/zip");
        assertThat(policy.refusal(file("invoice.pdf", "application/pdf", "MZ\u0090\u0000"), 0)).contains("executable");
        assertThat(policy.refusal(file("photo.jpg", "image/jpeg", "<svg onload=x>"), 0)).contains("does not match");
    }
}
