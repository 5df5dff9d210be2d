package io.crm.inbound;

import java.time.Duration;
import java.util.List;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.hibernate.validator.constraints.time.DurationMin;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * {@code crm.inbound.*}: capture of incoming mail onto contacts' timelines (docs/email.md "Incoming mail"). Defaults
 * live in application.yaml only.
 *
 * @param smtpPort              the SMTP listener's port; 0: no listener
 * @param smtpBindAddress       the listener's bind address (empty: all interfaces)
 * @param address               the capture address, e.g. {@code log@crm.example.com}; the listener accepts only
 *                              {@code log+<secret>@crm.example.com}
 * @param secret                the shared secret in the address's local part
 * @param secretFile            a file holding it (wins over {@code secret})
 * @param allowedSenderDomains  sender (From, and the SMTP envelope sender) domains accepted; empty: any
 * @param createContacts        an unknown From/To/Cc address outside the allowed sender domains becomes a contact
 * @param maxMessageSize        the largest raw message accepted (SMTP SIZE, the HTTP body)
 * @param maxAttachmentSize     the largest attachment stored; larger ones are listed, not stored
 * @param maxAttachments        attachments stored per message; further ones are listed, not stored
 * @param attachmentTypes       content types stored ({@code image/*} style wildcards); others are listed only
 * @param blockedExtensions     file name extensions never stored, whatever their declared type
 * @param imap                  the optional IMAP poller of a shared mailbox
 */
@Validated
@ConfigurationProperties("crm.inbound")
public record InboundProperties(@Min(0) @Max(65535) int smtpPort,
                                String smtpBindAddress,
                                String address,
                                String secret,
                                String secretFile,
                                List<String> allowedSenderDomains,
                                boolean createContacts,
                                @NotNull DataSize maxMessageSize,
                                @NotNull DataSize maxAttachmentSize,
                                @Min(0) @Max(1000) int maxAttachments,
                                List<String> attachmentTypes,
                                List<String> blockedExtensions,
                                @NotNull Imap imap) {

    public InboundProperties {
        allowedSenderDomains = allowedSenderDomains == null ? List.of() : allowedSenderDomains.stream()
                .map(String::strip).filter(d -> !d.isEmpty()).map(d -> d.toLowerCase(java.util.Locale.ROOT)).toList();
        attachmentTypes = attachmentTypes == null ? List.of() : List.copyOf(attachmentTypes);
        blockedExtensions = blockedExtensions == null ? List.of() : List.copyOf(blockedExtensions);
    }

    /**
     * {@code crm.inbound.imap.*}: polls a shared mailbox when a host is set.
     *
     * @param host         the IMAP server; empty: no poller
     * @param port         its port
     * @param username     the mailbox user
     * @param password     its password
     * @param passwordFile a file holding it (wins over {@code password})
     * @param folder       the folder polled
     * @param ssl          IMAPS (implicit TLS) instead of plain IMAP
     * @param pollEvery    how often the mailbox is polled (by one replica at a time)
     * @param lease        the longest one poll may hold the lease (a dead holder is replaced this fast)
     */
    public record Imap(String host, @Min(0) @Max(65535) int port, String username, String password,
                       String passwordFile, String folder, boolean ssl,
                       @NotNull @DurationMin(seconds = 1) Duration pollEvery,
                       @NotNull @DurationMin(seconds = 1) Duration lease) {

        public boolean enabled() {
            return host != null && !host.isBlank();
        }
    }
}
