package io.crm.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Date;
import java.util.List;

import tools.jackson.databind.JsonNode;
import com.mongodb.client.model.Filters;
import io.crm.security.Role;
import io.crm.store.CollectionIndexes;
import io.crm.support.ApiTest;
import io.crm.support.Http;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

/** The leased jobs of the service: what they do, their log through the admin API, and who may read it. */
class JobsApiTest extends ApiTest {

    @Autowired
    JobLeases leases;

    @Autowired
    List<LeasedJob> jobs;

    @Autowired
    List<CollectionIndexes> declared;

    private LeasedJob job(String name) {
        return jobs.stream().filter(j -> j.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void theJobListNamesEveryJobItsIntervalAndTheAnsweringReplica() {
        Http.Response list = http.get("/api/v1/admin/jobs");

        assertThat(list.status()).as(list.toString()).isEqualTo(200);
        assertThat(list.json().get("instance").asText()).isEqualTo(leases.instance());
        assertThat(list.json().get("items").valueStream().map(item -> item.get("name").asText()))
                .contains("feed-retention", "expired-documents", "stale-imports", "task-reminders", "inbound-imap");
        JsonNode expiry = item(list.json(), "expired-documents");
        assertThat(expiry.get("enabled").asBoolean()).isTrue();
        assertThat(expiry.get("every").asText()).isEqualTo("PT24H"); // ApiTest sets 1d
        // mail is off in this context: the reminders job is not scheduled
        assertThat(item(list.json(), "task-reminders").get("enabled").asBoolean()).isFalse();
    }

    private static JsonNode item(JsonNode list, String name) {
        for (JsonNode item : list.get("items")) {
            if (item.get("name").asText().equals(name)) {
                return item;
            }
        }
        throw new AssertionError("no job " + name + " in " + list);
    }

    @Test
    void expiredDocumentsGoAsEveryDeclaredTtlIndexSays() {
        List<ExpiredDocuments.Ttl> ttls = ExpiredDocuments.ttls(declared);
        assertThat(ttls).extracting(ExpiredDocuments.Ttl::collection)
                .contains("notifications", "job_runs", "mail_outbox");
        Date past = Date.from(clock.instant().minusSeconds(1));
        Date future = Date.from(clock.instant().plus(Duration.ofDays(1)));
        for (ExpiredDocuments.Ttl ttl : ttls) {
            mongo.getCollection(ttl.collection()).insertOne(probe(ttl.collection()).append(ttl.field(), past)
                    .append("probe", "old"));
            mongo.getCollection(ttl.collection()).insertOne(probe(ttl.collection()).append(ttl.field(), future)
                    .append("probe", "young"));
        }

        assertThat(leases.runNow(job("expired-documents"))).isTrue();

        for (ExpiredDocuments.Ttl ttl : ttls) {
            assertThat(mongo.getCollection(ttl.collection()).countDocuments(Filters.eq("probe", "old")))
                    .as(ttl.collection()).isZero();
            assertThat(mongo.getCollection(ttl.collection()).countDocuments(Filters.eq("probe", "young")))
                    .as(ttl.collection()).isEqualTo(1);
        }
        JsonNode run = http.get("/api/v1/admin/jobs/expired-documents/runs").json().get("items").get(0);
        assertThat(run.get("instance").asText()).isEqualTo(leases.instance());
        assertThat(run.get("outcome").asText()).isEqualTo("ok");
        assertThat(run.get("detail").asText()).contains("notifications 1");
    }

    /** A document that no unique index of its collection refuses: each unique key gets a value of its own. */
    private Document probe(String collection) {
        Document probe = new Document("_id", new ObjectId());
        declared.stream().filter(c -> c.collection().equals(collection)).flatMap(c -> c.indexes().stream())
                .filter(index -> Boolean.TRUE.equals(index.getOptions().isUnique()))
                .flatMap(index -> index.getKeys().toBsonDocument().keySet().stream())
                .forEach(key -> probe.append(key, new ObjectId().toHexString()));
        return probe;
    }

    @Test
    void importsWhoseReplicaWentAwayAreMarkedFailedForEveryReader() {
        ObjectId stale = new ObjectId();
        ObjectId alive = new ObjectId();
        mongo.getCollection("imports").insertOne(new Document("_id", stale).append("status", "running")
                .append("heartbeatAt", Date.from(clock.instant().minus(Duration.ofMinutes(16)))));
        mongo.getCollection("imports").insertOne(new Document("_id", alive).append("status", "running")
                .append("heartbeatAt", Date.from(clock.instant().minus(Duration.ofMinutes(1)))));

        assertThat(leases.runNow(job("stale-imports"))).isTrue();

        Document failed = mongo.getCollection("imports").find(Filters.eq("_id", stale)).first();
        assertThat(failed.getString("status")).isEqualTo("failed");
        assertThat(failed.getString("error")).contains("went away");
        assertThat(failed.getDate("finishedAt")).isNotNull();
        assertThat(mongo.getCollection("imports").find(Filters.eq("_id", alive)).first().getString("status"))
                .isEqualTo("running");
        assertThat(http.get("/api/v1/admin/jobs/stale-imports/runs?limit=1").json().get("items").get(0)
                .get("detail").asText()).isEqualTo("marked 1 stale imports failed");
    }

    @Test
    void badRunQueriesAreClear4xx() {
        Http.Response unknown = http.get("/api/v1/admin/jobs/no-such-job/runs");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.contentType()).startsWith("application/problem+json");
        for (String limit : List.of("abc", "0", "1001", "-1")) {
            Http.Response bad = http.get("/api/v1/admin/jobs/feed-retention/runs?limit=" + limit);
            assertThat(bad.status()).as(limit).isEqualTo(400);
            assertThat(bad.body()).contains("limit");
        }
    }

    @Test
    void onlyAdminsSeeTheJobs() {
        assertThat(as(Role.MEMBER).get("/api/v1/admin/jobs").status()).isEqualTo(403);
        assertThat(http.anonymous().get("/api/v1/admin/jobs").status()).isEqualTo(401);
    }
}
