package io.crm.platform.health;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.crm.store.StoreTransactions;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The original service's health contract. {@code /health} is liveness (no database check, so a database outage never
 * restarts pods); {@code /ready} is readiness (pings the database, and is 503 until the process is started and again
 * while it shuts down).
 */
@RestController
@Tag(name = "health")
public class HealthController {

    private final DatabasePing databasePing;
    private final ApplicationAvailability availability;
    private final List<ReadinessWarning> warnings;
    private final StoreTransactions transactions;

    public HealthController(DatabasePing databasePing, ApplicationAvailability availability,
                            List<ReadinessWarning> warnings, StoreTransactions transactions) {
        this.databasePing = databasePing;
        this.availability = availability;
        this.warnings = warnings;
        this.transactions = transactions;
    }

    @GetMapping("/health")
    @Operation(summary = "Liveness: 200 while the process is alive")
    public Map<String, String> health() {
        return Map.of("status", "healthy", "service", "CRM API");
    }

    @GetMapping("/ready")
    @Operation(summary = "Readiness: 200 when the database answers and the service accepts traffic, else 503")
    public ResponseEntity<Map<String, Object>> ready() {
        boolean accepting = availability.getReadinessState() == ReadinessState.ACCEPTING_TRAFFIC;
        boolean connected = databasePing.ok();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", accepting && connected ? "ready" : "not ready");
        body.put("database", connected ? "connected" : "disconnected");
        // what the store can do (topology, transactions); asked only while it answers, else as last known
        body.put("store", (connected ? transactions.capabilities() : transactions.known()).toMap());
        if (!accepting) {
            // no readiness change yet: still starting (the start-up migrations run before traffic is accepted)
            body.put("reason", availability.getLastChangeEvent(ReadinessState.class) == null ? "starting"
                    : "shutting down");
        }
        // e.g. "auth" while authentication is off (security's AuthDisabledWarning); never in place of the above
        warnings.forEach(warning -> warning.message().ifPresent(message -> body.putIfAbsent(warning.key(), message)));
        return ResponseEntity.status(accepting && connected ? 200 : 503).body(body);
    }
}
