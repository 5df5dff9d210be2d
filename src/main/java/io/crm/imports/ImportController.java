package io.crm.imports;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import io.crm.platform.web.ProblemHandler;
import io.crm.record.RecordException;
import io.crm.security.CrmUser;
import io.crm.security.CurrentUser;
import io.crm.security.Role;
import io.crm.security.Scope;
import io.crm.security.ScopeRules;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletResponse;
import org.bson.Document;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

@RestController
@RequestMapping("/api/v1/imports")
@Tag(name = "imports")
public class ImportController {

    private final ImportService imports;
    private final JsonMapper json;

    public ImportController(ImportService imports, JsonMapper json) {
        this.imports = imports;
        this.json = json;
    }

    @PostMapping(path = "/preview", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    @Operation(summary = "Preview a CSV file: headers, the first 5 rows, the row count, the target fields and a "
            + "suggested column mapping (entity contacts|companies)")
    public Map<String, Object> preview(@RequestParam("file") MultipartFile file,
                                       @RequestParam("entity") String entity) throws IOException {
        ImportTarget target = imports.target(entity);
        Path copy = copy(file);
        try {
            return imports.preview(target, copy);
        } finally {
            Files.deleteIfExists(copy);
        }
    }

    @PostMapping(consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    @Operation(summary = "Import a CSV file into contacts or companies in the background (202; poll the Location). "
            + "mapping: JSON object CSV header -> field (default: the suggested mapping); onDuplicate: "
            + "skip|update|create (default skip)")
    public ResponseEntity<Map<String, Object>> start(@RequestParam("file") MultipartFile file,
                                                     @RequestParam("entity") String entity,
                                                     @RequestParam(name = "mapping", required = false) String mapping,
                                                     @RequestParam(name = "onDuplicate", defaultValue = "skip")
                                                     String onDuplicate) throws IOException {
        ImportTarget target = imports.target(entity);
        Map<String, String> columns = mapping == null || mapping.isBlank() ? null : mapping(mapping);
        Path copy = copy(file);
        Document status;
        try {
            status = imports.start(target, copy, fileName(file), columns, onDuplicate.strip());
        } catch (RuntimeException e) {
            Files.deleteIfExists(copy);
            throw e;
        }
        Map<String, Object> body = ImportService.toJson(status);
        return ResponseEntity.accepted().location(URI.create("/api/v1/imports/" + body.get("id"))).body(body);
    }

    @GetMapping("/{id}")
    @Operation(summary = "An import's progress and result")
    public Map<String, Object> status(@PathVariable String id) {
        return ImportService.toJson(visible(id));
    }

    @GetMapping(path = "/{id}/errors.csv", produces = "text/csv")
    @Operation(summary = "An import's row errors as CSV: row,field,message (row: 1-based data row)")
    public void errors(@PathVariable String id, HttpServletResponse response) throws IOException {
        Document status = visible(id); // 404 before anything is written
        response.setContentType("text/csv; charset=utf-8");
        response.setHeader(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"import-" + id + "-errors.csv\"");
        try (Writer out = new OutputStreamWriter(response.getOutputStream(), StandardCharsets.UTF_8)) {
            imports.writeErrors(status, out);
        }
    }

    /** The import, if the signed-in user started it or is an admin. */
    private Document visible(String id) {
        CrmUser user = CurrentUser.get();
        // another's import is the admin's to see: with a token, one with the admin scope
        return imports.status(id, user.id(), ScopeRules.allows(Role.ADMIN, Scope.ADMIN));
    }

    @ExceptionHandler(ImportService.Busy.class)
    ResponseEntity<Object> busy(ImportService.Busy e) {
        return ResponseEntity.status(503).header(HttpHeaders.RETRY_AFTER, "60")
                .body(ProblemHandler.problem(503, "Service unavailable", e.getMessage()));
    }

    private Map<String, String> mapping(String text) {
        JsonNode node;
        try {
            node = json.readTree(text);
        } catch (JacksonException e) {
            throw new RecordException.Invalid("mapping", "must be a JSON object of CSV header to field name");
        }
        if (node == null || !node.isObject()) {
            throw new RecordException.Invalid("mapping", "must be a JSON object of CSV header to field name");
        }
        Map<String, String> mapping = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            JsonNode value = e.getValue();
            if (!value.isNull() && !value.isString()) {
                throw new RecordException.Invalid("mapping", "the value for \"" + e.getKey()
                        + "\" must be a field name (a string) or null");
            }
            mapping.put(e.getKey().strip(), value.isNull() ? null : value.asString());
        }
        return mapping;
    }

    private static Path copy(MultipartFile file) throws IOException {
        if (file.isEmpty()) {
            throw CsvFile.invalid("The file is empty: the first line must name the columns");
        }
        Path copy = ImportService.tempFile();
        try {
            file.transferTo(copy);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(copy);
            throw e;
        }
        return copy;
    }

    private static String fileName(MultipartFile file) {
        String name = file.getOriginalFilename();
        if (name == null || name.isBlank()) {
            return "upload.csv";
        }
        name = name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1).strip();
        return name.length() > 200 ? name.substring(0, 200) : name;
    }
}
