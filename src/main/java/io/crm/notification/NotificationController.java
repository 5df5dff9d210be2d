package io.crm.notification;

import java.time.Clock;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.crm.platform.web.Preconditions;
import io.crm.record.RecordException;
import io.crm.security.Access;
import io.crm.security.CurrentUser;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.bson.Document;

import org.springframework.http.HttpStatus;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** The signed-in user's own notifications (the web UI's bell shows the same). */
@RestController
@RequestMapping("/api/v1/notifications")
@PreAuthorize(Access.VIEWER)
@Tag(name = "notifications")
public class NotificationController {

    private static final int MAX = 100;

    private final NotificationStore store;
    private final Clock clock;

    NotificationController(NotificationStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    @GetMapping
    @Operation(summary = "My notifications, newest first (unread=true: only the unread), with the unread count")
    public Map<String, Object> list(@RequestParam(required = false) String unread,
                                    @RequestParam(required = false) String limit) {
        String me = CurrentUser.get().id();
        if (unread != null && !unread.equals("true") && !unread.equals("false")) {
            throw new RecordException.BadQuery("unread must be true or false");
        }
        List<Document> items = store.list(me, "true".equals(unread), Preconditions.limit(limit, MAX));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("items", items.stream().map(NotificationController::toJson).toList());
        body.put("unread", store.unread(me));
        return body;
    }

    @PostMapping("/{id}/read")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(summary = "Mark one of my notifications read")
    public void read(@PathVariable String id) {
        if (!store.markRead(CurrentUser.get().id(), id, Date.from(clock.instant()))) {
            throw new RecordException.NotFound("notification");
        }
    }

    @PostMapping("/read")
    @Operation(summary = "Mark all my notifications read")
    public Map<String, Object> readAll() {
        return Map.of("marked", store.markAllRead(CurrentUser.get().id(), null, Date.from(clock.instant())));
    }

    public static Map<String, Object> toJson(Document n) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", n.get("_id"));
        for (String field : List.of("kind", "text", "link", "objectType", "objectId")) {
            json.put(field, n.get(field));
        }
        json.put("at", ((Date) n.get(NotificationStore.AT)).toInstant());
        json.put("readAt", n.get(NotificationStore.READ_AT) instanceof Date d ? d.toInstant() : null);
        return json;
    }
}
