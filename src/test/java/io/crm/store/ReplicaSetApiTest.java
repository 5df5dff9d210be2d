package io.crm.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.crm.activity.ActivitySchema;
import io.crm.contact.ContactSchema;
import io.crm.deal.DealSchema;
import io.crm.events.EventRelay;
import io.crm.support.Http;
import io.crm.support.Multipart;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The service on a replica set ({@link ReplicaSetLookalike}): detected at start-up, shown in /ready, and a merge's and
 * an import batch's writes sent in one transaction each. The lookalike does not isolate or roll back (beyond
 * inserts), so that nothing of a failed merge stays is MongoDB's part, exercised against a real replica set only.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"management.server.port=0", "logging.structured.format.console=", "crm.security.enabled=false"})
@ExtendWith(OutputCaptureExtension.class)
class ReplicaSetApiTest {

    private static final ReplicaSetLookalike REPLICA_SET = new ReplicaSetLookalike();
    private static final Set<String> WRITES = Set.of("insert", "update", "delete", "findAndModify");
    private static final Set<String> RECORDS = Set.of(ContactSchema.COLLECTION, ActivitySchema.COLLECTION,
            DealSchema.COLLECTION);

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(REPLICA_SET::stop));
    }

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        registry.add("crm.mongodb.uri", () -> REPLICA_SET.uri("crm_rs"));
    }

    @LocalServerPort
    int port;

    @Autowired
    EventRelay relay;

    Http http;

    @BeforeEach
    void client() {
        http = new Http("http://127.0.0.1:" + port);
    }

    private String create(String path, Map<String, ?> body) {
        Http.Response response = http.post(path, body);
        assertThat(response.status()).as(response.body()).isEqualTo(201);
        return response.json().get("id").asString();
    }

    /** The commands sent from now on, once the events of the writes so far have been relayed. */
    private void quiet() {
        relay.drain(Duration.ofSeconds(20));
        REPLICA_SET.clearReceived();
    }

    @Test
    void theReplicaSetIsDetectedAtStartUpAndShownInReady(CapturedOutput output) {
        Http.Response ready = http.get("/ready");
        assertThat(ready.status()).isEqualTo(200);
        JsonNode store = ready.json().get("store");
        assertThat(store.get("topology").asString()).isEqualTo("replicaSet");
        assertThat(store.get("setName").asString()).isEqualTo("rs0");
        assertThat(store.get("transactions").asBoolean()).isTrue();
        assertThat(output.getAll()).contains("(replicaSet=rs0)")
                .contains("Store capabilities: {topology=replicaSet, setName=rs0, transactions=true}");
    }

    @Test
    void aMergeWritesEverythingInOneTransaction() {
        String kept = create("/api/v1/contacts", Map.of("name", "Dana", "phone", "+44 20 7946 0000"));
        String dup = create("/api/v1/contacts", Map.of("name", "dana", "email", "dana@example.com"));
        String note = create("/api/v1/activities", Map.of("type", "note", "subject", "Met", "contactId", dup));
        String deal = create("/api/v1/deals", Map.of("title", "Deal", "contactIds", List.of(dup)));
        int commits = REPLICA_SET.commits();
        quiet();

        Http.Response merged = http.post("/api/v1/contacts/" + kept + "/merge", Map.of("duplicateId", dup));
        assertThat(merged.status()).as(merged.body()).isEqualTo(200);
        assertThat(merged.json().get("email").asString()).isEqualTo("dana@example.com");
        assertThat(REPLICA_SET.commits()).isEqualTo(commits + 1);

        List<ReplicaSetLookalike.Received> received = REPLICA_SET.received();
        int commit = received.stream().map(ReplicaSetLookalike.Received::name).toList()
                .indexOf("commitTransaction");
        List<ReplicaSetLookalike.Received> merge = received.subList(0, commit).stream()
                .filter(r -> WRITES.contains(r.name()) && RECORDS.contains(r.collection())).toList();
        // the activity, the deal, the duplicate archived, the kept contact filled, then marked merged
        assertThat(merge).extracting(ReplicaSetLookalike.Received::collection)
                .containsExactly(ActivitySchema.COLLECTION, DealSchema.COLLECTION, ContactSchema.COLLECTION,
                        ContactSchema.COLLECTION, ContactSchema.COLLECTION);
        assertThat(merge).allMatch(ReplicaSetLookalike.Received::inTransaction);
        assertThat(http.get("/api/v1/activities/" + note).json().get("contactId").asString()).isEqualTo(kept);
        assertThat(http.get("/api/v1/deals/" + deal).json().get("contactIds").get(0).asString()).isEqualTo(kept);
    }

    @Test
    void aMergeWhoseCommitFailsIsA503ProblemSaysNothingWasStored() {
        String kept = create("/api/v1/contacts", Map.of("name", "Eve"));
        String dup = create("/api/v1/contacts", Map.of("name", "eve", "email", "eve@example.com"));
        REPLICA_SET.failCommits(1, List.of());

        Http.Response merged = http.post("/api/v1/contacts/" + kept + "/merge", Map.of("duplicateId", dup));
        assertThat(merged.status()).isEqualTo(503);
        assertThat(merged.contentType()).startsWith("application/problem+json");
        assertThat(merged.header("Retry-After")).contains("5");
        assertThat(merged.json().get("detail").asString()).contains("nothing of it was stored");
        assertThat(merged.body()).doesNotContain("Exception").doesNotContain("NoSuchTransaction");
    }

    private Http.Response upload(String mapping, String csv) {
        Map<String, String> fields = new java.util.LinkedHashMap<>();
        fields.put("entity", "contacts");
        fields.put("mapping", mapping);
        fields.put("onDuplicate", "create");
        return Multipart.post(http, "/api/v1/imports", fields, "p.csv", csv);
    }

    private JsonNode importAndWait(String mapping, String csv) {
        Http.Response started = upload(mapping, csv);
        assertThat(started.status()).as(started.body()).isEqualTo(202);
        String id = started.json().get("id").asString();
        return Awaitility.await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(20))
                .until(() -> http.get("/api/v1/imports/" + id).json(),
                        status -> !status.get("status").asString().equals("running"));
    }

    @Test
    void anImportBatchIsOneTransaction() {
        quiet();
        JsonNode done = importAndWait("{\"Name\":\"name\",\"Email\":\"email\"}",
                "Name,Email\r\nAnn,ann@rs.test\r\nBob,bob@rs.test\r\n");
        assertThat(done.get("status").asString()).isEqualTo("done");
        assertThat(done.get("created").asLong()).isEqualTo(2);

        List<ReplicaSetLookalike.Received> all = REPLICA_SET.received();
        // up to the batch's commit: after it the relay writes (removes the relayed events), as after any write
        List<ReplicaSetLookalike.Received> received = all.subList(0,
                all.stream().map(ReplicaSetLookalike.Received::name).toList().lastIndexOf("commitTransaction"));
        assertThat(received).filteredOn(r -> WRITES.contains(r.name())
                        && ContactSchema.COLLECTION.equals(r.collection()))
                .isNotEmpty().allMatch(ReplicaSetLookalike.Received::inTransaction);
        // the batch's progress is written in the batch's transaction (the start and the end are not)
        assertThat(received).filteredOn(r -> r.name().equals("update") && "imports".equals(r.collection()))
                .anyMatch(ReplicaSetLookalike.Received::inTransaction);
    }

    @Test
    void aBatchWithARowTheStoreRefusesIsWrittenStepByStep() {
        quiet();
        // the same externalId twice: only the insert finds that out, which aborts the batch's transaction
        JsonNode done = importAndWait("{\"Name\":\"name\",\"Email\":\"email\",\"Ext\":\"externalId\"}",
                "Name,Email,Ext\r\nCid,cid@rs.test,X-1\r\nDee,dee@rs.test,X-1\r\nFay,fay@rs.test,X-2\r\n");
        assertThat(done.get("status").asString()).isEqualTo("done");
        assertThat(done.get("created").asLong()).isEqualTo(2);
        assertThat(done.get("failed").asLong()).isEqualTo(1);
        assertThat(http.get("/api/v1/contacts?q=cid").json().get("items")).hasSize(1);
        assertThat(http.get("/api/v1/contacts?q=fay").json().get("items")).hasSize(1);
        assertThat(http.get("/api/v1/contacts?q=dee").json().get("items")).isEmpty();
        assertThat(REPLICA_SET.received()).extracting(ReplicaSetLookalike.Received::name)
                .contains("abortTransaction");
    }

    @Test
    void aBatchWhoseCommitFailsStopsTheImportSayingSo() {
        REPLICA_SET.failCommits(1, List.of());
        JsonNode done = importAndWait("{\"Name\":\"name\",\"Email\":\"email\"}",
                "Name,Email\r\nGil,gil@rs.test\r\n");
        assertThat(done.get("status").asString()).isEqualTo("failed");
        assertThat(done.get("processedRows").asLong()).isZero();
        assertThat(done.get("error").asString()).isEqualTo("The import stopped after 0 rows: the database did not "
                + "commit the next batch (nothing of it was stored)");
    }
}
