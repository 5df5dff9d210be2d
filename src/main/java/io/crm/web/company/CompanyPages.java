package io.crm.web.company;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.crm.company.CompanySchema;
import io.crm.company.CompanyService;
import io.crm.contact.ContactSchema;
import io.crm.contact.ContactService;
import io.crm.deal.DealSchema;
import io.crm.deal.DealService;
import io.crm.record.Page;
import io.crm.timeline.TimelineService;
import io.crm.web.Forms;
import io.crm.web.RecordForms;
import io.crm.web.Lists;
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

/** Company pages: list with search, detail with contacts, deals and timeline, create/edit, archive/restore. */
@Controller
public class CompanyPages {

    static final int PAGE_SIZE = 25;
    private static final Lists.ListView LIST = new Lists.ListView("/companies", "companies/list",
            List.of("name", "createdAt", "updatedAt"));

    private final CompanyService companies;
    private final ContactService contacts;
    private final DealService deals;
    private final TimelineService timeline;

    private final RecordForms forms;

    private final io.crm.web.CustomFormFields customFields;

    public CompanyPages(CompanyService companies, ContactService contacts, DealService deals,
                        TimelineService timeline, io.crm.web.CustomFormFields customFields) {
        this.customFields = customFields;
        this.companies = companies;
        this.contacts = contacts;
        this.deals = deals;
        this.timeline = timeline;
        this.forms = new RecordForms(companies, "Company", "/companies", "domain", "Company archived. You find it under \"Archived\" to restore it.", this::form)
                .withCustomFields(customFields, "companies");
    }

    @GetMapping("/companies")
    public String list(@RequestParam(required = false) String q, @RequestParam(required = false) String tag,
                       @RequestParam(required = false) String sort,
                       @RequestParam(required = false) String cursor,
                       @RequestParam(defaultValue = "false") boolean archived,
                       @RequestHeader(name = "HX-Request", required = false) String htmx,
                       Model model, HttpServletResponse response) {
        response.setHeader("Vary", "HX-Request");
        String order = sort == null || sort.isBlank() ? "name" : sort;
        Page<Document> page = companies.list(new CompanyService.CompanyFilter(archived, q, tag, null), order,
                PAGE_SIZE, cursor);
        Map<String, String> filters = new LinkedHashMap<>();
        filters.put("q", q);
        filters.put("tag", tag);
        filters.put("archived", archived ? "true" : null);
        model.addAttribute("companies", page.items().stream().map(companies::view).toList());
        model.addAttribute("archived", archived);
        return LIST.render(model, filters, order, page.nextCursor(), cursor, htmx);
    }

    @GetMapping("/companies/{id}")
    public String detail(@PathVariable String id, @RequestParam(required = false) String before, Model model) {
        org.bson.Document stored = companies.get(id);
        Map<String, Object> company = companies.view(stored);
        model.addAttribute("company", company);
        model.addAttribute("customValues", customFields.shown("companies", companies.customView(stored)));
        model.addAttribute("contacts", contacts.list(new ContactService.ContactFilter(false, null, null, id, null),
                "name", 100, null).items().stream().map(contacts::view).toList());
        model.addAttribute("deals", deals.list(new DealService.DealFilter(false, null, null, id, null),
                "-updatedAt", 50, null).items().stream().map(deals::view).toList());
        Lists.timeline(model, "/companies/" + id, timeline.ofCompany(id, 50, before));
        model.addAttribute("link", Map.of("field", "companyId", "id", id, "on", "company"));
        return "companies/detail";
    }

    @GetMapping("/companies/new")
    public String newForm(Model model) {
        return form(model, new LinkedHashMap<>(), Map.of(), null);
    }

    @GetMapping("/companies/{id}/edit")
    public String editForm(@PathVariable String id, Model model) {
        Map<String, Object> values = new LinkedHashMap<>(companies.toJson(companies.get(id)));
        values.put("tags", Forms.tagText(values.get("tags")));
        return form(model, values, Map.of(), null);
    }

    @PostMapping("/companies")
    public String create(@RequestParam MultiValueMap<String, String> form, Model model,
                         HttpServletResponse response, RedirectAttributes redirect) {
        return forms.create(forms.body(form), form, model, response, redirect);
    }

    @PostMapping("/companies/{id}")
    public String update(@PathVariable String id, @RequestParam MultiValueMap<String, String> form, Model model,
                         HttpServletResponse response, RedirectAttributes redirect) {
        return forms.update(id, form, model, response, redirect);
    }

    @PostMapping("/companies/{id}/archive")
    public String archive(@PathVariable String id, RedirectAttributes redirect) {
        return forms.archive(id, redirect);
    }

    @PostMapping("/companies/{id}/restore")
    public String restore(@PathVariable String id, RedirectAttributes redirect) {
        return forms.restore(id, redirect);
    }

    private String form(Model model, Map<String, Object> values, Map<String, String> errors, String conflict) {
        RecordForms.formModel(model, values, errors, conflict);
        model.addAttribute("inputs", forms.inputs(values, java.util.Set.of(), Map.of()));
        model.addAttribute("customFields", customFields.fields("companies", values));
        return "companies/form";
    }

    /** The companies a reference field of a form offers (by name; the first 500). */
    public static List<io.crm.web.SchemaForms.Choice> choices(CompanyService companies) {
        return options(companies).stream().map(c -> new io.crm.web.SchemaForms.Choice(String.valueOf(c.get("id")),
                String.valueOf(c.get("name")))).toList();
    }

    /** The companies offered in the contact and deal forms and filters (by name; the first 500). */
    public static List<Map<String, Object>> options(CompanyService companies) {
        return companies.list(new CompanyService.CompanyFilter(false, null, null, null), "name", 500, null)
                .items().stream().map(companies::view).toList();
    }
}
