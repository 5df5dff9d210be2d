package io.crm.web;

import java.time.Clock;
import java.util.Date;
import java.util.List;

import io.crm.notification.NotificationStore;
import io.crm.security.CurrentUser;
import org.bson.Document;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/** The bell's page: my latest notifications; opening it marks the ones shown as read (they stay highlighted once). */
@Controller
class NotificationPages {

    static final int SHOWN = 50;

    private final NotificationStore store;
    private final Clock clock;

    NotificationPages(NotificationStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    @GetMapping("/notifications")
    String list(Model model) {
        String me = CurrentUser.get().id();
        List<Document> items = store.list(me, false, SHOWN);
        List<String> unread = items.stream().filter(n -> n.get("readAt") == null).map(n -> (String) n.get("_id"))
                .toList();
        if (!unread.isEmpty()) {
            store.markAllRead(me, unread, Date.from(clock.instant()));
        }
        model.addAttribute("items", items);
        // the header's badge is computed before this page marks them: it says how many this visit showed as new
        model.addAttribute("unreadNotifications", 0L);
        return "notifications";
    }
}
