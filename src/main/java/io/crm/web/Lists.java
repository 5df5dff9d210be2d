package io.crm.web;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.web.util.UriComponentsBuilder;

/** Links of a filtered list page: the same filters with another sort, the next page, the CSV export. */
public final class Lists {

    private Lists() {
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
