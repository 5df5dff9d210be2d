package io.crm.jobs;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;
import org.bson.Document;
import org.bson.types.ObjectId;

/**
 * The job log ({@code job_runs}): one document per run, written when it starts (so a run whose replica died shows as
 * started and never ended) and completed when it ends. Kept {@code crm.jobs.keep-runs}.
 */
public final class JobLog {

    static final String COLLECTION = "job_runs";

    private final MongoCollection<Document> runs;
    private final Clock clock;
    private final Duration keep;

    JobLog(MongoCollection<Document> runs, Clock clock, Duration keep) {
        this.runs = runs;
        this.clock = clock;
        this.keep = keep;
    }

    ObjectId started(String job, String instance) {
        Instant now = clock.instant();
        ObjectId id = new ObjectId();
        runs.insertOne(new Document("_id", id).append("job", job).append("instance", instance)
                .append("startedAt", Date.from(now)).append("endedAt", null).append("outcome", "running")
                .append("expireAt", Date.from(now.plus(keep))));
        return id;
    }

    void ended(ObjectId run, boolean ok, String detail) {
        runs.updateOne(Filters.eq("_id", run), Updates.combine(Updates.set("endedAt", Date.from(clock.instant())),
                Updates.set("outcome", ok ? "ok" : "failed"), Updates.set("detail", detail)));
    }

    /** A job's runs, newest first. */
    List<Map<String, Object>> recent(String job, int limit) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Document run : runs.find(Filters.eq("job", job)).sort(Sorts.descending("startedAt")).limit(limit)) {
            out.add(toJson(run));
        }
        return out;
    }

    static Map<String, Object> toJson(Document run) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("job", run.getString("job"));
        json.put("instance", run.getString("instance"));
        json.put("startedAt", instant(run.getDate("startedAt")));
        json.put("endedAt", instant(run.getDate("endedAt")));
        json.put("outcome", run.getString("outcome"));
        json.put("detail", run.getString("detail"));
        return json;
    }

    private static String instant(Date date) {
        return date == null ? null : date.toInstant().toString();
    }
}
