package io.crm.platform.web;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import io.crm.record.Page;
import io.crm.record.RecordMeta;
import org.bson.Document;

import org.springframework.http.ResponseEntity;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/** The response shapes every v1 resource shares: ETag from the version, Location on create, list pages. */
public final class RecordResponses {

    private RecordResponses() {
    }

    public static ResponseEntity<Map<String, Object>> created(Document record, Map<String, Object> json) {
        URI location = ServletUriComponentsBuilder.fromCurrentRequestUri().path("/{id}")
                .buildAndExpand(record.getObjectId("_id").toHexString()).toUri();
        return ResponseEntity.created(location).eTag(Preconditions.etag(RecordMeta.version(record))).body(json);
    }

    public static ResponseEntity<Map<String, Object>> ok(Document record, Map<String, Object> json) {
        return ResponseEntity.ok().eTag(Preconditions.etag(RecordMeta.version(record))).body(json);
    }

    public static Map<String, Object> page(Page<Document> page, Function<Document, Map<String, Object>> toJson) {
        List<Map<String, Object>> items = page.items().stream().map(toJson).toList();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("items", items);
        body.put("nextCursor", page.nextCursor());
        return body;
    }
}
