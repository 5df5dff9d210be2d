package io.crm.web;

import java.time.DateTimeException;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Optional;

import com.mongodb.MongoException;
import io.crm.security.CrmUser;
import io.crm.security.UserService;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * The time zone the web UI shows the current request's dates in: the user's setting, else the browser's (the
 * {@value #COOKIE} cookie that {@code static/js/tz.js} sets), else UTC. Resolved once per request and kept as a
 * request attribute; outside a request (or for an unknown or garbled zone) it is UTC. The API never uses it: its
 * instants stay UTC.
 */
@Component
public class UserZones {

    /** The browser's zone, an IANA name such as {@code Europe/Berlin}, set by the page script. */
    public static final String COOKIE = "crm_tz";
    private static final String ATTRIBUTE = UserZones.class.getName();
    /** Longer than any IANA name; a longer value is not looked at. */
    private static final int MAX_LENGTH = 64;

    /** Where the zone came from; the page script reloads a page only when the browser's zone was not yet known. */
    public enum Source { SETTING, BROWSER, DEFAULT }

    public record Resolved(ZoneId zone, Source source) {
        static final Resolved UTC = new Resolved(ZoneOffset.UTC, Source.DEFAULT);
    }

    private final UserService users;

    public UserZones(UserService users) {
        this.users = users;
    }

    /** The current request's zone (UTC outside a request). */
    public ZoneId current() {
        return resolved().zone();
    }

    public Resolved resolved() {
        RequestAttributes attributes = RequestContextHolder.getRequestAttributes();
        if (!(attributes instanceof ServletRequestAttributes servlet)) {
            return Resolved.UTC;
        }
        HttpServletRequest request = servlet.getRequest();
        if (request.getAttribute(ATTRIBUTE) instanceof Resolved cached) {
            return cached;
        }
        Resolved resolved = resolve(ownSetting(), cookie(request));
        request.setAttribute(ATTRIBUTE, resolved);
        return resolved;
    }

    /**
     * Whether the page script may reload this page to show it in the browser's zone when that differs from the one
     * it was rendered in: only a GET (never re-send a form), and not when the user chose a zone (theirs wins).
     */
    public boolean browserMayReload() {
        RequestAttributes attributes = RequestContextHolder.getRequestAttributes();
        return attributes instanceof ServletRequestAttributes servlet
                && "GET".equals(servlet.getRequest().getMethod()) && resolved().source() != Source.SETTING;
    }

    /** The resolution order: a user's setting, then the browser's zone, then UTC. */
    static Resolved resolve(String setting, String browser) {
        Optional<ZoneId> chosen = parse(setting);
        if (chosen.isPresent()) {
            return new Resolved(chosen.get(), Source.SETTING);
        }
        return parse(browser).map(zone -> new Resolved(zone, Source.BROWSER)).orElse(Resolved.UTC);
    }

    /** A zone id as a browser or a stored setting spells it; anything {@link ZoneId#of} refuses is no zone. */
    public static Optional<ZoneId> parse(String id) {
        if (id == null || id.isBlank() || id.length() > MAX_LENGTH) {
            return Optional.empty();
        }
        try {
            return Optional.of(ZoneId.of(id.strip()));
        } catch (DateTimeException e) {
            return Optional.empty();
        }
    }

    /** The signed-in user's stored zone, if any (read per request, so a change shows on the next page). */
    private String ownSetting() {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        if (auth == null || !(auth.getPrincipal() instanceof CrmUser user)) {
            return null;
        }
        try {
            return users.timeZone(user.id());
        } catch (MongoException e) {
            // the zone only formats dates: a page (an error page among them) renders with the browser's instead
            return null;
        }
    }

    private static String cookie(HttpServletRequest request) {
        Cookie[] cookies = request.getCookies();
        if (cookies == null) {
            return null;
        }
        for (Cookie cookie : cookies) {
            if (COOKIE.equals(cookie.getName())) {
                return cookie.getValue();
            }
        }
        return null;
    }
}
