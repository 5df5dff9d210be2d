package io.crm.imports;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import io.crm.activity.ActivitySchema;
import io.crm.activity.ActivityService;
import io.crm.company.CompanySchema;
import io.crm.company.CompanyService;
import io.crm.contact.ContactSchema;
import io.crm.contact.ContactService;
import io.crm.deal.DealSchema;
import io.crm.deal.DealService;
import io.crm.record.Page;
import io.crm.record.RecordException;
import io.crm.record.RecordFilter;
import io.crm.record.RecordService;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletResponse;
import org.bson.Document;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpHeaders;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * CSV export of any list the v1 API serves, with that list's filters and sorts (no limit or cursor): the list is
 * walked page by page with its keyset cursor and written as it goes, so memory stays flat however long it is. Lists
 * become {@code a;b}, objects (a contact's attributes) JSON text; formula-like cells are guarded ({@link CsvWriter}).
 * Companies' address parts are columns named as the import's target fields, so an export imports back as is.
 */
@RestController
@Tag(name = "exports")
public class ExportController {

    /** Records per page while walking a list. */
    static final int PAGE = 500;
    private static final List<String> META = List.of("createdAt", "updatedAt", "version", "ownerId", "createdBy",
            "updatedBy");

    private final ContactService contacts;
    private final CompanyService companies;
    private final DealService deals;
    private final ActivityService activities;
    private final JsonMapper json;

    public ExportController(ContactService contacts, CompanyService companies, DealService deals,
                            ActivityService activities, JsonMapper json) {
        this.contacts = contacts;
        this.companies = companies;
        this.deals = deals;
        this.activities = activities;
        this.json = json;
    }

    @GetMapping("/api/v1/contacts/export")
    @Operation(summary = "Export contacts as CSV (the list's filters and sort, streamed)")
    public void contacts(@RequestParam(required = false) String sort, @RequestParam(required = false) String q,
                         @RequestParam(required = false) String tag,
                         @RequestParam(required = false) String companyId,
                         @RequestParam(required = false) String email,
                         @RequestParam(defaultValue = "false") boolean archived,
                         HttpServletResponse response) throws IOException {
        export(contacts, new ContactService.ContactFilter(archived, q, tag, companyId, email), sort, archived,
                ContactSchema::toJson, List.of("id", "name", "email", "phone", "title", "companyId", "tags",
                        "externalId", "attributes"), "contacts.csv", response);
    }

    @GetMapping("/api/v1/companies/export")
    @Operation(summary = "Export companies as CSV (the list's filters and sort, streamed)")
    public void companies(@RequestParam(required = false) String sort, @RequestParam(required = false) String q,
                          @RequestParam(required = false) String tag, @RequestParam(required = false) String domain,
                          @RequestParam(defaultValue = "false") boolean archived,
                          HttpServletResponse response) throws IOException {
        export(companies, new CompanyService.CompanyFilter(archived, q, tag, domain), sort, archived,
                CompanySchema::toJson, List.of("id", "name", "domain", "industry", "phone", "address.street",
                        "address.city", "address.region", "address.postalCode", "address.country", "tags"),
                "companies.csv", response);
    }

    @GetMapping("/api/v1/deals/export")
    @Operation(summary = "Export deals as CSV (the list's filters and sort, streamed)")
    public void deals(@RequestParam(required = false) String sort, @RequestParam(required = false) String q,
                      @RequestParam(required = false) String stage,
                      @RequestParam(required = false) String companyId,
                      @RequestParam(required = false) String contactId,
                      @RequestParam(defaultValue = "false") boolean archived,
                      HttpServletResponse response) throws IOException {
        export(deals, new DealService.DealFilter(archived, q, stage, companyId, contactId), sort, archived,
                DealSchema::toJson, List.of("id", "title", "amount", "currency", "stage", "companyId", "contactIds",
                        "expectedCloseDate", "closedAt"), "deals.csv", response);
    }

    @GetMapping("/api/v1/activities/export")
    @Operation(summary = "Export activities as CSV (the list's filters and sort, streamed)")
    public void activities(@RequestParam(required = false) String sort, @RequestParam(required = false) String q,
                           @RequestParam(required = false) String type,
                           @RequestParam(required = false) String contactId,
                           @RequestParam(required = false) String companyId,
                           @RequestParam(required = false) String dealId,
                           @RequestParam(required = false) String open,
                           @RequestParam(defaultValue = "false") boolean archived,
                           HttpServletResponse response) throws IOException {
        Boolean openTasks = open == null || open.isBlank() ? null : switch (open.strip()) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new RecordException.BadQuery("open must be true or false");
        };
        export(activities, new ActivityService.ActivityFilter(archived, q, type, contactId, companyId, dealId,
                        openTasks), sort, archived, ActivitySchema::toJson, List.of("id", "type", "subject", "body",
                        "dueAt", "completedAt", "contactId", "companyId", "dealId"), "activities.csv", response);
    }

    private <F extends RecordFilter> void export(RecordService<F> service, F filter, String sort, boolean archived,
                                                 Function<Document, Map<String, Object>> toJson,
                                                 List<String> fields, String fileName, HttpServletResponse response)
            throws IOException {
        // the first page before any byte is written: a bad filter or sort is still a clean 400
        Page<Document> page = service.list(filter, sort, PAGE, null);
        List<String> columns = new ArrayList<>(fields);
        columns.addAll(META);
        if (archived) {
            columns.addAll(List.of("archived", "archivedAt"));
        }
        response.setContentType("text/csv; charset=utf-8");
        response.setHeader(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + fileName + "\"");
        response.setHeader(HttpHeaders.CACHE_CONTROL, "no-store");
        Writer out = new OutputStreamWriter(response.getOutputStream(), StandardCharsets.UTF_8);
        CsvWriter csv = new CsvWriter(out);
        csv.row(columns);
        while (true) {
            for (Document record : page.items()) {
                Map<String, Object> view = toJson.apply(record);
                List<String> cells = new ArrayList<>(columns.size());
                for (String column : columns) {
                    cells.add(text(valueAt(view, column)));
                }
                csv.row(cells);
            }
            out.flush();
            if (page.nextCursor() == null) {
                break;
            }
            page = service.list(filter, sort, PAGE, page.nextCursor());
        }
        out.close();
    }

    private static Object valueAt(Map<String, Object> view, String column) {
        int dot = column.indexOf('.');
        if (dot < 0) {
            return view.get(column);
        }
        return view.get(column.substring(0, dot)) instanceof Map<?, ?> nested
                ? nested.get(column.substring(dot + 1)) : null;
    }

    private String text(Object value) {
        if (value == null) {
            return "";
        }
        if (value instanceof List<?> list) {
            return String.join(";", list.stream().map(String::valueOf).toList());
        }
        if (value instanceof Map<?, ?> map) {
            return map.isEmpty() ? "" : json.writeValueAsString(map);
        }
        return String.valueOf(value);
    }
}
