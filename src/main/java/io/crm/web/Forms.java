package io.crm.web;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.crm.record.FieldError;
import io.crm.record.RecordException;

import org.springframework.util.MultiValueMap;

/**
 * Form posts to the request bodies the services take. The services apply the rules; this only maps a form's text
 * fields: on create a blank field is left out, on edit it is removed (null in the merge patch), as a person clearing
 * a field means.
 */
public final class Forms {

    private Forms() {
    }

    public static Map<String, Object> body(MultiValueMap<String, String> form, List<String> fields, boolean patch) {
        Map<String, Object> body = new LinkedHashMap<>();
        for (String field : fields) {
            if (!form.containsKey(field)) {
                continue;
            }
            String value = form.getFirst(field);
            if (value == null || value.isBlank()) {
                if (patch) {
                    body.put(field, null);
                }
            } else {
                body.put(field, value.strip());
            }
        }
        if (form.containsKey("tags")) {
            List<String> tags = tags(form.getFirst("tags"));
            if (!tags.isEmpty() || patch) {
                body.put("tags", tags);
            }
        }
        return body;
    }

    /** "vip, lead" to ["vip", "lead"]. */
    public static List<String> tags(String text) {
        if (text == null || text.isBlank()) {
            return List.of();
        }
        return new ArrayList<>(Arrays.stream(text.split(",")).map(String::strip).filter(t -> !t.isEmpty()).toList());
    }

    /** ["vip", "lead"] to "vip, lead", for a form's tags field; anything but a list is no tags. */
    public static String tagText(Object tags) {
        return tags instanceof List<?> list ? String.join(", ", list.stream().map(String::valueOf).toList()) : "";
    }

    /** Field errors by field name, for showing each next to its input. */
    public static Map<String, String> errors(RecordException.Invalid invalid) {
        Map<String, String> errors = new LinkedHashMap<>();
        for (FieldError error : invalid.errors()) {
            errors.merge(error.field(), error.message(), (a, b) -> a + "; " + b);
        }
        return errors;
    }

    /** The form's submitted version (the record version the page showed), or null. */
    public static Long version(MultiValueMap<String, String> form) {
        String version = form.getFirst("version");
        if (version == null || version.isBlank()) {
            return null;
        }
        try {
            return Long.parseLong(version.strip());
        } catch (NumberFormatException e) {
            throw new RecordException.BadQuery("version must be a number");
        }
    }

    /** The form values as they were sent, to show them again next to the errors. */
    public static Map<String, String> values(MultiValueMap<String, String> form) {
        Map<String, String> values = new LinkedHashMap<>();
        form.forEach((k, v) -> values.put(k, v.isEmpty() ? "" : v.get(0)));
        return values;
    }
}
