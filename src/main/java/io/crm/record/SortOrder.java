package io.crm.record;

import java.util.Map;

/**
 * A validated {@code sort} parameter: an allowed API field (optionally prefixed with '-' for descending) and the
 * stored path it sorts on. Stored sort paths always hold one type (lower-cased text, a date or a decimal) so keyset paging works.
 */
public record SortOrder(String field, String path, boolean ascending) {

    public static SortOrder parse(String param, Map<String, String> allowed, String fallback) {
        String spec = param == null || param.isBlank() ? fallback : param.strip();
        boolean ascending = !spec.startsWith("-");
        String field = ascending ? spec : spec.substring(1);
        String path = allowed.get(field);
        if (path == null) {
            throw new RecordException.BadQuery("sort must be one of " + String.join(", ", allowed.keySet())
                    + " (prefix with - for descending)");
        }
        return new SortOrder(field, path, ascending);
    }

    public int direction() {
        return ascending ? 1 : -1;
    }
}
