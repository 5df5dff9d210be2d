package io.crm.search;

import java.util.Map;

import io.crm.security.CurrentUser;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** {@code POST /api/v1/{contacts|companies|deals|activities}/search}: a read, allowed to every role (read scope). */
@RestController
@Tag(name = "search")
public class SearchController {

    private final SearchService search;

    public SearchController(SearchService search) {
        this.search = search;
    }

    @PostMapping(path = "/api/v1/{objectType:contacts|companies|deals|activities}/search",
            consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Search records (HubSpot CRM search body: filterGroups OR-ed, filters AND-ed, one sort, "
            + "query, limit, after); {items, total, nextCursor}; docs/v1-resources.md \"Search\"")
    public Map<String, Object> search(@PathVariable String objectType, @RequestBody Map<String, Object> body) {
        return search.search(objectType, body, CurrentUser.get().id());
    }
}
