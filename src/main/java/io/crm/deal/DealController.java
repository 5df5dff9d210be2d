package io.crm.deal;

import java.util.Map;

import io.crm.platform.web.LimitsProperties;
import io.crm.platform.web.RecordEndpoints;
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
@RequestMapping("/api/v1/deals")
@Tag(name = "deals")
public class DealController {

    private final RecordEndpoints<DealService.DealFilter> deals;

    public DealController(DealService deals, LimitsProperties limits) {
        this.deals = new RecordEndpoints<>(deals, limits);
    }

    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Create a deal (stage defaults to the pipeline's first, currency to "
            + "crm.deals.default-currency)")
    public ResponseEntity<Map<String, Object>> create(@RequestBody Map<String, Object> body) {
        return deals.create(body);
    }

    @GetMapping("/{id}")
    @Operation(summary = "Get a deal")
    public ResponseEntity<Map<String, Object>> get(@PathVariable String id) {
        return deals.get(id);
    }

    @PatchMapping(path = "/{id}", consumes = {RecordEndpoints.MERGE_PATCH, MediaType.APPLICATION_JSON_VALUE})
    @Operation(summary = "Change a deal (JSON merge patch; If-Match for optimistic concurrency)")
    public ResponseEntity<Map<String, Object>> patch(@PathVariable String id, @RequestBody Map<String, Object> patch,
                                                     @RequestHeader(name = HttpHeaders.IF_MATCH, required = false)
                                                     String ifMatch) {
        return deals.patch(id, patch, ifMatch);
    }

    @DeleteMapping("/{id}")
    @Operation(summary = "Archive a deal (hidden from reads, lists and the pipeline; restorable)")
    public ResponseEntity<Void> archive(@PathVariable String id,
                                        @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch) {
        return deals.archive(id, ifMatch);
    }

    @PostMapping("/{id}/restore")
    @Operation(summary = "Restore an archived deal")
    public ResponseEntity<Map<String, Object>> restore(@PathVariable String id) {
        return deals.restore(id);
    }

    @GetMapping
    @Operation(summary = "List deals (cursor-paged; q and any of stage, companyId, contactId, pipelineId, ANDed; "
            + "sort title|createdAt|updatedAt)")
    public Map<String, Object> list(@RequestParam(required = false) String limit,
                                    @RequestParam(required = false) String cursor,
                                    @RequestParam(required = false) String sort,
                                    @RequestParam(required = false) String q,
                                    @RequestParam(required = false) String stage,
                                    @RequestParam(required = false) String companyId,
                                    @RequestParam(required = false) String contactId,
                                    @RequestParam(required = false) String pipelineId,
                                    @RequestParam(defaultValue = "false") boolean archived) {
        var filter = new DealService.DealFilter(archived, q, stage, companyId, contactId, pipelineId);
        return deals.list(filter, sort, limit, cursor);
    }
}
