package io.crm.web;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.crm.record.RecordException;
import io.crm.search.Operator;
import io.crm.search.SearchService;
import io.crm.view.SavedViews;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The filter builder over the search API: conditions in groups (a group's conditions all hold; any group may), the
 * columns to show, and saved views to switch between. Everything is in the page's address ({@code fg}, {@code fp},
 * {@code fo}, {@code fv} per condition, {@code col} per column, or {@code view}), so a list is shareable as a link;
 * it works without script (each group has an empty row to add a condition, and an empty group to add a group).
 */
@Controller
public class SearchPages {

    static final int PAGE_SIZE = 25;
    private static final Map<String, String> TITLES = Map.of("contacts", "Contacts", "companies", "Companies",
            "deals", "Deals", "activities", "Activities");
    private static final Map<String, List<String>> DEFAULT_COLUMNS = Map.of(
            "contacts", List.of("name", "email", "tags", "updatedAt"),
            "companies", List.of("name", "domain", "industry", "updatedAt"),
            "deals", List.of("title", "amount", "currency", "stage", "updatedAt"),
            "activities", List.of("subject", "type", "dueAt", "updatedAt"));
    /** The column that links to the record. */
    private static final Map<String, String> TITLE_COLUMN = Map.of("contacts", "name", "companies", "name",
            "deals", "title", "activities", "subject");

    private final SearchService search;
    private final SavedViews views;

    public SearchPages(SearchService search, SavedViews views) {
        this.search = search;
        this.views = views;
    }

    // literal paths, so they rank above the record pages' /contacts/{id} and the like
    @GetMapping({"/contacts/search", "/companies/search", "/deals/search", "/activities/search"})
    public String page(jakarta.servlet.http.HttpServletRequest request,
                       @RequestParam MultiValueMap<String, String> params, Model model) {
        String objectType = objectType(request);
        SavedViews.Caller caller = SavedViews.Caller.current();
        MultiValueMap<String, String> shown = params;
        Map<String, Object> view = null;
        String viewId = params.getFirst("view");
        if (viewId != null && !viewId.isBlank() && !params.containsKey("fp") && !params.containsKey("col")) {
            view = views.get(caller, viewId.strip());
            shown = paramsOf(view);
        }
        Map<String, Object> body = body(shown);
        Map<String, String> errors = new LinkedHashMap<>();
        Map<String, Object> results = Map.of("items", List.of(), "total", 0);
        try {
            results = search.search(objectType, body, caller.userId());
        } catch (RecordException.Invalid invalid) {
            errors.putAll(Forms.errors(invalid));
        } catch (RecordException refused) {
            errors.put("search", refused.getMessage());
        }
        List<String> properties = new ArrayList<>(search.propertyNames(objectType));
        List<String> columns = shown.containsKey("col") ? shown.get("col").stream()
                .filter(properties::contains).distinct().toList() : DEFAULT_COLUMNS.get(objectType);
        model.addAttribute("objectType", objectType);
        model.addAttribute("title", TITLES.get(objectType));
        model.addAttribute("titleColumn", TITLE_COLUMN.get(objectType));
        model.addAttribute("properties", properties);
        model.addAttribute("labels", search.labels(objectType));
        model.addAttribute("operators", java.util.Arrays.stream(Operator.values()).map(Enum::name).toList());
        // each group with an empty row at its end: filling it adds a condition
        List<List<Map<String, String>>> groups = new ArrayList<>();
        for (List<Map<String, String>> group : groups(shown)) {
            List<Map<String, String>> rows = new ArrayList<>(group);
            rows.add(Map.of("property", "", "operator", "EQ", "value", ""));
            groups.add(rows);
        }
        model.addAttribute("groups", groups);
        model.addAttribute("columns", columns);
        model.addAttribute("q", shown.getFirst("q"));
        model.addAttribute("sort", shown.getFirst("sort"));
        model.addAttribute("results", results);
        long total = results.get("total") instanceof Number n ? n.longValue() : 0;
        model.addAttribute("totalText", Boolean.TRUE.equals(results.get("totalIsLowerBound"))
                ? "More than " + total + " records" : total + (total == 1 ? " record" : " records"));
        model.addAttribute("nextCursor", results.get("nextCursor"));
        model.addAttribute("rows", rows(results, columns));
        model.addAttribute("myId", caller.userId());
        model.addAttribute("sorts", search.sortNames(objectType));
        model.addAttribute("errors", errors);
        model.addAttribute("view", view);
        model.addAttribute("views", views.list(caller, objectType));
        model.addAttribute("canShare", caller.canShare());
        model.addAttribute("query", query(shown));
        return "search/list";
    }

