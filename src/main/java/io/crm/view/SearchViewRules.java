package io.crm.view;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.crm.record.FieldError;
import io.crm.search.SearchService;

import org.springframework.stereotype.Component;

/** A view's search body is checked by the search grammar itself, and its columns against the searchable properties. */
@Component
class SearchViewRules implements SavedViews.Rules {

    private final SearchService search;

    SearchViewRules(SearchService search) {
        this.search = search;
    }

    @Override
    public List<FieldError> searchErrors(String objectType, Map<String, Object> body) {
        List<FieldError> errors = new ArrayList<>();
        if (body.containsKey("after")) {
            errors.add(new FieldError("after", "a view keeps the search, not a page position"));
        }
        errors.addAll(search.errors(objectType, body));
        return errors;
    }

    @Override
    public boolean isColumn(String objectType, String column) {
        // the record's id is a column too (it is in every item), though not a search property
        return column.equals("id") || search.propertyNames(objectType).contains(column);
    }
}
