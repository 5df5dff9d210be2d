package io.crm.web;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.crm.record.Page;

import org.springframework.ui.Model;
import org.springframework.web.util.UriComponentsBuilder;

/** Links of a filtered list page: the same filters with another sort, the next page, the CSV export. */
public final class Lists {

    private Lists() {
    }

    /** A filtered list page: where it is, its template, and the columns it sorts by. */
    public record ListView(String path, String template, List<String> sortColumns) {

        /**
         * Puts the page's links in the model (the filters with the sort, sort links, the next page, the CSV export
         * with the same filters) and names what to render: the whole page, for htmx only the results, and for htmx
         * with a cursor only the next rows.
         */
        public String render(Model model, Map<String, String> filters, String order, String nextCursor,
                             String cursor, String htmx) {
            Map<String, String> current = new LinkedHashMap<>(filters);
            current.put("sort", order);
            model.addAttribute("filters", current);
            model.addAttribute("sortLinks", sortLinks(path, filters, order, sortColumns.toArray(String[]::new)));
            model.addAttribute("moreUrl", nextCursor == null ? null : url(path, current, "cursor", nextCursor));
            model.addAttribute("exportUrl", url("/api/v1" + path + "/export", current));
            if (htmx == null) {
                return template;
            }
            return template + (cursor != null && !cursor.isBlank() ? " :: more" : " :: results");
        }
    }

    /** A record page's timeline: its entries and the link to the older ones ({@code path?before=cursor}). */
    public static void timeline(Model model, String path, Page<?> entries) {
        model.addAttribute("timeline", entries.items());
        model.addAttribute("olderUrl", entries.nextCursor() == null ? null
                : url(path, Map.of("before", entries.nextCursor())));
    }

    /** {@code path?filters&extra}; empty filter values are left out. */
    public static String url(String path, Map<String, String> filters, String... extra) {
        UriComponentsBuilder uri = UriComponentsBuilder.fromPath(path);
        Map<String, String> all = new LinkedHashMap<>(filters);
        for (int i = 0; i + 1 < extra.length; i += 2) {
            all.put(extra[i], extra[i + 1]);
        }
        all.forEach((k, v) -> {
            if (v != null && !v.isBlank()) {
                uri.queryParam(k, v);
            }
        });
        return uri.encode().build().toUriString();
    }

    /** For each sortable column: the link that sorts by it (ascending first, then toggling) and its aria-sort. */
    public static Map<String, Map<String, String>> sortLinks(String path, Map<String, String> filters, String sort,
                                                             String... columns) {
        Map<String, Map<String, String>> links = new LinkedHashMap<>();
        for (String column : columns) {
            String next = column;
            String aria = "none";
            if (column.equals(sort)) {
                next = "-" + column;
                aria = "ascending";
            } else if (("-" + column).equals(sort)) {
                aria = "descending";
            }
            links.put(column, Map.of("href", url(path, filters, "sort", next), "aria", aria));
        }
        return links;
    }
}
