package io.crm.person;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.mongodb.client.MongoCursor;
import io.crm.platform.web.LimitsProperties;
import io.crm.platform.web.PathSet;
import io.crm.security.Access;
import io.swagger.v3.oas.annotations.Hidden;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.bson.Document;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The original Flask service's person API, with its paths, status codes and JSON shapes. Errors are
 * {@code {"error": "..."}} (see {@link LegacyErrorHandler}). Responses are always JSON whatever the Accept header, as
 * the original's were.
 */
@RestController
@Tag(name = "legacy persons", description = "The original service's API, kept for existing scripts")
public class PersonController {

    static final int DEFAULT_LIMIT = 20;

    private final PersonService persons;
    private final JsonMapper mapper;
    /** One write per person into the response buffer, without a network flush after each. */
    private final ObjectWriter streamWriter;
    private final LimitsProperties limits;

    public PersonController(PersonService persons, JsonMapper mapper, LimitsProperties limits) {
        this.persons = persons;
        this.limits = limits;
        this.mapper = mapper;
        this.streamWriter = mapper.writer().without(SerializationFeature.FLUSH_AFTER_WRITE_VALUE);
    }

    @GetMapping("/person")
    @Operation(summary = "Every person as a JSON array (streamed); ?id=<ObjectId> one person; "
            + "?page=&limit= one page {data, page, limit, total, pages}")
    public ResponseEntity<Object> list(@RequestParam(required = false) String id,
                                       @RequestParam(required = false) String page,
                                       @RequestParam(required = false) String limit,
                                       HttpServletResponse response) throws IOException {
        if (id != null) {
            return json(200, LegacyJson.view(persons.byId(id)));
        }
        if (page != null || limit != null) {
            return json(200, persons.page(page(page), limit(limit, limits.maxPageSize())));
        }
        stream(persons.all(), response);
        return null;
    }

    @GetMapping("/person/search")
    @Operation(summary = "Persons whose name or email contains q (case-insensitive, literal)")
    public ResponseEntity<Object> search(@RequestParam(required = false) String q, HttpServletResponse response)
            throws IOException {
        if (q == null || q.isEmpty()) {
            throw LegacyException.badRequest("Query parameter 'q' is required");
        }
        stream(persons.search(q), response);
        return null;
    }

    @PostMapping("/person/{person_id}")
    @Operation(summary = "Add a person (any JSON object); 409 when the person_id or the email is taken")
    public ResponseEntity<Object> create(@PathVariable("person_id") String personId, HttpServletRequest request)
            throws IOException {
        PersonService.checkPersonId(personId);
        Document body = LegacyJson.object(body(request), "Person data");
        Document created = persons.create(personId, body);
        return json(201, ordered("message", "Person added successfully",
                "id", created.getObjectId("_id").toHexString(), "person_id", personId));
    }

    @GetMapping("/person/{person_id}")
    @Operation(summary = "One person by person_id")
    public ResponseEntity<Object> get(@PathVariable("person_id") String personId) {
        return json(200, LegacyJson.view(persons.get(personId)));
    }

    @PutMapping("/person/{person_id}")
    @Operation(summary = "Set the given fields of a person ($set semantics)")
    public ResponseEntity<Object> update(@PathVariable("person_id") String personId, HttpServletRequest request)
            throws IOException {
        Document changes = LegacyJson.object(body(request), "Person data");
        if (persons.update(personId, changes)) {
            return json(200, ordered("message", "Person updated successfully", "person_id", personId,
                    "modified_count", 1));
        }
        return json(200, ordered("message", "No changes made", "person_id", personId));
    }

    @DeleteMapping("/person/{person_id}")
    @PreAuthorize(Access.ADMIN)
    @Operation(summary = "Delete a person (a real delete, as the original)")
    public ResponseEntity<Object> delete(@PathVariable("person_id") String personId) {
        persons.delete(personId);
        return json(200, ordered("message", "Person deleted successfully", "person_id", personId));
    }

    @PostMapping("/person/bulk")
    @Operation(summary = "Add up to 100 persons, each with a person_id; all or none")
    public ResponseEntity<Object> bulkCreate(HttpServletRequest request) throws IOException {
        JsonNode body = body(request);
        if (!body.isArray()) {
            throw LegacyException.badRequest("Expected a JSON array of person objects");
        }
        if (body.size() > limits.maxBulk()) {
            throw LegacyException.badRequest("At most " + limits.maxBulk() + " persons per request");
        }
        List<Document> items = new ArrayList<>(body.size());
        int i = 0;
        for (JsonNode item : body.values()) {
            items.add(LegacyJson.object(item, "Item " + i++));
        }
        int inserted = persons.bulkCreate(items);
        return json(201, ordered("message", inserted + " persons added successfully", "inserted_count", inserted));
    }

