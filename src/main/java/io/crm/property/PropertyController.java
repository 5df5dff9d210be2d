package io.crm.property;

import java.net.URI;
import java.util.List;
import java.util.Map;

import io.crm.platform.web.RecordEndpoints;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

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

/** Custom property definitions of contacts, companies and deals: read by every user, changed by admins. */
@RestController
@RequestMapping("/api/v1/properties/{objectType}")
@Tag(name = "properties")
public class PropertyController {

    private final PropertyService properties;

    public PropertyController(PropertyService properties) {
        this.properties = properties;
    }

    @GetMapping
    @Operation(summary = "List the live properties of contacts, companies or deals (archived=true: the archived ones)")
    public Map<String, Object> list(@PathVariable String objectType,
                                    @RequestParam(defaultValue = "false") boolean archived) {
        List<Map<String, Object>> items = properties.list(objectType, archived).stream()
                .map(PropertyService::toJson).toList();
        return Map.of("items", items);
    }

    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Create a property (admins)")
    public ResponseEntity<Map<String, Object>> create(@PathVariable String objectType,
                                                      @RequestBody Map<String, Object> body) {
        Map<String, Object> created = PropertyService.toJson(properties.create(objectType, body));
        return ResponseEntity.created(URI.create("/api/v1/properties/" + objectType + "/" + created.get("name")))
                .body(created);
    }

    @GetMapping("/{name}")
    @Operation(summary = "Get a live property")
    public Map<String, Object> get(@PathVariable String objectType, @PathVariable String name) {
        return properties.json(properties.get(objectType, name));
    }

    @PatchMapping(path = "/{name}", consumes = {RecordEndpoints.MERGE_PATCH, MediaType.APPLICATION_JSON_VALUE})
    @Operation(summary = "Change label, description, required, options (replaceOptions for options in use) or type "
            + "(admins)")
    public Map<String, Object> patch(@PathVariable String objectType, @PathVariable String name,
                                     @RequestBody Map<String, Object> patch) {
        return properties.json(properties.update(objectType, name, patch));
    }

    @DeleteMapping("/{name}")
    @Operation(summary = "Archive a property: values stay in the records, hidden; restorable (admins)")
    public ResponseEntity<Void> archive(@PathVariable String objectType, @PathVariable String name) {
        properties.archive(objectType, name);
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/{name}/restore")
    @Operation(summary = "Restore an archived property (admins)")
    public Map<String, Object> restore(@PathVariable String objectType, @PathVariable String name) {
        return PropertyService.toJson(properties.restore(objectType, name));
    }
}
