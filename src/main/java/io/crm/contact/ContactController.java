package io.crm.contact;

import java.util.Map;

import io.crm.platform.web.LimitsProperties;
import io.crm.platform.web.RecordEndpoints;
import io.crm.platform.web.RecordResponses;
import io.crm.security.Access;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.bson.Document;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
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
@RequestMapping("/api/v1/contacts")
@Tag(name = "contacts")
public class ContactController {

    private final RecordEndpoints<ContactService.ContactFilter> contacts;
    private final ContactService service;

    public ContactController(ContactService contacts, LimitsProperties limits) {
        this.contacts = new RecordEndpoints<>(contacts, limits);
        this.service = contacts;
    }

    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Create a contact")
    public ResponseEntity<Map<String, Object>> create(@RequestBody Map<String, Object> body) {
        return contacts.create(body);
    }

    @GetMapping("/{id}")
    @Operation(summary = "Get a contact")
    public ResponseEntity<Map<String, Object>> get(@PathVariable String id) {
        return contacts.get(id);
    }

    @PatchMapping(path = "/{id}", consumes = {RecordEndpoints.MERGE_PATCH, MediaType.APPLICATION_JSON_VALUE})
    @Operation(summary = "Change a contact (JSON merge patch; If-Match for optimistic concurrency)")
    public ResponseEntity<Map<String, Object>> patch(@PathVariable String id, @RequestBody Map<String, Object> patch,
                                                     @RequestHeader(name = HttpHeaders.IF_MATCH, required = false)
                                                     String ifMatch) {
        return contacts.patch(id, patch, ifMatch);
    }

    @DeleteMapping("/{id}")
    @Operation(summary = "Archive a contact (hidden from reads and lists; restorable)")
    public ResponseEntity<Void> archive(@PathVariable String id,
                                        @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch) {
        return contacts.archive(id, ifMatch);
    }

    @PostMapping("/{id}/restore")
    @Operation(summary = "Restore an archived contact")
    public ResponseEntity<Map<String, Object>> restore(@PathVariable String id) {
        return contacts.restore(id);
    }

    @PostMapping("/{id}/erase")
    @PreAuthorize(Access.ADMIN)
    @Operation(summary = "Erase a contact's personal data (right to erasure; admins): from the record, its audit "
            + "trail, the event feed and pending webhook deliveries; emits contact.erased")
    public ResponseEntity<Map<String, Object>> erase(@PathVariable String id) {
        Document erased = service.erase(id);
        return RecordResponses.ok(erased, service.view(erased));
    }

    @GetMapping
    @Operation(summary = "List contacts (cursor-paged; filters q, tag, companyId, email; sort name|createdAt|updatedAt)")
    public Map<String, Object> list(@RequestParam(required = false) String limit,
                                    @RequestParam(required = false) String cursor,
                                    @RequestParam(required = false) String sort,
                                    @RequestParam(required = false) String q,
                                    @RequestParam(required = false) String tag,
                                    @RequestParam(required = false) String companyId,
                                    @RequestParam(required = false) String email,
                                    @RequestParam(defaultValue = "false") boolean archived) {
        var filter = new ContactService.ContactFilter(archived, q, tag, companyId, email);
        return contacts.list(filter, sort, limit, cursor);
    }
}
