package io.crm.web.activity;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.crm.activity.ActivityService;
import io.crm.record.Field;
import io.crm.web.SchemaForms;

import org.springframework.stereotype.Component;

/**
 * The activity schema's fields the timeline's form does not draw itself, drawn by their widgets after its own
 * ({@code ${@activityFields.inputs(activityValues)}} in the timeline fragment, which three pages share) and shown on
 * each entry: a field added to the activity schema shows in the form, as it does in the other records' forms,
 * {@link ActivityPages#create} sends it, and the timeline shows it.
 */
@Component("activityFields")
public class ActivityFormFields {

    /** Drawn by the fragment (dueAt as a day), set by the page (the links) or by the task's tick (completedAt). */
    static final Set<String> DRAWN = Set.of("type", "subject", "body", "dueAt", "completedAt", "contactId",
            "companyId", "dealId", "assigneeId");

    private final ActivityService activities;

    public ActivityFormFields(ActivityService activities) {
        this.activities = activities;
    }

    /** {@code values}: what the form sent, after it was refused; null for an empty form. */
    public List<Map<String, Object>> inputs(Map<String, ?> values) {
        return SchemaForms.inputs(activities.schema(), values == null ? Map.of() : new LinkedHashMap<>(values),
                DRAWN, Map.of());
    }

    /**
     * An activity's values of those fields, by label, for its timeline entry ({@code entry}: the activity's JSON):
     * what the form sent shows on the timeline too.
     */
    public Map<String, String> shown(Map<String, ?> entry) {
        Map<String, String> shown = new LinkedHashMap<>();
        for (Field field : activities.schema().leaves()) {
            Object value = entry.get(field.name());
            if (DRAWN.contains(field.name()) || field.kind() == Field.Kind.ATTRIBUTES || value == null) {
                continue;
            }
            shown.put(field.label(), value instanceof List<?> list
                    ? String.join(", ", list.stream().map(String::valueOf).toList()) : String.valueOf(value));
        }
        return shown;
    }

    /** The refused form's errors by field, none for a new form. */
    public Map<String, ?> errors(Map<String, ?> errors) {
        return errors == null ? Map.of() : errors;
    }
}