    @DeleteMapping("/person/bulk")
    @PreAuthorize(Access.ADMIN)
    @Operation(summary = "Delete the persons with the given person_ids: {\"ids\": [...]}")
    public ResponseEntity<Object> bulkDelete(HttpServletRequest request) throws IOException {
        JsonNode body = body(request);
        JsonNode ids = body.isObject() ? body.get("ids") : null;
        if (ids == null || !ids.isArray()) {
            throw LegacyException.badRequest("Expected {\"ids\": [person_id, ...]}");
        }
        if (ids.size() > limits.maxBulkDelete()) {
            throw LegacyException.badRequest("At most " + limits.maxBulkDelete() + " ids per request");
        }
        List<Object> values = new ArrayList<>(ids.size());
        for (JsonNode id : ids.values()) {
            if (id.isString()) {
                values.add(id.stringValue());
            } else if (id.isIntegralNumber() && id.canConvertToLong()) {
                values.add(id.longValue());
            } else {
                throw LegacyException.badRequest("ids must be person_id strings");
            }
        }
        return json(200, ordered("deleted_count", persons.bulkDelete(values)));
    }

    @GetMapping("/stats")
    @Operation(summary = "Number of persons and the newest one's id")
    public ResponseEntity<Object> stats() {
        return json(200, persons.stats());
    }

    /**
     * Everything else under the legacy paths: 405 (with Allow) for a known path with another method, else 404, both
     * as {"error"} rather than the v1 API's problem documents. Spring prefers any mapping with a matching method and a
     * more specific path, so this only sees what no endpoint above takes.
     */
    @Hidden
    @RequestMapping({"/person", "/stats"})
    public ResponseEntity<Object> unmatchedMethod(HttpServletRequest request) {
        return unmatched(request);
    }

    private static final PathSet COLLECTION_PATHS = PathSet.exactly("/person", "/stats");
    private static final PathSet ITEM_PATHS = PathSet.exactly("/person/{id}");

    /** Separate from the exact paths: a mapping matching a request with two patterns would outrank the endpoints. */
    @Hidden
    @RequestMapping("/person/**")
    public ResponseEntity<Object> unmatched(HttpServletRequest request) {
        String allowed = null;
        if (COLLECTION_PATHS.matches(request)) {
            allowed = "GET, HEAD";
        } else if (ITEM_PATHS.matches(request)) {
            allowed = "GET, HEAD, POST, PUT, DELETE";
        }
        if (allowed == null) {
            return json(404, ordered("error", "Not found"));
        }
        return ResponseEntity.status(405).header(HttpHeaders.ALLOW, allowed).contentType(MediaType.APPLICATION_JSON)
                .body(ordered("error", "Method not allowed"));
    }

    private JsonNode body(HttpServletRequest request) throws IOException {
        return LegacyJson.read(request.getInputStream(), request.getContentType(), mapper);
    }

    /**
     * Writes a JSON array straight from the cursor to the response, so memory stays flat however many persons there
     * are. The query runs before anything is written, so a database failure is still a clean 503. Written on the
     * request's own thread rather than as async StreamingResponseBody: no async timeout cuts a long
     * download short, and the access log measures the whole transfer.
     */
    private void stream(MongoCursor<Document> cursor, HttpServletResponse response) throws IOException {
        try (cursor) {
            cursor.hasNext();
            response.setStatus(200);
            response.setContentType(MediaType.APPLICATION_JSON_VALUE);
            OutputStream out = response.getOutputStream();
            try (JsonGenerator generator = mapper.createGenerator(out)) {
                generator.writeStartArray();
                while (cursor.hasNext()) {
                    streamWriter.writeValue(generator, LegacyJson.view(cursor.next()));
                }
                generator.writeEndArray();
            }
        }
    }

    static int page(String page) {
        if (page == null) {
            return 1;
        }
        try {
            int value = Integer.parseInt(page.strip());
            if (value >= 1) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw LegacyException.badRequest("page must be a whole number of at least 1");
    }

    /**
     * Default 20. More than {@code maxPageSize} (crm.limits.max-page-size) is served as that rather than refused, so
     * a script asking for more still works; the page's "limit" says which limit applied.
     */
    static int limit(String limit, int maxPageSize) {
        if (limit == null) {
            return DEFAULT_LIMIT;
        }
        try {
            int value = Integer.parseInt(limit.strip());
            if (value >= 1) {
                return Math.min(value, maxPageSize);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw LegacyException.badRequest("limit must be a whole number from 1 to " + maxPageSize);
    }

    static ResponseEntity<Object> json(int status, Object body) {
        // An explicit content type skips Accept negotiation: the original answered JSON to every client.
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON).body(body);
    }

    /** A small insertion-ordered JSON object from name, value pairs. */
    static Map<String, Object> ordered(Object... pairs) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i + 1 < pairs.length; i += 2) {
            map.put((String) pairs[i], pairs[i + 1]);
        }
        return map;
    }
}
