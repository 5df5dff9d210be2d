package io.crm.web.activity;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.crm.activity.ActivitySchema;
import io.crm.activity.ActivityService;
import io.crm.record.RecordException;
import io.crm.web.Forms;
import io.crm.web.SchemaForms;
import io.crm.web.UserZones;
import org.bson.Document;

import org.springframework.stereotype.Controller;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** Timeline forms: add a note, log a call, create a task (on a contact, company or deal), tick a task done. */
@Controller
public class ActivityPages {

    private static final Map<String, String> PAGES = Map.of("contactId", "/contacts/", "companyId", "/companies/",
            "dealId", "/deals/");

    private final ActivityService activities;
    private final UserZones zones;
    private final Clock clock;

    public ActivityPages(ActivityService activities, UserZones zones, Clock clock) {
        this.activities = activities;
        this.zones = zones;
        this.clock = clock;
    }

    /**
     * A task is due by the end of the chosen day where the user is (the zone the pages show), stored as that instant
     * (UTC, like every instant of the API).
     */
    static Instant endOfDay(LocalDate day, ZoneId zone) {
        return day.atTime(LocalTime.of(23, 59, 59)).atZone(zone).toInstant();
    }

    @PostMapping("/activities")
    public String create(@RequestParam MultiValueMap<String, String> form, RedirectAttributes redirect) {
        String back = back(form.getFirst("on"), form);
        Map<String, Object> body = new LinkedHashMap<>(SchemaForms.body(activities.schema(), form, false));
        String due = form.getFirst("dueDate");
        if (due != null && !due.isBlank()) {
            try {
                body.put("dueAt", endOfDay(LocalDate.parse(due.strip()), zones.current()).toString());
            } catch (DateTimeParseException e) {
                redirect.addFlashAttribute("activityErrors", Map.of("dueDate", "must be a date"));
                redirect.addFlashAttribute("activityValues", Forms.values(form));
                return "redirect:" + back;
            }
        }
        try {
            Document saved = activities.create(body);
            redirect.addFlashAttribute("notice", label(saved.getString("type")) + " added to the timeline.");
        } catch (RecordException.Invalid invalid) {
            redirect.addFlashAttribute("activityErrors", Forms.errors(invalid));
            redirect.addFlashAttribute("activityValues", Forms.values(form));
        }
        return "redirect:" + back;
    }

    /** Ticks a task done (or open again with {@code done=false}). */
    @PostMapping("/activities/{id}/done")
    public String done(@PathVariable String id, @RequestParam(defaultValue = "true") boolean done,
                       @RequestParam(required = false) String on, RedirectAttributes redirect) {
        Document activity = activities.get(id);
        Map<String, Object> patch = new LinkedHashMap<>();
        patch.put("completedAt", done ? clock.instant().toString() : null);
        activities.update(id, patch, null);
        redirect.addFlashAttribute("notice", done ? "Task done." : "Task reopened.");
        Map<String, Object> json = activities.view(activity);
        if ("dashboard".equals(on)) {
            return "redirect:/";
        }
        for (String link : ActivitySchema.LINKS) {
            if (link.startsWith(String.valueOf(on)) && json.get(link) != null) {
                return "redirect:" + PAGES.get(link) + json.get(link);
            }
        }
        for (String link : ActivitySchema.LINKS) {
            if (json.get(link) != null) {
                return "redirect:" + PAGES.get(link) + json.get(link);
            }
        }
        return "redirect:/";
    }

    /** The page the form was on: the record it links (never a URL from the request). */
    private static String back(String on, MultiValueMap<String, String> form) {
        String field = on == null ? "contactId" : on + "Id";
        String id = form.getFirst(field);
        if (PAGES.containsKey(field) && id != null && org.bson.types.ObjectId.isValid(id.strip())) {
            return PAGES.get(field) + id.strip();
        }
        return "/";
    }

    private static String label(String type) {
        return switch (type) {
            case "call" -> "Call";
            case "task" -> "Task";
            case "meeting" -> "Meeting";
            case "email" -> "Email";
            default -> "Note";
        };
    }
}
