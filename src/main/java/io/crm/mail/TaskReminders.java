package io.crm.mail;

import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import io.crm.activity.ActivitySchema;
import io.crm.activity.ActivityService;
import io.crm.security.UserService;
import org.bson.Document;


/**
 * Task reminders and the morning digest, decided each {@link #EVERY} by one replica at a time (a leased job). Each
 * message has a key that names it for good ({@code reminder:<task>:<due>:<assignee>}, {@code digest:<user>:<local date>}), so the outbox
 * sends it once even when a run is repeated (a replica died during it), and after restarts. A task due again later (its due date moved)
 * is a new reminder.
 */
public class TaskReminders implements io.crm.jobs.LeasedJob {

    static final Duration EVERY = Duration.ofSeconds(30);
    /** A task first seen overdue by more than this gets no reminder of its own (the digest lists it). */
    static final Duration LOOKBACK = Duration.ofHours(6);
    /** The digest goes out from 07:00 in the user's zone; a replica that first looks after noon skips that day. */
    static final int DIGEST_FROM_HOUR = 7;
    static final int DIGEST_UNTIL_HOUR = 12;
    private static final int BATCH = 1000;
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("EEE d MMM yyyy, HH:mm (zzz)",
            Locale.ENGLISH);

    private final ActivityService activities;
    private final UserService users;
    private final MailPreferences preferences;
    private final MailOutbox outbox;
    private final Clock clock;

    public TaskReminders(ActivityService activities, UserService users, MailPreferences preferences,
                         MailOutbox outbox, Clock clock) {
        this.activities = activities;
        this.users = users;
        this.preferences = preferences;
        this.outbox = outbox;
        this.clock = clock;
    }

    /** Queues the reminders due now; returns how many this call queued. */
    public int remind() {
        Instant now = clock.instant();
        int queued = 0;
        for (Document task : activities.openTasksDueBetween(now.minus(LOOKBACK),
                now.plus(MailPreferences.LEADS.get("1d")), BATCH)) {
            String assignee = task.getString("assigneeId");
            Optional<Document> user = assignee == null ? Optional.empty() : recipient(assignee);
            if (user.isEmpty()) {
                continue;
            }
            Instant due = task.getDate("dueAt").toInstant();
            if (due.minus(preferences.get(assignee).lead()).isAfter(now)) {
                continue;
            }
            String key = "reminder:" + task.getObjectId("_id").toHexString() + ":" + due.toEpochMilli() + ":"
                    + assignee;
            if (outbox.known(key)) {
                continue;
            }
            ZoneId zone = zone(user.get());
            Map<String, Object> model = new LinkedHashMap<>();
            model.put("name", user.get().getString("displayName"));
            model.put("subject", task.getString("subject"));
            model.put("due", WHEN.format(due.atZone(zone)));
            model.put("link", outbox.properties().link(ActivitySchema.recordPage(task)));
            if (outbox.enqueue(new Mail(key, user.get().getString("email"), user.get().getString("displayName"),
                    "Task due: " + task.getString("subject"), "task-reminder", model))) {
                queued++;
            }
        }
        return queued;
    }

    /** Queues the morning digests due now (07:00 to noon in each user's zone, once a day); returns how many. */
    public int digest() {
        Instant now = clock.instant();
        int queued = 0;
        String cursor = null;
        do {
            io.crm.record.Page<Document> page = users.list(500, cursor);
            for (Document user : page.items()) {
                if (digestFor(user, now)) {
                    queued++;
                }
            }
            cursor = page.nextCursor();
        } while (cursor != null);
        return queued;
    }

    private boolean digestFor(Document user, Instant now) {
        if (!sendable(user)) {
            return false;
        }
        String id = user.getObjectId("_id").toHexString();
        ZonedDateTime local = now.atZone(zone(user));
        if (local.getHour() < DIGEST_FROM_HOUR || local.getHour() >= DIGEST_UNTIL_HOUR) {
            return false;
        }
        String key = "digest:" + id + ":" + local.toLocalDate();
        if (outbox.known(key) || !preferences.get(id).digest()) {
            return false;
        }
        Instant endOfToday = local.toLocalDate().plusDays(1).atStartOfDay(local.getZone()).toInstant();
        Instant startOfToday = local.toLocalDate().atStartOfDay(local.getZone()).toInstant();
        List<Map<String, Object>> overdue = new ArrayList<>();
        List<Map<String, Object>> today = new ArrayList<>();
        for (Document task : activities.openTasksAssignedDueBefore(id, endOfToday, 200)) {
            Date dueAt = task.getDate("dueAt");
            if (dueAt == null) {
                continue;
            }
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("subject", task.getString("subject"));
            line.put("due", WHEN.format(dueAt.toInstant().atZone(local.getZone())));
            line.put("link", outbox.properties().link(ActivitySchema.recordPage(task)));
            (dueAt.toInstant().isBefore(startOfToday) ? overdue : today).add(line);
        }
        if (overdue.isEmpty() && today.isEmpty()) {
            return false;
        }
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("name", user.getString("displayName"));
        model.put("date", local.toLocalDate().toString());
        model.put("overdue", overdue);
        model.put("today", today);
        model.put("unsubscribe", outbox.properties().link("/mail/unsubscribe?token="
                + preferences.unsubscribeToken(id)));
        return outbox.enqueue(new Mail(key, user.getString("email"), user.getString("displayName"),
                "Your tasks for " + local.toLocalDate(), "digest", model));
    }

    private Optional<Document> recipient(String userId) {
        return users.byId(userId).filter(TaskReminders::sendable);
    }

    private static boolean sendable(Document user) {
        return Boolean.TRUE.equals(user.getBoolean("enabled")) && !UserService.isService(user)
                && user.getString("email") != null;
    }

    private static ZoneId zone(Document user) {
        String zone = user.getString(UserService.TIME_ZONE);
        try {
            return zone == null ? ZoneOffset.UTC : ZoneId.of(zone);
        } catch (DateTimeException e) {
            return ZoneOffset.UTC;
        }
    }

    @Override
    public String name() {
        return "task-reminders";
    }

    @Override
    public Duration every() {
        return EVERY;
    }

    /** Only with mail on: with mail off nothing is ever queued. */
    @Override
    public boolean enabled() {
        return outbox.enabled();
    }

    @Override
    public String run() {
        return "queued " + remind() + " reminders and " + digest() + " digests";
    }
}
