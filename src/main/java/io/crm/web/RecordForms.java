package io.crm.web;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import io.crm.record.RecordException;
import io.crm.record.RecordService;
import jakarta.servlet.http.HttpServletResponse;
import org.bson.Document;

import org.springframework.ui.Model;
import org.springframework.util.MultiValueMap;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The form posts every record page shares (create, edit, archive, restore) over the record's service: a saved form
 * redirects to the record with a notice; a refused one shows the form again with the service's messages next to the
 * fields (400 invalid, 409 duplicate or edited meanwhile).
 */
public final class RecordForms {

    /** Shows a record's form with values, field errors and an optional message about a conflicting edit. */
    @FunctionalInterface
    public interface FormView {
        String render(Model model, Map<String, Object> values, Map<String, String> errors, String conflict);
    }

    /** The model every record form shows: the values, field errors and a conflicting edit's message. */
    public static void formModel(Model model, Map<String, Object> values, Map<String, String> errors,
                                 String conflict) {
        model.addAttribute("values", values);
        model.addAttribute("errors", errors);
        model.addAttribute("conflict", conflict);
    }

    private final RecordService<?> service;
    private final String label;
    private final String path;
    private final String uniqueField;
    private final String archivedNotice;
    private final FormView view;

    /**
     * @param label          what a record is called ("Contact")
     * @param path           where the records' pages are ("/contacts")
     * @param uniqueField    the field a duplicate error belongs to (null when the record has none)
     * @param archivedNotice the notice after archiving
     */
    public RecordForms(RecordService<?> service, String label, String path, String uniqueField,
                       String archivedNotice, FormView view) {
        this.service = service;
        this.label = label;
        this.path = path;
        this.uniqueField = uniqueField;
        this.archivedNotice = archivedNotice;
        this.view = view;
    }

    private CustomFormFields custom;
    private String customType;

    /** The record has custom properties of this object type: the forms show them and send them. */
    public RecordForms withCustomFields(CustomFormFields customFields, String objectType) {
        this.custom = customFields;
        this.customType = objectType;
        return this;
    }

    /**
     * The inputs of the schema's fields the page does not draw itself ({@code own}), with the records a reference
     * field offers ({@link SchemaForms#inputs}).
     */
    public List<Map<String, Object>> inputs(Map<String, Object> values, Set<String> own,
                                            Map<String, List<SchemaForms.Choice>> choices) {
        return SchemaForms.inputs(service.schema(), values, own, choices);
    }

    /** The create body the form gives (pages may add to it before {@link #create}). */
    public Map<String, Object> body(MultiValueMap<String, String> form) {
        Map<String, Object> body = SchemaForms.body(service.schema(), form, false);
        if (custom != null) {
            custom.addTo(body, customType, form, false);
        }
        return body;
    }

    public String create(Map<String, Object> body, MultiValueMap<String, String> form, Model model,
                         HttpServletResponse response, RedirectAttributes redirect) {
        Map<String, Object> values = new LinkedHashMap<>(Forms.values(form));
        try {
            Document saved = service.create(body);
            redirect.addFlashAttribute("notice", label + " created.");
            return "redirect:" + path + "/" + saved.getObjectId("_id").toHexString();
        } catch (RecordException e) {
            return refused(e, values, model, response);
        }
    }

    public String update(String id, MultiValueMap<String, String> form, Model model, HttpServletResponse response,
                         RedirectAttributes redirect) {
        Map<String, Object> values = new LinkedHashMap<>(Forms.values(form));
        values.put("id", id);
        try {
            Map<String, Object> body = SchemaForms.body(service.schema(), form, true);
            if (custom != null) {
                custom.addTo(body, customType, form, true);
            }
            service.update(id, body, Forms.version(form));
            redirect.addFlashAttribute("notice", label + " saved.");
            return "redirect:" + path + "/" + id;
        } catch (RecordException e) {
            return refused(e, values, model, response);
        }
    }

    public String archive(String id, RedirectAttributes redirect) {
        service.archive(id, null);
        redirect.addFlashAttribute("notice", archivedNotice);
        return "redirect:" + path;
    }

    public String restore(String id, RedirectAttributes redirect) {
        service.restore(id);
        redirect.addFlashAttribute("notice", label + " restored.");
        return "redirect:" + path + "/" + id;
    }

    private String refused(RecordException e, Map<String, Object> values, Model model, HttpServletResponse response) {
        String thing = label.toLowerCase(Locale.ROOT);
        if (e instanceof RecordException.Invalid invalid) {
            response.setStatus(400);
            return view.render(model, values, Forms.errors(invalid), null);
        }
        if (e instanceof RecordException.Duplicate duplicate && (duplicate.field() != null || uniqueField != null)) {
            response.setStatus(409);
            return view.render(model, values, Map.of(duplicate.field() != null ? duplicate.field() : uniqueField,
                    duplicate.getMessage()), null);
        }
        if (e instanceof RecordException.StaleVersion) {
            response.setStatus(409);
            return view.render(model, values, Map.of(), "Someone else changed this " + thing + " since you opened "
                    + "the form. Reload the " + thing + " to see their changes, then edit again.");
        }
        throw e;
    }
}
