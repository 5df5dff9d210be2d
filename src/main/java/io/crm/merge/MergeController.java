package io.crm.merge;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.crm.contact.ContactSchema;
import io.crm.contact.ContactService;
import io.crm.platform.web.RecordResponses;
import io.crm.record.RecordException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/v1/contacts/{id}")
@Tag(name = "contacts")
public class MergeController {

    private final ContactMerge merge;

    private final ContactService contacts;

    public MergeController(ContactMerge merge, ContactService contacts) {
        this.merge = merge;
        this.contacts = contacts;
    }

    @GetMapping("/duplicates")
    @Operation(summary = "Likely duplicates of a contact: same email, or same name and phone")
    public Map<String, Object> duplicates(@PathVariable String id) {
        List<Map<String, Object>> items = merge.duplicates(id).stream().map(m -> {
            Map<String, Object> json = new LinkedHashMap<>(contacts.toJson(m.contact()));
            json.put("reason", m.reason());
            return json;
        }).toList();
        return Map.of("items", items);
    }

    @PostMapping(path = "/merge", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Merge {duplicateId} into this contact: fill gaps, move activities and deals, archive it")
    public ResponseEntity<Map<String, Object>> merge(@PathVariable String id, @RequestBody Map<String, Object> body) {
        if (!(body.get("duplicateId") instanceof String duplicateId) || body.size() != 1) {
            throw new RecordException.Invalid("duplicateId", "is required (the id of the contact to merge in)");
        }
        var kept = merge.merge(id, duplicateId);
        return RecordResponses.ok(kept, contacts.toJson(kept));
    }
}
