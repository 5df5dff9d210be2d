package io.crm.jobs;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.crm.record.RecordException;
import io.crm.security.Access;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The leased jobs and their log, for admins (the request rules restrict /api/v1/admin/** to ADMIN, as does this). */
@RestController
@PreAuthorize(Access.ADMIN)
@RequestMapping("/api/v1/admin/jobs")
@Tag(name = "jobs")
public class JobsController {

    private static final int MAX_RUNS = 1000;

    private final JobLeases leases;
    private final JobLog log;
    private final List<LeasedJob> jobs;

    JobsController(JobLeases leases, JobLog log, List<LeasedJob> jobs) {
        this.leases = leases;
        this.log = log;
        this.jobs = jobs;
    }

    @GetMapping
    @Operation(summary = "The leased jobs (one replica at a time runs each), with their interval and latest run; and "
            + "the name of the replica that answered")
    public Map<String, Object> list() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("instance", leases.instance());
        body.put("items", jobs.stream().map(job -> {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("name", job.name());
            json.put("enabled", job.enabled());
            json.put("every", job.every().toString());
            List<Map<String, Object>> last = log.recent(job.name(), 1);
            json.put("lastRun", last.isEmpty() ? null : last.get(0));
            return json;
        }).toList());
        return body;
    }

    @GetMapping("/{name}/runs")
    @Operation(summary = "A job's runs, newest first: which replica ran it, when, and the outcome")
    public Map<String, Object> runs(@PathVariable String name, @RequestParam(defaultValue = "100") String limit) {
        if (jobs.stream().noneMatch(job -> job.name().equals(name))) {
            throw new RecordException.NotFound("Job");
        }
        int n;
        try {
            n = Integer.parseInt(limit);
        } catch (NumberFormatException e) {
            n = -1;
        }
        if (n < 1 || n > MAX_RUNS) {
            throw new RecordException.Invalid("limit", "must be a whole number from 1 to " + MAX_RUNS);
        }
        return Map.of("items", log.recent(name, n));
    }
}
