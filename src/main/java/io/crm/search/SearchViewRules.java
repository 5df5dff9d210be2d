package io.crm.search;

import java.util.List;
import java.util.Map;

import io.crm.record.FieldError;
import io.crm.view.SavedViews;

import org.springframework.stereotype.Component;

/**
 * A saved view's search body and columns are checked by the search grammar: the same errors a search would give,
 * and columns that are searchable properties (built-in, bookkeeping and live custom ones) or the record id.
 */
@Component
public class SearchViewRules implements SavedViews.Rules {

    private final SearchService search;

    public SearchViewRules(SearchService search) {
        this.search = search;
    }

    @Override
    public List<FieldError> searchErrors(String objectType, Map<String, Object> body) {
        return search.errors(objectType, body);
    }

    @Override
    public boolean isColumn(String objectType, String column) {
        return column.equals("id") || search.propertyNames(objectType).contains(column);
    }
}
