package io.crm.view;

import java.util.Map;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Saved views: the caller's own and the shared ones. */
@RestController
@RequestMapping("/api/v1/views")
@Tag(name = "views")
public class ViewController {

    private final SavedViews views;

    public ViewController(SavedViews views) {
        this.views = views;
    }

    @GetMapping
    @Operation(summary = "The caller's views and the shared ones (of one objectType if given), by type and name")
    public Map<String, Object> list(@RequestParam(required = false) String objectType) {
        return Map.of("items", views.list(SavedViews.Caller.current(), objectType));
    }

    @GetMapping("/{id}")
    @Operation(summary = "A view of the caller's, or a shared one")
    public Map<String, Object> get(@PathVariable String id) {
        return views.get(SavedViews.Caller.current(), id);
    }

    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Save a view {name, objectType, search (a search body), columns, shared}")
    public ResponseEntity<Map<String, Object>> create(@RequestBody Map<String, Object> body) {
        return ResponseEntity.status(HttpStatus.CREATED).body(views.create(SavedViews.Caller.current(), body));
    }

    @PatchMapping(path = "/{id}", consumes = {"application/merge-patch+json", MediaType.APPLICATION_JSON_VALUE})
    @Operation(summary = "Change a view (its owner, or an admin for a shared one)")
    public Map<String, Object> patch(@PathVariable String id, @RequestBody Map<String, Object> patch) {
        return views.update(SavedViews.Caller.current(), id, patch);
    }

    @DeleteMapping("/{id}")
    @Operation(summary = "Delete a view (its owner, or an admin for a shared one)")
    public ResponseEntity<Void> delete(@PathVariable String id) {
        views.delete(SavedViews.Caller.current(), id);
        return ResponseEntity.noContent().build();
    }
}
