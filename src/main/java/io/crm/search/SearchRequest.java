package io.crm.search;

import java.util.List;

import io.crm.record.SortOrder;

/**
 * A validated search body: OR of the groups, AND within each; one sort; the {@code q}-style text; the page size and
 * position; live or archived records.
 */
public record SearchRequest(List<List<Condition>> groups, SortOrder sort, String query, int limit, String after,
                            boolean archived) {
}
