package io.crm.web;

import io.crm.notification.NotificationStore;
import io.crm.record.RecordException;
import io.crm.security.CrmUser;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.ModelAttribute;

/**
 * What every web UI page shares: the signed-in user for the header, and failures shown as an HTML page (the API's
 * problem+json handler stays for the API controllers).
 */
@ControllerAdvice(basePackages = "io.crm.web")
@Order(Ordered.HIGHEST_PRECEDENCE)
public class WebPages {

    private static final Logger log = LoggerFactory.getLogger(WebPages.class);

    private final NotificationStore notifications;

    WebPages(NotificationStore notifications) {
        this.notifications = notifications;
    }

    @ModelAttribute("me")
    CrmUser me() {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        return auth != null && auth.getPrincipal() instanceof CrmUser user ? user : null;
    }

    /** The bell's badge on every page of a signed-in user (one indexed count). */
    @ModelAttribute("unreadNotifications")
    Long unreadNotifications() {
        CrmUser me = me();
        return me == null ? null : notifications.unread(me.id());
    }

    @ExceptionHandler(RecordException.class)
    String failed(RecordException e, Model model, HttpServletResponse response) {
        if (e.status() >= 500) {
            log.warn("UI request failed: {}", e.toString());
        }
        response.setStatus(e.status());
        model.addAttribute("me", me());
        model.addAttribute("status", e.status());
        model.addAttribute("title", e.title());
        model.addAttribute("message", e.getMessage());
        return "error-page";
    }
}
