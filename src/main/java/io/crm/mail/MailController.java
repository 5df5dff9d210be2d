package io.crm.mail;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.crm.platform.web.LimitsProperties;
import io.crm.platform.web.Preconditions;
import io.crm.security.Access;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.bson.Document;

import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The outgoing mail queue for admins (the request rules restrict /api/v1/mail to ADMIN, so does method security). */
@RestController
@PreAuthorize(Access.ADMIN)
@RequestMapping("/api/v1/mail")
@Tag(name = "mail")
public class MailController {

    private final MailOutbox outbox;
    private final LimitsProperties limits;

    public MailController(MailOutbox outbox, LimitsProperties limits) {
        this.outbox = outbox;
        this.limits = limits;
    }

    @GetMapping("/outbox")
    @Operation(summary = "Outgoing messages, newest first (cursor-paged), optionally of one status: pending, "
            + "retrying, sent, failed; with the attempts and the last error")
    public Map<String, Object> outbox(@RequestParam(required = false) String status,
                                      @RequestParam(required = false) String cursor,
                                      @RequestParam(required = false) String limit) {
        int size = Preconditions.limit(limit, limits.maxPageSize());
        List<Document> found = outbox.page(status, cursor, size);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("enabled", outbox.enabled());
        body.put("items", found.stream().limit(size).map(MailOutbox::toJson).toList());
        body.put("nextCursor", found.size() > size ? found.get(size - 1).getObjectId("_id").toHexString() : null);
        return body;
    }

    @PostMapping("/outbox/{id}/retry")
    @Operation(summary = "Send a failed or retrying message again now")
    public Map<String, Object> retry(@PathVariable String id) {
        return MailOutbox.toJson(outbox.retry(id));
    }
}
