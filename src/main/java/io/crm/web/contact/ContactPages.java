package io.crm.web.contact;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

import io.crm.company.CompanySchema;
import io.crm.company.CompanyService;
import io.crm.contact.ContactSchema;
import io.crm.contact.ContactService;
import io.crm.deal.DealSchema;
import io.crm.deal.DealService;
import io.crm.record.Page;
import io.crm.record.RecordException;
import io.crm.record.RecordMeta;
import io.crm.timeline.TimelineService;
import io.crm.web.Forms;
import io.crm.web.RecordForms;
import io.crm.web.Lists;
import io.crm.web.company.CompanyPages;
import jakarta.servlet.http.HttpServletResponse;
import org.bson.Document;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** Contact pages: the searchable list, detail with timeline, create/edit forms, archive/restore and bulk actions. */
@Controller
public class ContactPages {

    static final int PAGE_SIZE = 25;
    private static final Lists.ListView LIST = new Lists.ListView("/contacts", "contacts/list",
            List.of("name", "createdAt", "updatedAt"));

    private final ContactService contacts;
    private final CompanyService companies;
    private final DealService deals;
    private final TimelineService timeline;

    private final RecordForms forms;

    private final io.crm.web.CustomFormFields customFields;

    public ContactPages(ContactService contacts, CompanyService companies, DealService deals,
                        TimelineService timeline, io.crm.web.CustomFormFields customFields) {
        this.customFields = customFields;
        this.contacts = contacts;
        this.companies = companies;
        this.deals = deals;
        this.timeline = timeline;
        this.forms = new RecordForms(contacts, "Contact", "/contacts", "email", "Contact archived. You find it under \"Archived\" to restore it.", this::form)
                .withCustomFields(customFields, "contacts");
    }

    /**
     * The list. A full page for a normal request; for htmx (search-as-you-type, filters, "load more") only the
     * results, or with a cursor only the next rows.
     */
    @GetMapping("/contacts")
    public String list(@RequestParam(required = false) String q, @RequestParam(required = false) String tag,
                       @RequestParam(required = false) String companyId,
                       @RequestParam(required = false) String sort,
                       @RequestParam(required = false) String cursor,
                       @RequestParam(defaultValue = "false") boolean archived,
                       @RequestHeader(name = "HX-Request", required = false) String htmx,
                       Model model, HttpServletResponse response) {
        response.setHeader("Vary", "HX-Request");
        String order = sort == null || sort.isBlank() ? "name" : sort;
        Page<Document> page = contacts.list(new ContactService.ContactFilter(archived, q, tag, companyId, null),
                order, PAGE_SIZE, cursor);
        Map<String, String> filters = new LinkedHashMap<>();
        filters.put("q", q);
        filters.put("tag", tag);
        filters.put("companyId", companyId);
        filters.put("archived", archived ? "true" : null);
        List<Map<String, Object>> rows = page.items().stream().map(contacts::view).toList();
        model.addAttribute("contacts", rows);
        model.addAttribute("companyNames", companyNames(rows));
        model.addAttribute("archived", archived);
        if (htmx == null) {
            // the filter's company choices are on the whole page only, not in the rows htmx swaps in
            model.addAttribute("companies", CompanyPages.options(companies));
        }
        return LIST.render(model, filters, order, page.nextCursor(), cursor, htmx);
    }

    @GetMapping("/contacts/{id}")
    public String detail(@PathVariable String id, @RequestParam(required = false) String before, Model model) {
        Document contact = contacts.get(id);
        Map<String, Object> json = contacts.view(contact);
        model.addAttribute("contact", json);
        model.addAttribute("customValues", customFields.shown("contacts", contacts.customView(contact)));
        if (json.get("companyId") instanceof String companyId) {
            companies.store().find(companyId).ifPresent(c -> model.addAttribute("company", companies.view(c)));
        }
        model.addAttribute("deals", deals.list(new DealService.DealFilter(false, null, null, null, id),
                "-updatedAt", 50, null).items().stream().map(deals::view).toList());
        Lists.timeline(model, "/contacts/" + id, timeline.ofContact(id, 50, before));
        model.addAttribute("link", Map.of("field", "contactId", "id", id, "on", "contact"));
        return "contacts/detail";
    }

