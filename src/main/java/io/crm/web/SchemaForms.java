package io.crm.web;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.crm.record.Field;
import io.crm.record.Fields;
import io.crm.record.Schema;

import org.springframework.util.MultiValueMap;

/**
 * A record form's built-in fields, derived from the resource's schema: the inputs a form shows (by each field's
 * kind: text, email, phone, date, a select of an enum's values or of the records a page offers, a comma separated
 * list, a checkbox) and the form post back into a request body. A page draws the fields it wants to show its own way
 * itself and names them; every other field, one added to the schema included, is drawn from here.
 */
public final class SchemaForms {

    private SchemaForms() {
    }

    /** The choices of a select: a value and what it is shown as. */
    public record Choice(String value, String label) {
    }

    /**
     * The inputs for the schema's fields that the page does not draw itself ({@code own}): {name, id, label,
     * required, widget (text, email, tel, date, datetime, decimal, select, multiselect, list, checkbox), choices,
     * value, values}; {@code choices}: the records a reference field offers (companyId: the companies).
     */
    public static List<Map<String, Object>> inputs(Schema schema, Map<String, Object> values, Set<String> own,
                                                   Map<String, List<Choice>> choices) {
        List<Map<String, Object>> inputs = new ArrayList<>();
        Set<String> groups = new java.util.HashSet<>();
        for (Field field : schema.leaves()) {
            if (own.contains(field.name()) || field.kind() == Field.Kind.ATTRIBUTES) {
                continue;
            }
            Object value = value(values, field.name());
            List<Choice> offered = choices.containsKey(field.name()) ? choices.get(field.name())
                    : Fields.optionsOf(field.converter()).stream().map(o -> new Choice(o, o)).toList();
            Map<String, Object> input = new LinkedHashMap<>();
            input.put("name", field.name());
            input.put("id", field.name().replace('.', '-'));
            input.put("label", field.label());
            input.put("required", field.required());
            // a refused object (an address) is one error, shown under its first part
            int dot = field.name().indexOf('.');
            input.put("group", dot > 0 && groups.add(field.name().substring(0, dot))
                    ? field.name().substring(0, dot) : "");
            input.put("widget", widget(field, !offered.isEmpty() || choices.containsKey(field.name())));
            input.put("choices", offered);
            input.put("none", "No " + field.label().toLowerCase(java.util.Locale.ROOT));
            input.put("description", null);
            input.put("values", value instanceof List<?> list ? list.stream().map(String::valueOf).toList()
                    : value == null ? List.of() : List.of(String.valueOf(value)));
            input.put("value", value == null ? "" : value instanceof List<?> list
                    ? String.join(", ", list.stream().map(String::valueOf).toList()) : String.valueOf(value));
            inputs.add(input);
        }
        return inputs;
    }

    private static String widget(Field field, boolean offered) {
        Map<String, Object> schema = Fields.schemaOf(field.converter());
        return switch (field.kind()) {
            case ENUM, ID -> offered ? "select" : "text";
            case LIST -> offered ? "multiselect" : "list";
            case BOOLEAN -> "checkbox";
            case DATE -> "date";
            case DATETIME -> "datetime";
            case DECIMAL, NUMBER -> "decimal";
            default -> "email".equals(schema.get("format")) ? "email"
                    : field.name().toLowerCase(java.util.Locale.ROOT).endsWith("phone") ? "tel" : "text";
        };
    }

    /** A field's value in the values being edited: flat (a form sent back) or nested (a record's address). */
    private static Object value(Map<String, Object> values, String name) {
        if (values.containsKey(name)) {
            return values.get(name);
        }
        int dot = name.indexOf('.');
        return dot > 0 && values.get(name.substring(0, dot)) instanceof Map<?, ?> nested
                ? nested.get(name.substring(dot + 1)) : null;
    }

    /**
     * The request body of a form post: every schema field the form sent. On create a blank field is left out, on
     * edit it is removed (null in the merge patch), as a person clearing a field means; a list is comma separated
     * (or the chosen options), a checkbox is its last value (a hidden false before the box), an object's parts
     * ({@code address.city}) are nested. The service applies the rules.
     */
    public static Map<String, Object> body(Schema schema, MultiValueMap<String, String> form, boolean patch) {
        Map<String, Object> body = new LinkedHashMap<>();
        for (Field field : schema.leaves()) {
            List<String> sent = form.get(field.name());
            if (sent == null || field.kind() == Field.Kind.ATTRIBUTES) {
                continue;
            }
            Object value = switch (field.kind()) {
                case LIST -> {
                    List<String> items = sent.size() == 1 ? Forms.tags(sent.get(0))
                            : sent.stream().filter(v -> v != null && !v.isBlank()).map(String::strip).toList();
                    yield items.isEmpty() ? null : items;
                }
                case BOOLEAN -> sent.isEmpty() ? null : Boolean.valueOf(sent.get(sent.size() - 1));
                default -> {
                    String text = sent.isEmpty() ? null : sent.get(0);
                    yield text == null || text.isBlank() ? null : text.strip();
                }
            };
            if (value == null && !patch) {
                continue;
            }
            int dot = field.name().indexOf('.');
            if (dot > 0) {
                @SuppressWarnings("unchecked")
                Map<String, Object> nested = (Map<String, Object>) body.computeIfAbsent(
                        field.name().substring(0, dot), k -> new LinkedHashMap<String, Object>());
                nested.put(field.name().substring(dot + 1), value);
            } else {
                body.put(field.name(), value);
            }
        }
        return body;
    }
}
