package io.crm.web;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.crm.property.CustomProperties;
import io.crm.property.CustomProperty;
import io.crm.property.PropertyType;

import org.springframework.stereotype.Component;
import org.springframework.util.MultiValueMap;

/**
 * The custom properties in the record forms: one input per live property of the object type (named
 * {@code custom.<name>}, so a refusal's field name, {@code custom.<name>}, marks it), and the form's values back into
 * the {@code custom} object of the body, where the API's rules check them.
 */
@Component
public class CustomFormFields {

    private static final String PREFIX = "custom.";
    /** Sent with every checkbox, so an unticked box (which sends nothing) still says false. */
    private static final String SHOWN = "customShown";

    private final CustomProperties properties;

    public CustomFormFields(CustomProperties properties) {
        this.properties = properties;
    }

    /**
     * The inputs of the form, in the shape {@link SchemaForms#inputs} gives the built-in fields (one fragment draws
     * both): {name ({@code custom.<name>}), id, label, required, widget, choices, none, values, value, group,
     * description}, from the values being edited (their {@code custom} object, or what the form just sent).
     */
    public List<Map<String, Object>> fields(String objectType, Map<String, Object> values) {
        List<Map<String, Object>> fields = new ArrayList<>();
        Map<?, ?> stored = values.get("custom") instanceof Map<?, ?> m ? m : Map.of();
        for (CustomProperty property : properties.active(objectType)) {
            String input = PREFIX + property.name();
            Object value = values.containsKey(input) ? values.get(input) : stored.get(property.name());
            PropertyType type = property.type() == null ? PropertyType.TEXT : property.type();
            Map<String, Object> field = new LinkedHashMap<>();
            field.put("name", input);
            field.put("id", "custom-" + property.name());
            field.put("label", property.label() == null ? property.name() : property.label());
            field.put("required", property.required());
            field.put("widget", widget(type));
            field.put("choices", property.options().stream()
                    .sorted(java.util.Comparator.comparingInt(CustomProperty.Option::order))
                    .map(o -> new SchemaForms.Choice(o.value(), o.label() == null ? o.value() : o.label()))
                    .toList());
            field.put("none", "None");
            field.put("values", value instanceof List<?> list ? list.stream().map(String::valueOf).toList()
                    : value == null ? List.of() : List.of(String.valueOf(value)));
            field.put("value", value == null || value instanceof List<?> ? "" : String.valueOf(value));
            field.put("group", "");
            field.put("description", property.description());
            field.put("property", property.name());
            fields.add(field);
        }
        return fields;
    }

    private static String widget(PropertyType type) {
        return switch (type) {
            case TEXT -> "text";
            case EMAIL -> "email";
            case URL -> "url";
            case PHONE -> "tel";
            case NUMBER, DECIMAL -> "decimal";
            case DATE -> "date";
            case DATETIME -> "datetime";
            case BOOLEAN -> "checkbox";
            case SELECT -> "select";
            case MULTISELECT -> "multiselect";
        };
    }

    /**
     * The custom values a record page shows: {name, label, text} for each live property the record has a value of
     * (options by their label, a boolean as yes or no), in the properties' order.
     */
    public List<Map<String, Object>> shown(String objectType, Map<String, Object> customView) {
        List<Map<String, Object>> shown = new ArrayList<>();
        for (Map<String, Object> field : fields(objectType, Map.of("custom", customView))) {
            @SuppressWarnings("unchecked")
            List<String> values = (List<String>) field.get("values");
            if (values.isEmpty()) {
                continue;
            }
            @SuppressWarnings("unchecked")
            List<SchemaForms.Choice> choices = (List<SchemaForms.Choice>) field.get("choices");
            List<String> texts = values.stream().map(v -> choices.stream().filter(c -> v.equals(c.value()))
                    .map(SchemaForms.Choice::label).findFirst()
                    .orElse("checkbox".equals(field.get("widget")) ? ("true".equals(v) ? "Yes" : "No") : v)).toList();
            shown.add(Map.of("name", field.get("property"), "label", field.get("label"),
                    "text", String.join(", ", texts)));
        }
        return shown;
    }

    /**
     * Adds the form's custom values to a body: on create only those filled in; on an update every property the form
     * showed (an emptied one is removed). Text stays text: the API converts it by the property's type.
     */
    public void addTo(Map<String, Object> body, String objectType, MultiValueMap<String, String> form, boolean patch) {
        Map<String, Object> custom = new LinkedHashMap<>();
        boolean shown = form.containsKey(SHOWN);
        for (CustomProperty property : properties.active(objectType)) {
            String input = PREFIX + property.name();
            PropertyType type = property.type() == null ? PropertyType.TEXT : property.type();
            if (type == PropertyType.BOOLEAN) {
                // the box sends "true" after its hidden "false"; an unticked one sends the hidden one only
                List<String> sent = form.get(input);
                if (shown || sent != null) {
                    boolean ticked = sent != null && sent.contains("true");
                    if (ticked || patch) {
                        custom.put(property.name(), ticked);
                    }
                }
                continue;
            }
            if (!form.containsKey(input)) {
                if (patch && shown && type == PropertyType.MULTISELECT) {
                    custom.put(property.name(), null);
                }
                continue;
            }
            if (type == PropertyType.MULTISELECT) {
                List<String> chosen = form.get(input).stream().filter(v -> v != null && !v.isBlank()).toList();
                if (!chosen.isEmpty() || patch) {
                    custom.put(property.name(), chosen.isEmpty() ? null : chosen);
                }
                continue;
            }
            String value = form.getFirst(input);
            if (value == null || value.isBlank()) {
                if (patch) {
                    custom.put(property.name(), null);
                }
            } else {
                custom.put(property.name(), value.strip());
            }
        }
        if (!custom.isEmpty()) {
            body.put("custom", custom);
        }
    }
}