    /** Saves what the page shows as a view and opens it. */
    @PostMapping({"/contacts/search/views", "/companies/search/views", "/deals/search/views",
            "/activities/search/views"})
    public String save(jakarta.servlet.http.HttpServletRequest request,
                       @RequestParam MultiValueMap<String, String> params, RedirectAttributes redirect) {
        String objectType = objectType(request);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", params.getFirst("name") == null ? "" : params.getFirst("name"));
        body.put("objectType", objectType);
        Map<String, Object> searchBody = body(params);
        searchBody.remove("limit");
        body.put("search", searchBody);
        if (params.containsKey("col")) {
            body.put("columns", params.get("col"));
        }
        body.put("shared", "true".equals(params.getFirst("shared")));
        try {
            Map<String, Object> saved = views.create(SavedViews.Caller.current(), body);
            redirect.addFlashAttribute("notice", "View “" + saved.get("name") + "” saved.");
            return "redirect:/" + objectType + "/search?view=" + saved.get("id");
        } catch (RecordException e) {
            String why = e instanceof RecordException.Invalid invalid ? String.join("; ", Forms.errors(invalid)
                    .entrySet().stream().map(x -> x.getKey() + " " + x.getValue()).toList()) : e.getMessage();
            redirect.addFlashAttribute("error", "The view was not saved: " + why);
            return "redirect:/" + objectType + "/search?" + query(params);
        }
    }

    @PostMapping({"/contacts/search/views/{id}/delete", "/companies/search/views/{id}/delete",
            "/deals/search/views/{id}/delete", "/activities/search/views/{id}/delete"})
    public String delete(jakarta.servlet.http.HttpServletRequest request, @PathVariable String id,
                         RedirectAttributes redirect) {
        String objectType = objectType(request);
        views.delete(SavedViews.Caller.current(), id);
        redirect.addFlashAttribute("notice", "View deleted.");
        return "redirect:/" + objectType + "/search";
    }

    /** The object type a page is for: the first segment of its path (one of the four mapped above). */
    private static String objectType(jakarta.servlet.http.HttpServletRequest request) {
        // the mapping that matched (whatever spelling the URL had: percent-encoded, ;params, //)
        Object pattern = request.getAttribute(org.springframework.web.servlet.HandlerMapping
                .BEST_MATCHING_PATTERN_ATTRIBUTE);
        String path = pattern != null ? pattern.toString()
                : org.springframework.web.util.UrlPathHelper.defaultInstance.getLookupPathForRequest(request);
        String first = path.replaceFirst("^/+", "").split("/")[0];
        if (!TITLES.containsKey(first)) {
            throw new IllegalStateException("unmapped path " + path);
        }
        return first;
    }

    /** Each result as {id, cells}: the columns' values as text (a list joined, a custom value from "custom"). */
    static List<Map<String, Object>> rows(Map<String, Object> results, List<String> columns) {
        List<Map<String, Object>> rows = new ArrayList<>();
        if (!(results.get("items") instanceof List<?> items)) {
            return rows;
        }
        for (Object item : items) {
            Map<?, ?> record = (Map<?, ?>) item;
            List<String> cells = new ArrayList<>();
            for (String column : columns) {
                Object value = column.startsWith("custom.") && record.get("custom") instanceof Map<?, ?> custom
                        ? custom.get(column.substring("custom.".length())) : record.get(column);
                cells.add(value == null ? "" : value instanceof List<?> list
                        ? String.join(", ", list.stream().map(String::valueOf).toList()) : String.valueOf(value));
            }
            rows.add(Map.of("id", String.valueOf(record.get("id")), "cells", cells));
        }
        return rows;
    }

    /** The search body the page's parameters describe (rows without a property are the empty "add" rows). */
    static Map<String, Object> body(MultiValueMap<String, String> params) {
        Map<String, Object> body = new LinkedHashMap<>();
        List<Map<String, Object>> groups = new ArrayList<>();
        for (List<Map<String, String>> group : groups(params)) {
            List<Map<String, Object>> filters = new ArrayList<>();
            for (Map<String, String> row : group) {
                if (row.get("property").isBlank()) {
                    continue;
                }
                Map<String, Object> filter = new LinkedHashMap<>();
                filter.put("propertyName", row.get("property"));
                String operator = row.get("operator").isBlank() ? "EQ" : row.get("operator");
                filter.put("operator", operator);
                String value = row.get("value");
                switch (operator) {
                    case "IN", "NOT_IN" -> filter.put("values", java.util.Arrays.stream(value.split(","))
                            .map(String::strip).filter(v -> !v.isEmpty()).toList());
                    case "BETWEEN" -> {
                        int dots = value.indexOf("..");
                        filter.put("value", dots < 0 ? value.strip() : value.substring(0, dots).strip());
                        filter.put("highValue", dots < 0 ? "" : value.substring(dots + 2).strip());
                    }
                    case "HAS_PROPERTY", "NOT_HAS_PROPERTY" -> {
                    }
                    default -> filter.put("value", value.strip());
                }
                filters.add(filter);
            }
            if (!filters.isEmpty()) {
                groups.add(Map.of("filters", filters));
            }
        }
        if (!groups.isEmpty()) {
            body.put("filterGroups", groups);
        }
        String q = params.getFirst("q");
        if (q != null && !q.isBlank()) {
            body.put("query", q.strip());
        }
        String sort = params.getFirst("sort");
        if (sort != null && !sort.isBlank()) {
            boolean descending = sort.startsWith("-");
            body.put("sorts", List.of(Map.of("propertyName", descending ? sort.substring(1) : sort,
                    "direction", descending ? "DESCENDING" : "ASCENDING")));
        }
        String after = params.getFirst("after");
        if (after != null && !after.isBlank()) {
            body.put("after", after);
        }
        body.put("limit", PAGE_SIZE);
        return body;
    }

