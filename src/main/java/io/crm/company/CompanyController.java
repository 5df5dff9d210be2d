package io.crm.company;

import java.util.Map;

import io.crm.contact.ContactSchema;
import io.crm.contact.ContactService;
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
@RequestMapping("/api/v1/companies")
@Tag(name = "companies")
public class CompanyController {

    private final CompanyService service;
    private final RecordEndpoints<CompanyService.CompanyFilter> companies;
    private final RecordEndpoints<ContactService.ContactFilter> contacts;

    public CompanyController(CompanyService companies, ContactService contacts, LimitsProperties limits) {
        this.service = companies;
        this.companies = new RecordEndpoints<>(companies, limits);
        this.contacts = new RecordEndpoints<>(contacts, limits);
    }

    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Create a company")
    public ResponseEntity<Map<String, Object>> create(@RequestBody Map<String, Object> body) {
        return companies.create(body);
    }

    @GetMapping("/{id}")
    @Operation(summary = "Get a company")
    public ResponseEntity<Map<String, Object>> get(@PathVariable String id) {
        return companies.get(id);
    }

    @PatchMapping(path = "/{id}", consumes = {RecordEndpoints.MERGE_PATCH, MediaType.APPLICATION_JSON_VALUE})
    @Operation(summary = "Change a company (JSON merge patch; If-Match for optimistic concurrency)")
    public ResponseEntity<Map<String, Object>> patch(@PathVariable String id, @RequestBody Map<String, Object> patch,
                                                     @RequestHeader(name = HttpHeaders.IF_MATCH, required = false)
                                                     String ifMatch) {
        return companies.patch(id, patch, ifMatch);
    }

    @DeleteMapping("/{id}")
    @Operation(summary = "Archive a company (hidden from reads and lists; restorable)")
    public ResponseEntity<Void> archive(@PathVariable String id,
                                        @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch) {
        return companies.archive(id, ifMatch);
    }

    @PostMapping("/{id}/restore")
    @Operation(summary = "Restore an archived company")
    public ResponseEntity<Map<String, Object>> restore(@PathVariable String id) {
        return companies.restore(id);
    }

    @GetMapping
    @Operation(summary = "List companies (cursor-paged; q and tag, domain, ANDed; sort name|createdAt|updatedAt)")
    public Map<String, Object> list(@RequestParam(required = false) String limit,
                                    @RequestParam(required = false) String cursor,
                                    @RequestParam(required = false) String sort,
                                    @RequestParam(required = false) String q,
                                    @RequestParam(required = false) String tag,
                                    @RequestParam(required = false) String domain,
                                    @RequestParam(defaultValue = "false") boolean archived) {
        var filter = new CompanyService.CompanyFilter(archived, q, tag, domain);
        return companies.list(filter, sort, limit, cursor);
    }

    @GetMapping("/{id}/contacts")
    @Operation(summary = "List the company's contacts (cursor-paged; sort name|createdAt|updatedAt)")
    public Map<String, Object> contacts(@PathVariable String id,
                                        @RequestParam(required = false) String limit,
                                        @RequestParam(required = false) String cursor,
                                        @RequestParam(required = false) String sort) {
        service.get(id); // 404 for an unknown or archived company
        var filter = new ContactService.ContactFilter(false, null, null, id, null);
        return contacts.list(filter, sort, limit, cursor);
    }
}
