package io.crm.inbound;

import io.crm.record.RecordException;

/**
 * An incoming message refused before anything was stored. One reason carries both answers: the HTTP status of
 * {@code POST /api/v1/inbound/email} (problem+json) and the SMTP reply of the listener (a permanent 5xx, so the
 * sending server bounces it to its author instead of retrying).
 */
public final class InboundRejected extends RecordException {

    /** Why a message was refused, with its HTTP status and SMTP reply code and enhanced status (RFC 3463). */
    public enum Reason {
        MALFORMED(400, "Malformed message", 554, "5.6.0"),
        CHARSET(400, "Unsupported or wrong charset", 554, "5.6.3"),
        TOO_LARGE(413, "Content too large", 552, "5.3.4"),
        SENDER(422, "Sender not allowed", 550, "5.7.1"),
        RECIPIENT(422, "Recipient not accepted", 550, "5.1.1");

        private final int status;
        private final String title;
        private final int smtpCode;
        private final String enhanced;

        Reason(int status, String title, int smtpCode, String enhanced) {
            this.status = status;
            this.title = title;
            this.smtpCode = smtpCode;
            this.enhanced = enhanced;
        }
    }

    private final Reason reason;

    public InboundRejected(Reason reason, String message) {
        super(reason.status, reason.title, message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    public int smtpCode() {
        return reason.smtpCode;
    }

    /** The SMTP reply text after the code: the enhanced status code and the reason, on one line. */
    public String smtpText() {
        return reason.enhanced + " " + getMessage().replaceAll("[\\r\\n]+", " ");
    }
}
