package io.crm.web.admin;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.crm.property.CustomProperties;
import io.crm.property.PropertyService;
import io.crm.property.PropertyType;
import io.crm.record.RecordException;
import io.crm.security.Access;
import io.crm.web.Forms;

import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * Custom properties for admins: the properties of contacts, companies and deals (archived ones to restore), and a form
 * to add one. The rules are the API's (PropertyService); a refusal is shown with the field it is about.
 */
@Controller
@PreAuthorize(Access.ADMIN)
public class PropertyPages {

    private final PropertyService properties;

    public PropertyPages(PropertyService properties) {
        this.properties = properties;
    }

    @GetMapping("/admin/properties")
    public String list(@RequestParam(defaultValue = "contacts") String objectType, Model model) {
        String type = CustomProperties.OBJECT_TYPES.contains(objectType) ? objectType : "contacts";
        model.addAttribute("objectType", type);
        model.addAttribute("objectTypes", CustomProperties.OBJECT_TYPES);
        model.addAttribute("types", java.util.Arrays.stream(PropertyType.values()).map(PropertyType::json).toList());
        model.addAttribute("live", properties.list(type, false).stream().map(PropertyService::toJson).toList());
        model.addAttribute("archived", properties.list(type, true).stream().map(PropertyService::toJson)
                .filter(p -> Boolean.TRUE.equals(p.get("archived"))).toList());
        return "admin/properties";
    }

    @PostMapping("/admin/properties")
    public String create(@RequestParam String objectType, @RequestParam(defaultValue = "") String name,
                         @RequestParam(defaultValue = "") String label, @RequestParam(defaultValue = "") String type,
                         @RequestParam(defaultValue = "") String options,
                         @RequestParam(defaultValue = "false") boolean required,
                         @RequestParam(defaultValue = "") String description, RedirectAttributes redirect) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name.strip());
        body.put("label", label.isBlank() ? name.strip() : label.strip());
        body.put("type", type);
        if (type.equals("select") || type.equals("multiselect")) {
            body.put("options", options(options));
        }
        body.put("required", required);
        if (!description.isBlank()) {
            body.put("description", description.strip());
        }
        try {
            properties.create(objectType, body);
            redirect.addFlashAttribute("notice", "Property " + name.strip() + " added.");
        } catch (RecordException.Invalid invalid) {
            redirect.addFlashAttribute("error", String.join("; ", Forms.errors(invalid).entrySet().stream()
                    .map(e -> e.getKey() + " " + e.getValue()).toList()));
            redirect.addFlashAttribute("values", Map.of("name", name, "label", label, "type", type,
                    "options", options, "description", description));
        } catch (RecordException e) {
            redirect.addFlashAttribute("error", e.getMessage());
        }
        return "redirect:/admin/properties?objectType=" + objectType;
    }

    @PostMapping("/admin/properties/{objectType}/{name}/archive")
    public String archive(@PathVariable String objectType, @PathVariable String name, RedirectAttributes redirect) {
        properties.archive(objectType, name);
        redirect.addFlashAttribute("notice", "Property " + name + " archived: its values are kept and hidden.");
        return "redirect:/admin/properties?objectType=" + objectType;
    }

    @PostMapping("/admin/properties/{objectType}/{name}/restore")
    public String restore(@PathVariable String objectType, @PathVariable String name, RedirectAttributes redirect) {
        try {
            properties.restore(objectType, name);
            redirect.addFlashAttribute("notice", "Property " + name + " restored.");
        } catch (RecordException e) {
            redirect.addFlashAttribute("error", e.getMessage());
        }
        return "redirect:/admin/properties?objectType=" + objectType;
    }

    /** One option per line, "value" or "value = Label", in order. */
    static List<Map<String, Object>> options(String text) {
        List<Map<String, Object>> options = new ArrayList<>();
        for (String line : text.split("\\R")) {
            if (line.isBlank()) {
                continue;
            }
            int eq = line.indexOf('=');
            String value = (eq < 0 ? line : line.substring(0, eq)).strip();
            String label = eq < 0 ? value : line.substring(eq + 1).strip();
            options.add(Map.of("value", value, "label", label.isEmpty() ? value : label, "order", options.size()));
        }
        return options;
    }
}