    /** The conditions by group, in order: {property, operator, value}. */
    static List<List<Map<String, String>>> groups(MultiValueMap<String, String> params) {
        List<String> fg = params.getOrDefault("fg", List.of());
        List<String> fp = params.getOrDefault("fp", List.of());
        List<String> fo = params.getOrDefault("fo", List.of());
        List<String> fv = params.getOrDefault("fv", List.of());
        TreeMap<Integer, List<Map<String, String>>> groups = new TreeMap<>();
        for (int i = 0; i < fp.size(); i++) {
            int group;
            try {
                group = Integer.parseInt(i < fg.size() ? fg.get(i).strip() : "0");
            } catch (NumberFormatException e) {
                group = 0;
            }
            Map<String, String> row = new LinkedHashMap<>();
            row.put("property", fp.get(i) == null ? "" : fp.get(i).strip());
            row.put("operator", i < fo.size() && fo.get(i) != null ? fo.get(i).strip() : "EQ");
            row.put("value", i < fv.size() && fv.get(i) != null ? fv.get(i) : "");
            if (!row.get("property").isEmpty()) {
                groups.computeIfAbsent(Math.max(0, Math.min(group, 4)), g -> new ArrayList<>()).add(row);
            }
        }
        return new ArrayList<>(groups.values());
    }

    /** A view's search and columns as the page's parameters. */
    static MultiValueMap<String, String> paramsOf(Map<String, Object> view) {
        MultiValueMap<String, String> params = new LinkedMultiValueMap<>();
        Map<?, ?> search = view.get("search") instanceof Map<?, ?> m ? m : Map.of();
        int group = 0;
        if (search.get("filterGroups") instanceof List<?> groups) {
            for (Object g : groups) {
                if (g instanceof Map<?, ?> groupMap && groupMap.get("filters") instanceof List<?> filters) {
                    for (Object f : filters) {
                        if (f instanceof Map<?, ?> filter) {
                            params.add("fg", String.valueOf(group));
                            params.add("fp", String.valueOf(filter.get("propertyName")));
                            params.add("fo", String.valueOf(filter.get("operator")));
                            params.add("fv", value(filter));
                        }
                    }
                    group++;
                }
            }
        }
        if (search.get("query") instanceof String q) {
            params.add("q", q);
        }
        if (search.get("sorts") instanceof List<?> sorts && !sorts.isEmpty() && sorts.get(0) instanceof Map<?, ?> s) {
            params.add("sort", ("DESCENDING".equals(s.get("direction")) ? "-" : "") + s.get("propertyName"));
        }
        if (view.get("columns") instanceof List<?> columns && !columns.isEmpty()) {
            columns.forEach(c -> params.add("col", String.valueOf(c)));
        }
        return params;
    }

    private static String value(Map<?, ?> filter) {
        if (filter.get("values") instanceof List<?> values) {
            return String.join(", ", values.stream().map(String::valueOf).toList());
        }
        if (filter.containsKey("highValue")) {
            return filter.get("value") + ".." + filter.get("highValue");
        }
        return filter.get("value") == null ? "" : String.valueOf(filter.get("value"));
    }

    /** The page's conditions, text, sort and columns as a query string (for the next page and the links). */
    static String query(MultiValueMap<String, String> params) {
        List<String> parts = new ArrayList<>();
        for (String key : List.of("fg", "fp", "fo", "fv", "col", "q", "sort")) {
            for (String value : params.getOrDefault(key, List.of())) {
                parts.add(key + "=" + URLEncoder.encode(value == null ? "" : value, StandardCharsets.UTF_8));
            }
        }
        return String.join("&", parts);
    }
}
