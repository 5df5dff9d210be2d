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
 * Helpers of the form posts (the bodies themselves: {@link SchemaForms}): lists as text, field errors, the version
 * a form was opened at, the values sent.
 */
public final class Forms {

    private Forms() {
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
