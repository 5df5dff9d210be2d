package io.crm.timeline;

import java.util.Map;

import io.crm.platform.web.LimitsProperties;
import io.crm.platform.web.Preconditions;
import io.crm.platform.web.RecordResponses;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Timelines of contacts, companies and deals: {"items":[{"kind":"activity"|"stageChange","at",...}],"nextCursor"},
 * newest first. Kept apart from the resources' own controllers so they stay independent of one another.
 */
@RestController
@Tag(name = "timelines")
public class TimelineController {

    private final TimelineService timelines;
    private final LimitsProperties limits;

    public TimelineController(TimelineService timelines, LimitsProperties limits) {
        this.timelines = timelines;
        this.limits = limits;
    }

    @GetMapping("/api/v1/contacts/{id}/timeline")
    @Operation(summary = "A contact's activities and its deals' stage changes, newest first (cursor-paged)")
    public Map<String, Object> contact(@PathVariable String id, @RequestParam(required = false) String limit,
                                       @RequestParam(required = false) String cursor) {
        return RecordResponses.page(timelines.ofContact(id, Preconditions.limit(limit, limits.maxPageSize()), cursor), d -> d);
    }

    @GetMapping("/api/v1/companies/{id}/timeline")
    @Operation(summary = "A company's activities and its deals' stage changes, newest first (cursor-paged)")
    public Map<String, Object> company(@PathVariable String id, @RequestParam(required = false) String limit,
                                       @RequestParam(required = false) String cursor) {
        return RecordResponses.page(timelines.ofCompany(id, Preconditions.limit(limit, limits.maxPageSize()), cursor), d -> d);
    }

    @GetMapping("/api/v1/deals/{id}/timeline")
    @Operation(summary = "A deal's activities and stage changes, newest first (cursor-paged)")
    public Map<String, Object> deal(@PathVariable String id, @RequestParam(required = false) String limit,
                                    @RequestParam(required = false) String cursor) {
        return RecordResponses.page(timelines.ofDeal(id, Preconditions.limit(limit, limits.maxPageSize()), cursor), d -> d);
    }
}
