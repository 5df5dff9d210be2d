package io.crm.deal;

import java.util.List;
import java.util.Map;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@Tag(name = "deals")
public class PipelineController {

    private final DealService deals;

    public PipelineController(DealService deals) {
        this.deals = deals;
    }

    @GetMapping("/api/v1/pipeline")
    @Operation(summary = "Live deals per configured stage, in order: count and exact amount sums per currency")
    public List<Map<String, Object>> pipeline() {
        return deals.pipelineTotals().toJson();
    }
}
