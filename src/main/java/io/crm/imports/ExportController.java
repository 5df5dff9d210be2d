package io.crm.imports;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.crm.activity.ActivityService;
import io.crm.company.CompanyService;
import io.crm.contact.ContactService;
import io.crm.deal.DealService;
import io.crm.record.Page;
import io.crm.record.RecordException;
import io.crm.record.RecordFilter;
import io.crm.record.RecordService;
import io.crm.property.PropertyDefinitions;
import io.crm.search.SearchService;
import io.crm.security.CurrentUser;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletResponse;
import org.bson.Document;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
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
    private final Map<String, RecordService<?>> services;
    private final SearchService search;
    private final PropertyDefinitions properties;
    private final JsonMapper json;

    public ExportController(ContactService contacts, CompanyService companies, DealService deals,
                            ActivityService activities, SearchService search, PropertyDefinitions properties,
                            JsonMapper json) {
        this.contacts = contacts;
        this.companies = companies;
        this.deals = deals;
        this.activities = activities;
        this.services = Map.of("contacts", contacts, "companies", companies, "deals", deals,
                "activities", activities);
        this.search = search;
        this.properties = properties;
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
                "contacts", response);
    }

    @GetMapping("/api/v1/companies/export")
    @Operation(summary = "Export companies as CSV (the list's filters and sort, streamed)")
    public void companies(@RequestParam(required = false) String sort, @RequestParam(required = false) String q,
                          @RequestParam(required = false) String tag, @RequestParam(required = false) String domain,
                          @RequestParam(defaultValue = "false") boolean archived,
                          HttpServletResponse response) throws IOException {
        export(companies, new CompanyService.CompanyFilter(archived, q, tag, domain), sort, archived,
                "companies", response);
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
                "deals", response);
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
                openTasks), sort, archived, "activities", response);
    }

    @PostMapping(path = "/api/v1/contacts/export", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Export the contacts a search selects as CSV (the search body; limit and after ignored)")
    public void searchedContacts(@RequestBody Map<String, Object> body, HttpServletResponse response)
            throws IOException {
        exportSearch("contacts", body, response);
    }

    @PostMapping(path = "/api/v1/companies/export", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Export the companies a search selects as CSV (the search body; limit and after ignored)")
    public void searchedCompanies(@RequestBody Map<String, Object> body, HttpServletResponse response)
            throws IOException {
        exportSearch("companies", body, response);
    }

    @PostMapping(path = "/api/v1/deals/export", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Export the deals a search selects as CSV (the search body; limit and after ignored)")
    public void searchedDeals(@RequestBody Map<String, Object> body, HttpServletResponse response)
            throws IOException {
        exportSearch("deals", body, response);
    }

    @PostMapping(path = "/api/v1/activities/export", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Export the activities a search selects as CSV (the search body; limit and after ignored)")
    public void searchedActivities(@RequestBody Map<String, Object> body, HttpServletResponse response)
            throws IOException {
        exportSearch("activities", body, response);
    }

    private <F extends RecordFilter> void export(RecordService<F> service, F filter, String sort, boolean archived,
                                                 String objectType, HttpServletResponse response) throws IOException {
        // the first page before any byte is written: a bad filter or sort is still a clean 400
        Page<Document> first = service.list(filter, sort, PAGE, null);
        write(objectType, archived, response, new Pages() {
            private Page<Document> page = first;

            @Override
            public List<Map<String, Object>> next() {
                if (page == null) {
                    return null;
                }
                List<Map<String, Object>> items = page.items().stream().map(service::toJson).toList();
                page = page.nextCursor() == null ? null : service.list(filter, sort, PAGE, page.nextCursor());
                return items;
            }
        });
    }

    private void exportSearch(String objectType, Map<String, Object> body, HttpServletResponse response)
            throws IOException {
        String me = CurrentUser.get().id();
        // the first page before any byte is written: a bad search body is still a clean 400
        Map<String, Object> first = search.page(objectType, body, me, null);
        write(objectType, Boolean.TRUE.equals(body.get("archived")), response, new Pages() {
            private Map<String, Object> page = first;

            @Override
            @SuppressWarnings("unchecked")
            public List<Map<String, Object>> next() {
                if (page == null) {
                    return null;
                }
                List<Map<String, Object>> items = (List<Map<String, Object>>) page.get("items");
                page = page.get("nextCursor") instanceof String cursor
                        ? search.page(objectType, body, me, cursor) : null;
                return items;
            }
        });
    }

    /** The records of an export, page by page (null when there are no more). */
    private interface Pages {
        List<Map<String, Object>> next();
    }

    /**
     * The columns of an object type's CSV, derived from its schema: id, every field (an object's parts by their
     * dotted names, as the import's target fields), the fields the server sets, each live custom property as
     * {@code custom.<name>}, then the bookkeeping.
     */
    List<String> columns(String objectType, boolean archived) {
        RecordService<?> service = services.get(objectType);
        List<String> columns = new ArrayList<>();
        columns.add("id");
        service.schema().leaves().forEach(field -> columns.add(field.name()));
        columns.addAll(service.serverFields());
        if (io.crm.property.CustomProperties.OBJECT_TYPES.contains(objectType)) {
            properties.all(objectType).values().stream().filter(p -> !p.archived())
                    .forEach(p -> columns.add(io.crm.property.CustomProperties.VALUES + "." + p.name()));
        }
        columns.addAll(META);
        if (archived) {
            columns.addAll(List.of("archived", "archivedAt"));
        }
        return columns;
    }

    private void write(String objectType, boolean archived, HttpServletResponse response, Pages pages)
            throws IOException {
        List<String> columns = columns(objectType, archived);
        response.setContentType("text/csv; charset=utf-8");
        response.setHeader(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + objectType + ".csv\"");
        response.setHeader(HttpHeaders.CACHE_CONTROL, "no-store");
        Writer out = new OutputStreamWriter(response.getOutputStream(), StandardCharsets.UTF_8);
        CsvWriter csv = new CsvWriter(out);
        csv.row(columns);
        for (List<Map<String, Object>> items = pages.next(); items != null; items = pages.next()) {
            for (Map<String, Object> view : items) {
                List<String> cells = new ArrayList<>(columns.size());
                for (String column : columns) {
                    cells.add(text(valueAt(view, column)));
                }
                csv.row(cells);
            }
            out.flush();
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
