package io.crm.web.admin;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import io.crm.backup.Backup;
import io.crm.backup.BackupException;
import io.crm.backup.BackupProperties;
import io.crm.backup.Backups;
import io.crm.security.Access;

import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * Backups of the embedded store for admins: how old the newest one is, a warning when it is older than the schedule
 * promises, the list with sizes and statuses, and "Back up now".
 */
@Controller
@PreAuthorize(Access.ADMIN)
public class BackupPages {

    private final Backups backups;
    private final BackupProperties properties;
    private final Clock clock;

    public BackupPages(Backups backups, BackupProperties properties, Clock clock) {
        this.backups = backups;
        this.properties = properties;
        this.clock = clock;
    }

    @GetMapping("/admin/backups")
    public String backups(Model model) {
        Backups.Freshness freshness = backups.freshness();
        Backup last = freshness.last();
        model.addAttribute("available", backups.available());
        model.addAttribute("backups", backups.list());
        model.addAttribute("last", last);
        model.addAttribute("lastAge", last == null ? null : age(last.startedAt(), clock.instant()));
        model.addAttribute("stale", freshness.stale());
        model.addAttribute("due", freshness.due());
        model.addAttribute("schedule", properties.scheduled() ? properties.schedule().strip() : null);
        model.addAttribute("keep", properties.keep());
        model.addAttribute("dir", properties.dir().toAbsolutePath().toString());
        return "admin/backups";
    }

    @PostMapping("/admin/backups")
    public String start(RedirectAttributes redirect) {
        try {
            Backup started = backups.start();
            redirect.addFlashAttribute("notice", "Backup " + started.name() + " started: reload to see it complete.");
        } catch (BackupException refused) {
            redirect.addFlashAttribute("error", refused.getMessage());
        }
        return "redirect:/admin/backups";
    }

    /** "3 days 4 h", "2 h 5 min", "4 min", "less than a minute": precise enough to judge a backup's age. */
    static String age(Instant at, Instant now) {
        Duration age = Duration.between(at, now);
        if (age.toMinutes() < 1) {
            return "less than a minute";
        }
        if (age.toHours() < 1) {
            return age.toMinutes() + " min";
        }
        if (age.toDays() < 1) {
            return age.toHours() + " h " + age.toMinutesPart() + " min";
        }
        return age.toDays() + (age.toDays() == 1 ? " day " : " days ") + age.toHoursPart() + " h";
    }
}
