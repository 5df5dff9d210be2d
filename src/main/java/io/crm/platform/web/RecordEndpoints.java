package io.crm.platform.web;

import java.util.Map;
import java.util.function.Function;

import io.crm.record.RecordFilter;
import io.crm.record.RecordService;
import org.bson.Document;

import org.springframework.http.ResponseEntity;

/**
 * The HTTP side of the use cases every v1 resource shares: request headers and parameters in, {@link RecordResponses}
 * out. A resource controller keeps its own mappings and OpenAPI docs (springdoc documents concrete handler methods)
 * and delegates each to one call here.
 *
 * @param <F> the resource's list filters
 */
public final class RecordEndpoints<F extends RecordFilter> {

    /** PATCH bodies are JSON merge patches (RFC 7396); plain JSON is accepted too. */
    public static final String MERGE_PATCH = "application/merge-patch+json";

    private final RecordService<F> service;
    private final Function<Document, Map<String, Object>> toJson;
    private final int maxPageSize;

    public RecordEndpoints(RecordService<F> service, LimitsProperties limits) {
        this.service = service;
        // a resource with custom values shows them too (RecordService.toJson)
        this.toJson = service::toJson;
        this.maxPageSize = limits.maxPageSize();
    }

    /** 201 with Location and ETag. */
    public ResponseEntity<Map<String, Object>> create(Map<String, Object> body) {
        Document created = service.create(body);
        return RecordResponses.created(created, toJson.apply(created));
    }

    public ResponseEntity<Map<String, Object>> get(String id) {
        Document record = service.get(id);
        return RecordResponses.ok(record, toJson.apply(record));
    }

    public ResponseEntity<Map<String, Object>> patch(String id, Map<String, Object> patch, String ifMatch) {
        Document updated = service.update(id, patch, Preconditions.ifMatchVersion(ifMatch));
        return RecordResponses.ok(updated, toJson.apply(updated));
    }

    /** 204: archived records are hidden, not gone. */
    public ResponseEntity<Void> archive(String id, String ifMatch) {
        service.archive(id, Preconditions.ifMatchVersion(ifMatch));
        return ResponseEntity.noContent().build();
    }

    public ResponseEntity<Map<String, Object>> restore(String id) {
        Document restored = service.restore(id);
        return RecordResponses.ok(restored, toJson.apply(restored));
    }

    /** One page: {"items": [...], "nextCursor": ...}. */
    public Map<String, Object> list(F filter, String sort, String limit, String cursor) {
        return RecordResponses.page(service.list(filter, sort, Preconditions.limit(limit, maxPageSize), cursor), toJson);
    }
}
