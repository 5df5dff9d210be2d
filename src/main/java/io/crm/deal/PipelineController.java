package io.crm.deal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.crm.record.RecordException;
import io.crm.security.Access;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The sales pipelines (managed at runtime, ADMIN) and a pipeline's totals and weighted forecast. */
@RestController
@Tag(name = "deals")
public class PipelineController {

    private final DealService deals;
    private final Pipelines pipelines;

    public PipelineController(DealService deals) {
        this.deals = deals;
        this.pipelines = deals.pipelines();
    }

    @GetMapping("/api/v1/pipeline")
    @Operation(summary = "Live deals of a pipeline (default: the default pipeline) per stage, in order: count, exact "
            + "amount sums and weighted forecast (amount x probability) per currency")
    public List<Map<String, Object>> pipeline(@RequestParam(required = false) String pipelineId) {
        return deals.pipelineTotals(named(pipelineId)).toJson();
    }

    @GetMapping("/api/v1/pipelines")
    @Operation(summary = "The pipelines, the default first")
    public Map<String, Object> list() {
        return Map.of("items", pipelines.allFresh().stream().map(pipelines::toJson).toList());
    }

    @GetMapping("/api/v1/pipelines/{id}")
    @Operation(summary = "A pipeline with its stages, and its weighted forecast per currency")
    public Map<String, Object> get(@PathVariable String id) {
        DealPipeline pipeline = pipelines.get(id);
        Map<String, Object> json = new LinkedHashMap<>(pipelines.toJson(pipeline));
        json.put("forecast", deals.pipelineTotals(pipeline).forecast());
        return json;
    }

    @PreAuthorize(Access.ADMIN)
    @PostMapping(path = "/api/v1/pipelines", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Create a pipeline {name, stages: [{key, label, probability, outcome: won|lost|null}]}")
    public ResponseEntity<Map<String, Object>> create(@RequestBody Map<String, Object> body) {
        return ResponseEntity.status(HttpStatus.CREATED)
                .body(pipelines.toJson(pipelines.create(body)));
    }

    @PreAuthorize(Access.ADMIN)
    @PatchMapping(path = "/api/v1/pipelines/{id}", consumes = {"application/merge-patch+json",
            MediaType.APPLICATION_JSON_VALUE})
    @Operation(summary = "Rename a pipeline or change its stages (the whole list; a stage with deals stays)")
    public Map<String, Object> patch(@PathVariable String id, @RequestBody Map<String, Object> patch) {
        return pipelines.toJson(pipelines.update(id, patch));
    }

    private DealPipeline named(String id) {
        if (id == null || id.isBlank()) {
            return deals.pipeline();
        }
        return pipelines.find(id.strip())
                .orElseThrow(() -> new RecordException.BadQuery("pipelineId must be the id of a pipeline"));
    }
}
