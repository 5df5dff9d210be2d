package io.crm.inbound;

import java.time.Instant;
import java.util.List;

/**
 * An incoming message as the CRM keeps it, parsed and checked ({@link MailParser}); nothing stored yet.
 *
 * @param messageId   the Message-ID header, or one derived from the content when there is none
 * @param from        the sender, lower-cased address
 * @param fromName    the sender's display name ("" when none)
 * @param to          To addresses, lower-cased
 * @param cc          Cc addresses, lower-cased
 * @param subject     the decoded subject ("" when none)
 * @param date        the Date header, null when missing or unparseable
 * @param text        the plain-text body ("" when none; derived from the HTML when only that is there)
 * @param html        the HTML body, sanitised ("" when none)
 * @param attachments the attachments with their content
 * @param size        the raw message's size in bytes
 */
public record ParsedEmail(String messageId, String from, String fromName, List<Address> to, List<Address> cc,
                          String subject, Instant date, String text, String html, List<Attachment> attachments,
                          long size) {

    /** An address with its display name ("" when none). */
    public record Address(String email, String name) {
    }

    /** An attachment: file name ("" when none), declared content type (base type, lower case) and content. */
    public record Attachment(String filename, String contentType, byte[] content) {
    }

    /** From, To and Cc together: everyone the message is about. */
    public List<Address> participants() {
        java.util.List<Address> all = new java.util.ArrayList<>();
        all.add(new Address(from, fromName));
        all.addAll(to);
        all.addAll(cc);
        return all;
    }
}
