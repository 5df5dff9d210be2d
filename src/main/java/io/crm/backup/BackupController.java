package io.crm.backup;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

import io.crm.record.RecordException;
import io.crm.security.Access;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.core.io.FileSystemResource;
import org.springframework.core.io.Resource;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Backups of the embedded store, for admins (the request rules restrict /api/v1/admin/** to ADMIN, as does this). */
@RestController
@PreAuthorize(Access.ADMIN)
@RequestMapping("/api/v1/admin/backups")
@Tag(name = "backups")
public class BackupController {

    private final Backups backups;

    public BackupController(Backups backups) {
        this.backups = backups;
    }

    @GetMapping
    @Operation(summary = "Backups, newest first, with size, status and manifest; and whether they are as recent as "
            + "the schedule promises")
    public Map<String, Object> list() {
        Backups.Freshness freshness = backups.freshness();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("items", backups.list().stream().map(Backup::toJson).toList());
        body.put("available", backups.available());
        body.put("nextDue", freshness.due() == null ? null : freshness.due().toString());
        body.put("stale", freshness.stale());
        return body;
    }

    @PostMapping
    @Operation(summary = "Start a backup now (202; poll its Location until completed or failed)")
    public ResponseEntity<Map<String, Object>> start() {
        Backup started;
        try {
            started = backups.start();
        } catch (BackupException refused) {
            throw new RecordException.Conflict(refused.getMessage());
        }
        return ResponseEntity.accepted().location(URI.create("/api/v1/admin/backups/" + started.name()))
                .body(started.toJson());
    }

    @GetMapping("/{name}")
    @Operation(summary = "One backup")
    public Map<String, Object> get(@PathVariable String name) {
        return backups.get(name).map(Backup::toJson).orElseThrow(() -> notFound(name));
    }

    @GetMapping(path = "/{name}/file", produces = MediaType.APPLICATION_OCTET_STREAM_VALUE)
    @Operation(summary = "Download a completed backup's file")
    public ResponseEntity<Resource> download(@PathVariable String name) {
        var file = backups.file(name).orElseThrow(() -> notFound(name));
        return ResponseEntity.ok()
                .header(HttpHeaders.CONTENT_DISPOSITION, ContentDisposition.attachment()
                        .filename(file.getFileName().toString()).build().toString())
                .contentType(MediaType.APPLICATION_OCTET_STREAM)
                .body(new FileSystemResource(file));
    }

    private static RecordException notFound(String name) {
        return new RecordException.NotFound("backup " + name);
    }
}
