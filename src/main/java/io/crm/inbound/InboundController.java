package io.crm.inbound;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

import io.crm.inbound.InboundRejected.Reason;
import io.crm.security.Access;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Inbound mail posted by a mail provider (SES, Mailgun, Postmark: their raw-MIME forwarding) or any client with a
 * token that may write: the same checks and storage as the SMTP listener.
 */
@RestController
@RequestMapping("/api/v1/inbound")
@Tag(name = "inbound mail")
public class InboundController {

    public static final String MEDIA_TYPE = "message/rfc822";

    private final InboundMail mail;
    private final InboundStatus status;

    public InboundController(InboundMail mail, InboundStatus status) {
        this.mail = mail;
        this.status = status;
    }

    @Operation(summary = "The SMTP listener and the IMAP poller: running, sync state, last error (admins)")
    @GetMapping("/status")
    @PreAuthorize(Access.ADMIN)
    public Map<String, Object> status() {
        return status.toJson();
    }

    @Operation(summary = "Log a raw RFC 822 message on the timelines of the contacts it names (201; 200 for a "
            + "Message-ID already logged; 413 over the size limit; 400/422 for a malformed or refused message)")
    @PostMapping(path = "/email", consumes = MEDIA_TYPE)
    @PreAuthorize(Access.MEMBER)
    public ResponseEntity<Map<String, Object>> receive(HttpServletRequest request) throws IOException {
        long limit = mail.parser().maxSize();
        if (request.getContentLengthLong() > limit) {
            throw new InboundRejected(Reason.TOO_LARGE, "The message is larger than " + limit + " bytes");
        }
        byte[] raw;
        try (InputStream in = request.getInputStream()) {
            raw = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
        }
        InboundMail.Outcome outcome = mail.receive(raw, "http");
        Map<String, Object> body = InboundMail.toJson(outcome.email());
        if (outcome.duplicate()) {
            return ResponseEntity.ok(body);
        }
        return ResponseEntity.status(201).body(body);
    }
}
