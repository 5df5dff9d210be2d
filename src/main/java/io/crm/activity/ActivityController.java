package io.crm.activity;

import java.util.Map;

import io.crm.platform.web.LimitsProperties;
import io.crm.platform.web.RecordEndpoints;
import io.crm.record.RecordException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/v1/activities")
@Tag(name = "activities")
public class ActivityController {

    private final RecordEndpoints<ActivityService.ActivityFilter> activities;

    public ActivityController(ActivityService activities, LimitsProperties limits) {
        this.activities = new RecordEndpoints<>(activities, limits);
    }

    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Create an activity (linked to at least one contact, company or deal)")
    public ResponseEntity<Map<String, Object>> create(@RequestBody Map<String, Object> body) {
        return activities.create(body);
    }

    @GetMapping("/{id}")
    @Operation(summary = "Get an activity")
    public ResponseEntity<Map<String, Object>> get(@PathVariable String id) {
        return activities.get(id);
    }

    @PatchMapping(path = "/{id}", consumes = {RecordEndpoints.MERGE_PATCH, MediaType.APPLICATION_JSON_VALUE})
    @Operation(summary = "Change an activity (JSON merge patch; If-Match for optimistic concurrency)")
    public ResponseEntity<Map<String, Object>> patch(@PathVariable String id, @RequestBody Map<String, Object> patch,
                                                     @RequestHeader(name = HttpHeaders.IF_MATCH, required = false)
                                                     String ifMatch) {
        return activities.patch(id, patch, ifMatch);
    }

    @DeleteMapping("/{id}")
    @Operation(summary = "Archive an activity (hidden from reads, lists and timelines; restorable)")
    public ResponseEntity<Void> archive(@PathVariable String id,
                                        @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch) {
        return activities.archive(id, ifMatch);
    }

    @PostMapping("/{id}/restore")
    @Operation(summary = "Restore an archived activity")
    public ResponseEntity<Map<String, Object>> restore(@PathVariable String id) {
        return activities.restore(id);
    }

    @GetMapping
    @Operation(summary = "List activities (cursor-paged; q and any of type, contactId, companyId, dealId, open, ANDed; "
            + "sort createdAt|updatedAt|dueAt, undated last)")
    public Map<String, Object> list(@RequestParam(required = false) String limit,
                                    @RequestParam(required = false) String cursor,
                                    @RequestParam(required = false) String sort,
                                    @RequestParam(required = false) String q,
                                    @RequestParam(required = false) String type,
                                    @RequestParam(required = false) String contactId,
                                    @RequestParam(required = false) String companyId,
                                    @RequestParam(required = false) String dealId,
                                    @RequestParam(required = false) String open,
                                    @RequestParam(defaultValue = "false") boolean archived) {
        var filter = new ActivityService.ActivityFilter(archived, q, type, contactId, companyId, dealId, open(open));
        return activities.list(filter, sort, limit, cursor);
    }

    private static Boolean open(String open) {
        if (open == null || open.isBlank()) {
            return null;
        }
        return switch (open.strip()) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new RecordException.BadQuery("open must be true or false");
        };
    }
}
