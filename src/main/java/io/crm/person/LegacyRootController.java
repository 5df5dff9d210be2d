package io.crm.person;

import java.util.Map;

import io.crm.CrmApplication;
import io.swagger.v3.oas.annotations.Hidden;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.info.BuildProperties;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The original service's index: what this is, its version and its endpoints, for every client that does not ask for
 * HTML. A browser (Accept: text/html) at {@code /} gets the web UI's dashboard instead (io.crm.web.DashboardController
 * produces text/html, which Spring MVC prefers for such requests); {@code /api} stays JSON for everyone.
 */
@RestController
@Tag(name = "legacy persons")
public class LegacyRootController {

    static final String UNKNOWN_VERSION = "unknown";

    private final Map<String, Object> index;

    public LegacyRootController(ObjectProvider<BuildProperties> build, Environment environment) {
        String version = version(build.getIfAvailable(), environment.getProperty("spring.application.version"),
                CrmApplication.class.getPackage().getImplementationVersion());
        this.index = PersonController.ordered(
                "service", "CRM REST API",
                "version", version,
                "endpoints", PersonController.ordered(
                        "health", "GET /health",
                        "ready", "GET /ready",
                        "list_persons", "GET /person",
                        "get_person_by_id", "GET /person?id=<ObjectId>",
                        "list_persons_paged", "GET /person?page=<page>&limit=<limit>",
                        "search_persons", "GET /person/search?q=<text>",
                        "add_person", "POST /person/<person_id>",
                        "get_person", "GET /person/<person_id>",
                        "update_person", "PUT /person/<person_id>",
                        "delete_person", "DELETE /person/<person_id>",
                        "bulk_add_persons", "POST /person/bulk",
                        "bulk_delete_persons", "DELETE /person/bulk",
                        "stats", "GET /stats",
                        "api_v1", "/api/v1 (contacts, companies, deals, activities, pipeline)",
                        "openapi", "GET /v3/api-docs"));
    }

    @GetMapping({"/", "/api"})
    @Operation(summary = "Service name, version and endpoints")
    public ResponseEntity<Object> index() {
        return PersonController.json(200, index);
    }

    @Hidden
    @RequestMapping({"/", "/api"})
    public ResponseEntity<Object> otherMethods() {
        return ResponseEntity.status(405).header(HttpHeaders.ALLOW, "GET, HEAD")
                .contentType(MediaType.APPLICATION_JSON).body(PersonController.ordered("error", "Method not allowed"));
    }

    /**
     * The application's version: build info when the build wrote it, else the jar manifest's Implementation-Version
     * (which Spring Boot also exposes as spring.application.version), else "unknown" (running from classes).
     */
    static String version(BuildProperties build, String applicationVersion, String manifestVersion) {
        if (build != null && build.getVersion() != null && !build.getVersion().isBlank()) {
            return build.getVersion();
        }
        if (applicationVersion != null && !applicationVersion.isBlank()) {
            return applicationVersion;
        }
        if (manifestVersion != null && !manifestVersion.isBlank()) {
            return manifestVersion;
        }
        return UNKNOWN_VERSION;
    }
}
