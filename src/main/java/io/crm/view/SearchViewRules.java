package io.crm.view;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.crm.record.FieldError;
import io.crm.search.SearchService;
import org.bson.types.ObjectId;

import org.springframework.stereotype.Component;

/** A view's search body is checked by the search grammar itself, and its columns against the searchable properties. */
@Component
class SearchViewRules implements SavedViews.Rules {

    /** Any id stands for {@code me} while checking: a view runs as whoever opens it. */
    private static final String ANYONE = new ObjectId(0, 0).toHexString();

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
        errors.addAll(search.problems(objectType, body, ANYONE));
        return errors;
    }

    @Override
    public boolean isColumn(String objectType, String column) {
        return search.propertyNames(objectType).contains(column);
    }
}