    @GetMapping("/contacts/new")
    public String newForm(@RequestParam(required = false) String companyId, Model model) {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("companyId", companyId);
        return form(model, values, Map.of(), null);
    }

    @GetMapping("/contacts/{id}/edit")
    public String editForm(@PathVariable String id, Model model) {
        Map<String, Object> values = new LinkedHashMap<>(contacts.toJson(contacts.get(id)));
        values.put("tags", Forms.tagText(values.get("tags")));
        return form(model, values, Map.of(), null);
    }

    @PostMapping("/contacts")
    public String create(@RequestParam MultiValueMap<String, String> form, Model model,
                         HttpServletResponse response, RedirectAttributes redirect) {
        return forms.create(forms.body(form), form, model, response, redirect);
    }

    @PostMapping("/contacts/{id}")
    public String update(@PathVariable String id, @RequestParam MultiValueMap<String, String> form, Model model,
                         HttpServletResponse response, RedirectAttributes redirect) {
        return forms.update(id, form, model, response, redirect);
    }

    @PostMapping("/contacts/{id}/archive")
    public String archive(@PathVariable String id, RedirectAttributes redirect) {
        return forms.archive(id, redirect);
    }

    @PostMapping("/contacts/{id}/restore")
    public String restore(@PathVariable String id, RedirectAttributes redirect) {
        return forms.restore(id, redirect);
    }

    /** Bulk actions on the selected rows: add a tag, or archive. */
    @PostMapping("/contacts/bulk")
    public String bulk(@RequestParam(name = "ids", required = false) List<String> ids,
                       @RequestParam String action, @RequestParam(required = false) String tag,
                       RedirectAttributes redirect) {
        if (ids == null || ids.isEmpty()) {
            redirect.addFlashAttribute("error", "Select at least one contact first.");
            return "redirect:/contacts";
        }
        List<String> failed = new ArrayList<>();
        int done = 0;
        for (String id : ids) {
            try {
                switch (action) {
                    case "archive" -> contacts.archive(id, null);
                    case "tag" -> {
                        List<String> tags = Forms.tags(tag);
                        if (tags.isEmpty()) {
                            redirect.addFlashAttribute("error", "Type the tag to add.");
                            return "redirect:/contacts";
                        }
                        LinkedHashSet<String> next = new LinkedHashSet<>(castList(
                                contacts.view(contacts.get(id)).get("tags")));
                        next.addAll(tags.stream().map(t -> t.toLowerCase(java.util.Locale.ROOT)).toList());
                        contacts.update(id, Map.of("tags", new ArrayList<>(next)), null);
                    }
                    default -> throw new RecordException.BadQuery("action must be tag or archive");
                }
                done++;
            } catch (RecordException.NotFound | RecordException.Invalid e) {
                failed.add(id);
            }
        }
        String what = action.equals("archive") ? "archived" : "tagged";
        redirect.addFlashAttribute("notice", done + (done == 1 ? " contact " : " contacts ") + what + "."
                + (failed.isEmpty() ? "" : " " + failed.size() + " could not be changed."));
        return "redirect:/contacts";
    }

    private String form(Model model, Map<String, Object> values, Map<String, String> errors, String conflict) {
        RecordForms.formModel(model, values, errors, conflict);
        model.addAttribute("inputs", forms.inputs(values, java.util.Set.of(),
                Map.of("companyId", CompanyPages.choices(companies))));
        model.addAttribute("customFields", customFields.fields("contacts", values));
        return "contacts/form";
    }

    /** The names of the rows' companies, in one query for the page. */
    private Map<String, String> companyNames(List<Map<String, Object>> rows) {
        Map<String, Document> found = companies.store().findAll(rows.stream()
                .map(row -> row.get("companyId") instanceof String id ? id : null).toList());
        Map<String, String> names = new LinkedHashMap<>();
        found.forEach((id, c) -> names.put(id,
                RecordMeta.archived(c) ? c.getString("name") + " (archived)" : c.getString("name")));
        return names;
    }

    @SuppressWarnings("unchecked")
    private static List<String> castList(Object value) {
        return value instanceof List<?> list ? (List<String>) list : List.of();
    }
}
