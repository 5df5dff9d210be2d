package io.crm.search;

import java.util.Map;

import io.crm.security.CurrentUser;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/v1/{contacts|companies|deals|activities}/search}: reads (any role, the read scope; WebSecurity),
 * one mapping per object so each shows in the OpenAPI document. docs/v1-resources.md "Search".
 */
@RestController
@Tag(name = "search")
public class SearchController {

    private static final String SUMMARY = " (HubSpot CRM search body: filterGroups ORed, their filters ANDed; one "
            + "sort; query; limit; after): {items, total, totalIsLowerBound?, nextCursor}";

    private final SearchService search;

    public SearchController(SearchService search) {
        this.search = search;
    }

    @PostMapping(path = "/api/v1/contacts/search", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Search contacts" + SUMMARY)
    public Map<String, Object> contacts(@RequestBody Map<String, Object> body) {
        return search.search("contacts", body, CurrentUser.get().id());
    }

    @PostMapping(path = "/api/v1/companies/search", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Search companies" + SUMMARY)
    public Map<String, Object> companies(@RequestBody Map<String, Object> body) {
        return search.search("companies", body, CurrentUser.get().id());
    }

    @PostMapping(path = "/api/v1/deals/search", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Search deals" + SUMMARY)
    public Map<String, Object> deals(@RequestBody Map<String, Object> body) {
        return search.search("deals", body, CurrentUser.get().id());
    }

    @PostMapping(path = "/api/v1/activities/search", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Search activities" + SUMMARY)
    public Map<String, Object> activities(@RequestBody Map<String, Object> body) {
        return search.search("activities", body, CurrentUser.get().id());
    }
}
