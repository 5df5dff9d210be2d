package io.crm.imports;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import com.mongodb.client.model.Filters;
import io.crm.security.Role;
import io.crm.support.ApiTest;
import io.crm.support.Http;
import io.crm.support.Multipart;
import io.crm.support.RecordedCommands;
import org.bson.BsonDocument;
import org.bson.Document;
import org.awaitility.Awaitility;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** CSV import over real HTTP: preview, the background run and its progress, duplicates, errors.csv, limits. */
class ImportApiTest extends ApiTest {

    static final String BOUNDARY = Multipart.BOUNDARY;

    static Http.Response upload(Http client, String path, Map<String, String> fields, String csv) {
        return Multipart.post(client, path, fields, "people.csv", csv);
    }

    static Map<String, String> fields(String... namesAndValues) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (int i = 0; i + 1 < namesAndValues.length; i += 2) {
            fields.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return fields;
    }

    /** Starts an import (202) and waits until it is done; returns the final status. */
    JsonNode importAndWait(String entity, String mapping, String policy, String csv) {
        Http.Response started = upload(http, "/api/v1/imports",
                fields("entity", entity, "mapping", mapping, "onDuplicate", policy), csv);
        assertThat(started.status()).as(started.body()).isEqualTo(202);
        return waitDone(started.json().get("id").asString());
    }

    JsonNode waitDone(String id) {
        return awaitFinished(http, id, status -> { });
    }

    /**
     * Polls the import's status until it is no longer running (at most two minutes: the runner is a background
     * thread); every status read is also given to {@code seen}. Returns the final status.
     */
    static JsonNode awaitFinished(Http client, String id, Consumer<JsonNode> seen) {
        return Awaitility.await("import " + id + " finishing").atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(20)).pollInSameThread()
                .until(() -> {
                    JsonNode status = client.get("/api/v1/imports/" + id).json();
                    seen.accept(status);
                    return status;
                }, status -> !status.get("status").asString().equals("running"));
    }

    List<String> errorLines(JsonNode status) {
        Http.Response errors = http.get(status.get("errorsUrl").asString());
        assertThat(errors.status()).isEqualTo(200);
        assertThat(errors.contentType()).startsWith("text/csv");
        return Arrays.asList(errors.body().split("\r\n"));
    }

    private static final String CONTACT_MAPPING = """
            {"Full Name":"name","E-mail":"email","Phone":"phone","Tags":"tags","Company":null}""";

    @Test
    void previewShowsTheFirstRowsTheCountAndASuggestedMappingOfRealFields() {
        StringBuilder csv = new StringBuilder("\uFEFFFull Name,E-mail,Phone Number,Company,Job Title,Notes\r\n");
        for (int i = 1; i <= 7; i++) {
            csv.append("Person ").append(i).append(",p").append(i).append("@example.test,+1 555 010").append(i)
                    .append(",\"Acme, Inc.\",Buyer,\"said \"\"hi\"\"\"\r\n");
        }
        Http.Response preview = upload(http, "/api/v1/imports/preview", fields("entity", "contacts"), csv.toString());

        assertThat(preview.status()).as(preview.body()).isEqualTo(200);
        JsonNode body = preview.json();
        assertThat(body.get("entity").asString()).isEqualTo("contacts");
        assertThat(body.get("headers")).extracting(JsonNode::asString)
                .containsExactly("Full Name", "E-mail", "Phone Number", "Company", "Job Title", "Notes");
        assertThat(body.get("rows")).hasSize(5);
        assertThat(body.get("rows").get(0)).extracting(JsonNode::asString)
                .containsExactly("Person 1", "p1@example.test", "+1 555 0101", "Acme, Inc.", "Buyer", "said \"hi\"");
        assertThat(body.get("totalRows").asLong()).isEqualTo(7);
        assertThat(body.get("fields")).extracting(JsonNode::asString).contains("name", "email", "phone", "tags");
        Map<String, String> suggested = new LinkedHashMap<>();
        body.get("suggestedMapping").properties().forEach(e -> suggested.put(e.getKey(), e.getValue().asString()));
        // "Company" is no contact field (companyId wants a record id), so nothing is suggested for it
        assertThat(suggested).containsExactly(Map.entry("Full Name", "name"), Map.entry("E-mail", "email"),
                Map.entry("Phone Number", "phone"), Map.entry("Job Title", "title"));

        Http.Response companies = upload(http, "/api/v1/imports/preview", fields("entity", "companies"),
                "Company,Domain,City,Country,Email Address\nAcme,acme.test,Berlin,DE,x@acme.test\n");
        assertThat(companies.status()).isEqualTo(200);
        assertThat(companies.json().get("suggestedMapping").toString())
                .isEqualTo("{\"Company\":\"name\",\"Domain\":\"domain\",\"City\":\"address.city\","
                        + "\"Country\":\"address.country\"}");
    }

    @Test
    void customPropertiesAreColumnsSuggestedByNameOrLabelAndConvertedByType() {
        assertThat(http.post("/api/v1/properties/contacts", Map.of("name", "region", "label", "Sales region",
                "type", "select", "options", List.of(Map.of("value", "emea"), Map.of("value", "apac")))).status())
                .isEqualTo(201);
        assertThat(http.post("/api/v1/properties/contacts", Map.of("name", "partner", "type", "boolean")).status())
                .isEqualTo(201);
        assertThat(http.post("/api/v1/properties/contacts", Map.of("name", "seats", "type", "number")).status())
                .isEqualTo(201);
        assertThat(http.post("/api/v1/properties/contacts", Map.of("name", "products", "type", "multiselect",
                "options", List.of(Map.of("value", "crm"), Map.of("value", "erp")))).status()).isEqualTo(201);
        String csv = "Name,Sales Region,Partner,custom.seats,Products\r\nAnn,emea,yes,12,crm;erp\r\n"
                + "Bob,mars,no,x,crm\r\n";
        JsonNode preview = upload(http, "/api/v1/imports/preview", fields("entity", "contacts"), csv).json();
        assertThat(preview.get("fields")).extracting(JsonNode::asString).contains("custom.region", "custom.partner");
        assertThat(preview.get("suggestedMapping").toString()).isEqualTo("{\"Name\":\"name\","
                + "\"Sales Region\":\"custom.region\",\"Partner\":\"custom.partner\","
                + "\"custom.seats\":\"custom.seats\",\"Products\":\"custom.products\"}");
        JsonNode done = importAndWait("contacts", "", "skip", csv);
        assertThat(done.get("created").asInt()).isEqualTo(1);
        assertThat(done.get("failed").asInt()).isEqualTo(1);
        // the second row's errors are the property rules', by field
        assertThat(errorLines(done)).anyMatch(line -> line.startsWith("2,custom.region,"))
                .anyMatch(line -> line.startsWith("2,custom.seats,"));
        JsonNode ann = http.post("/api/v1/contacts/search", Map.of("query", "Ann")).json().get("items").get(0);
        assertThat(ann.get("custom").toString()).contains("\"region\":\"emea\"", "\"partner\":true",
                "\"seats\":12", "\"products\":[\"crm\",\"erp\"]");
    }

    @Test
    void aCleanImportCreatesEveryRowAuditedAsTheUserWhoStartedIt() {
        String csv = """
                Full Name,E-mail,Phone,Tags,Company
                Ann Lee,ann@example.test,+1 555 0100,vip;Lead,Acme
                Bob Roe,BOB@example.test,,,Globex
                "Lee, Cy","cy@example.test","","a, b",
                """;
        Http.Response started = upload(http, "/api/v1/imports",
                fields("entity", "contacts", "mapping", CONTACT_MAPPING), csv);

        assertThat(started.status()).as(started.body()).isEqualTo(202);
        String id = started.json().get("id").asString();
        assertThat(started.header("Location")).contains("/api/v1/imports/" + id);
        assertThat(started.json().get("status").asString()).isEqualTo("running");
        assertThat(started.json().get("onDuplicate").asString()).isEqualTo("skip");
        assertThat(started.json().get("errorsUrl").asString()).isEqualTo("/api/v1/imports/" + id + "/errors.csv");
        JsonNode done = waitDone(id);
        assertThat(done.get("status").asString()).isEqualTo("done");
        assertThat(done.get("fileName").asString()).isEqualTo("people.csv");
        assertThat(done.get("entity").asString()).isEqualTo("contacts");
        assertThat(done.get("totalRows").asLong()).isEqualTo(3);
        assertThat(done.get("processedRows").asLong()).isEqualTo(3);
        assertThat(done.get("created").asLong()).isEqualTo(3);
        assertThat(done.get("failed").asLong()).isZero();
        assertThat(done.get("createdBy").asString()).isEqualTo(admin.getObjectId("_id").toHexString());
        assertThat(done.get("finishedAt").isNull()).isFalse();
        assertThat(errorLines(done)).containsExactly("row,field,message");

        JsonNode items = http.get("/api/v1/contacts?sort=name").json().get("items");
        assertThat(items).extracting(i -> i.get("name").asString()).containsExactly("Ann Lee", "Bob Roe", "Lee, Cy");
        assertThat(items.get(0).get("tags")).extracting(JsonNode::asString).containsExactly("vip", "lead");
        assertThat(items.get(0).get("phone").asString()).isEqualTo("+1 555 0100");
        assertThat(items.get(1).get("phone").isNull()).isTrue();
        assertThat(items.get(2).get("tags")).extracting(JsonNode::asString).containsExactly("a", "b");
        assertThat(items).allSatisfy(i -> assertThat(i.get("createdBy").asString())
                .isEqualTo(admin.getObjectId("_id").toHexString()));

        // the audit promise: every imported record has its applied create event, made by the importing user
        List<String> ids = new ArrayList<>();
        items.forEach(i -> ids.add(i.get("id").asString()));
        relayed();
        List<Document> events = mongo.getCollection("audit_events").find(Filters.in("entityId", ids))
                .into(new ArrayList<>());
        assertThat(events).hasSize(3).allSatisfy(e -> {
            assertThat(e.getString("action")).isEqualTo("create");
            assertThat(e.getString("entityType")).isEqualTo("contact");
            assertThat(e.getString("state")).isEqualTo("applied");
            assertThat(e.getString("actorId")).isEqualTo(admin.getObjectId("_id").toHexString());
        });
        assertThat(events.stream().map(e -> e.getString("entityId")).collect(Collectors.toSet()))
                .containsExactlyInAnyOrderElementsOf(ids);
    }

    @Test
    void invalidRowsAndInFileDuplicatesBecomeErrorsWithTheApisMessages() {
        String csv = """
                Full Name,E-mail,Phone,Tags
                Ann Lee,ann@example.test,,
                Bad Mail,not-an-email,,
                ,nameless@example.test,+1 (555) 0101,
                Ann Again,ANN@example.test,,
                "Multi
                Line",multi@example.test,,
                Two Errors,also-bad,phone?!,
                Too Many,cells@example.test,,,extra
                """;
        JsonNode done = importAndWait("contacts", CONTACT_MAPPING, "skip", csv);

        assertThat(done.get("status").asString()).isEqualTo("done");
        assertThat(done.get("totalRows").asLong()).isEqualTo(7);
        assertThat(done.get("processedRows").asLong()).isEqualTo(7);
        assertThat(done.get("created").asLong()).isEqualTo(2);
        assertThat(done.get("failed").asLong()).isEqualTo(5);
        assertThat(done.get("skipped").asLong()).isZero();
        assertThat(errorLines(done)).containsExactly(
                "row,field,message",
                "2,email,must be a valid email address",
                "3,name,is required",
                "4,email,has the same email as row 1 of this file",
                "6,email,must be a valid email address",
                "6,phone,\"must be a phone number (digits, spaces and + ( ) - . only, at most 50)\"",
                "7,,has 5 cells but the header row has 4");
        assertThat(http.get("/api/v1/contacts?sort=name").json().get("items"))
                .extracting(i -> i.get("name").asString()).containsExactly("Ann Lee", "Multi\nLine");
    }

    @Test
    void contactDuplicatesAreSkippedUpdatedOrRefusedByEmail() {
        String ann = create("/api/v1/contacts", Map.of("name", "Ann", "email", "Ann@Example.test",
                "attributes", Map.of("source", "web")));
        String mapping = """
                {"Name":"name","Email":"email","Phone":"phone","Source":"attributes.region"}""";
        String csv = "Name,Email,Phone,Source\nAnn Lee,ann@example.test,+1 555 0100,emea\n"
                + "Nia New,nia@example.test,,\n";

        JsonNode skip = importAndWait("contacts", mapping, "skip", csv);
        assertThat(List.of(skip.get("created").asLong(), skip.get("updated").asLong(), skip.get("skipped").asLong(),
                skip.get("failed").asLong())).containsExactly(1L, 0L, 1L, 0L);
        JsonNode unchanged = http.get("/api/v1/contacts/" + ann).json();
        assertThat(unchanged.get("name").asString()).isEqualTo("Ann");
        assertThat(unchanged.get("version").asLong()).isEqualTo(1);

        // update merges the row's non-empty values through the normal update: attributes merge, phone is set
        JsonNode update = importAndWait("contacts", mapping, "update",
                "Name,Email,Phone,Source\n,ANN@example.test,+1 555 0100,emea\nBad,nia@example.test,call me,\n");
        assertThat(List.of(update.get("created").asLong(), update.get("updated").asLong(),
                update.get("skipped").asLong(), update.get("failed").asLong())).containsExactly(0L, 1L, 0L, 1L);
        assertThat(errorLines(update)).containsExactly("row,field,message",
                "2,phone,\"must be a phone number (digits, spaces and + ( ) - . only, at most 50)\"");
        JsonNode updated = http.get("/api/v1/contacts/" + ann).json();
        assertThat(updated.get("name").asString()).isEqualTo("Ann");
        assertThat(updated.get("phone").asString()).isEqualTo("+1 555 0100");
        assertThat(updated.get("attributes").toString()).isEqualTo("{\"source\":\"web\",\"region\":\"emea\"}");
        assertThat(updated.get("version").asLong()).isEqualTo(2);
        relayed();
        assertThat(mongo.getCollection("audit_events").countDocuments(Filters.and(Filters.eq("entityId", ann),
                Filters.eq("action", "update"), Filters.eq("state", "applied")))).isEqualTo(1);

        // create: the email is unique among live contacts, so the row is an error with the API's message
        JsonNode createAnyway = importAndWait("contacts", mapping, "create",
                "Name,Email,Phone,Source\nAnn Two,ann@example.test,,\nZed,zed@example.test,,\n");
        assertThat(List.of(createAnyway.get("created").asLong(), createAnyway.get("updated").asLong(),
                createAnyway.get("skipped").asLong(), createAnyway.get("failed").asLong()))
                .containsExactly(1L, 0L, 0L, 1L);
        assertThat(errorLines(createAnyway)).containsExactly("row,field,message",
                "1,email,A contact with this email already exists");
        // the refused row left no audit event behind, the created one has its event
        relayed();
        assertThat(mongo.getCollection("audit_events").countDocuments(Filters.and(Filters.eq("action", "create"),
                Filters.eq("entityType", "contact")))).isEqualTo(mongo.getCollection("persons").countDocuments());
        relayed();
        assertThat(mongo.getCollection("audit_events").countDocuments(Filters.eq("state", "pending"))).isZero();
    }

    @Test
    void companyDuplicatesAreMatchedByDomain() {
        String acme = create("/api/v1/companies", Map.of("name", "Acme", "domain", "acme.test",
                "address", Map.of("street", "1 Main St")));
        String mapping = """
                {"Company":"name","Domain":"domain","City":"address.city","Tags":"tags"}""";
        String csv = "Company,Domain,City,Tags\nAcme Corp,ACME.test,Berlin,b2b\nGlobex,globex.test,,\n";

        JsonNode skip = importAndWait("companies", mapping, "skip", csv);
        assertThat(List.of(skip.get("created").asLong(), skip.get("skipped").asLong())).containsExactly(1L, 1L);
        assertThat(http.get("/api/v1/companies/" + acme).json().get("name").asString()).isEqualTo("Acme");

        JsonNode update = importAndWait("companies", mapping, "update", csv);
        assertThat(List.of(update.get("created").asLong(), update.get("updated").asLong(),
                update.get("failed").asLong())).containsExactly(0L, 2L, 0L);
        JsonNode company = http.get("/api/v1/companies/" + acme).json();
        assertThat(company.get("name").asString()).isEqualTo("Acme Corp");
        assertThat(company.get("address").toString()).isEqualTo("{\"street\":\"1 Main St\",\"city\":\"Berlin\"}");
        assertThat(company.get("tags")).extracting(JsonNode::asString).containsExactly("b2b");

        JsonNode create = importAndWait("companies", mapping, "create",
                "Company,Domain,City,Tags\nAcme Again,acme.test,,\nNo Domain Inc,,,\n");
        assertThat(List.of(create.get("created").asLong(), create.get("failed").asLong())).containsExactly(1L, 1L);
        assertThat(errorLines(create)).containsExactly("row,field,message",
                "1,domain,A company with this domain already exists");
        assertThat(http.get("/api/v1/companies?domain=acme.test").json().get("items")).hasSize(1);
    }

    @Test
    void aLargeImportReportsRealProgressAfterEveryBatch() {
        int n = 10_000;
        StringBuilder csv = new StringBuilder("name,email,title\n");
        for (int i = 0; i < n; i++) {
            csv.append("Person ").append(i).append(",person").append(i).append("@bulk.test,")
                    .append(i % 1000 == 999 ? "" : "Buyer").append('\n');
        }
        // row 5000 repeats row 1's email (an in-file duplicate)
        csv.append("Dup,person0@bulk.test,\n");
        RecordedCommands.startCapture();
        Http.Response started = upload(http, "/api/v1/imports", fields("entity", "contacts"), csv.toString());
        assertThat(started.status()).as(started.body()).isEqualTo(202);
        assertThat(started.json().get("totalRows").asLong()).isEqualTo(n + 1);
        String id = started.json().get("id").asString();

        List<Long> seen = new ArrayList<>();
        JsonNode status = awaitFinished(http, id, read -> seen.add(read.get("processedRows").asLong()));
        List<BsonDocument> commands = RecordedCommands.stopCapture();

        assertThat(status.get("status").asString()).isEqualTo("done");
        assertThat(seen).isSorted();
        assertThat(seen.get(seen.size() - 1)).isEqualTo(n + 1);
        assertThat(List.of(status.get("created").asLong(), status.get("failed").asLong(),
                status.get("skipped").asLong())).containsExactly((long) n, 1L, 0L);
        // progress is persisted after every batch of 500: one status update per batch, counts rising
        List<Long> persisted = commands.stream()
                .filter(c -> c.getFirstKey().equals("update") && c.getString("update").getValue().equals("imports"))
                .map(c -> c.getArray("updates").get(0).asDocument().getDocument("u").getDocument("$set"))
                .filter(set -> !set.containsKey("status"))
                .map(set -> set.getNumber("processedRows").longValue()).toList();
        assertThat(persisted).hasSize(21).isSorted().startsWith(500L, 1000L).endsWith((long) n + 1);
        assertThat(mongo.getCollection("persons").countDocuments()).isEqualTo(n);
        relayed();
        assertThat(mongo.getCollection("audit_events").countDocuments(Filters.and(Filters.eq("action", "create"),
                Filters.eq("state", "applied"), Filters.eq("entityType", "contact")))).isEqualTo(n);
        assertThat(errorLines(status)).containsExactly("row,field,message",
                "10001,email,has the same email as row 1 of this file");
    }

    @Test
    void aViewerMayNotImportAndOnlyTheCreatorAndAdminsSeeAnImport() {
        Http viewer = as(Role.VIEWER);
        String csv = "name\nAnn\n";
        assertThat(upload(viewer, "/api/v1/imports", fields("entity", "contacts"), csv).status()).isEqualTo(403);
        assertThat(upload(viewer, "/api/v1/imports/preview", fields("entity", "contacts"), csv).status())
                .isEqualTo(403);
        assertThat(upload(http.anonymous(), "/api/v1/imports", fields("entity", "contacts"), csv).status())
                .isEqualTo(401);
        Http member = as(Role.MEMBER);
        Http.Response started = upload(member, "/api/v1/imports", fields("entity", "contacts"), csv);
        assertThat(started.status()).isEqualTo(202);
        String id = started.json().get("id").asString();
        waitDone(id);
        // an import (file name, the rows in error) is its creator's: others get the 404 of an unknown id
        assertThat(member.get("/api/v1/imports/" + id).status()).isEqualTo(200);
        assertThat(member.get("/api/v1/imports/" + id + "/errors.csv").status()).isEqualTo(200);
        assertThat(http.get("/api/v1/imports/" + id).status()).isEqualTo(200);
        assertThat(http.get("/api/v1/imports/" + id + "/errors.csv").status()).isEqualTo(200);
        for (Http other : List.of(viewer, as(Role.MEMBER))) {
            Http.Response status = other.get("/api/v1/imports/" + id);
            assertThat(status.status()).isEqualTo(404);
            assertThat(status.body()).isEqualTo(other.get("/api/v1/imports/" + new ObjectId()).body()
                    .replaceAll("/api/v1/imports/[0-9a-f]{24}", "/api/v1/imports/" + id));
            Http.Response errors = other.get("/api/v1/imports/" + id + "/errors.csv");
            assertThat(errors.status()).isEqualTo(404);
            assertThat(errors.body()).doesNotContain("row,field,message");
        }
        assertThat(mongo.getCollection("persons").countDocuments()).isEqualTo(1);
    }

    @Test
    void badInputsAreClearClientErrors() {
        String csv = "name,email\nAnn,ann@example.test\n";
        // not multipart
        Http.Response json = http.post("/api/v1/imports", Map.of("entity", "contacts"));
        assertThat(json.status()).isEqualTo(415);
        assertThat(json.contentType()).startsWith("application/problem+json");
        assertProblem(upload(http, "/api/v1/imports", fields("entity", "contacts"), null), 400, "file");
        assertProblem(upload(http, "/api/v1/imports", fields("entity", "people"), csv), 400, "contacts or companies");
        assertProblem(upload(http, "/api/v1/imports", fields(), csv), 400, "entity");
        assertProblem(upload(http, "/api/v1/imports", fields("entity", "contacts", "mapping",
                "{\"name\":\"fullName\"}"), csv), 400, "not a field of contacts");
        assertProblem(upload(http, "/api/v1/imports", fields("entity", "contacts", "mapping",
                "{\"Nope\":\"name\"}"), csv), 400, "header row does not have");
        assertProblem(upload(http, "/api/v1/imports", fields("entity", "contacts", "mapping",
                "{\"name\":\"name\",\"email\":\"name\"}"), csv), 400, "maps both");
        assertProblem(upload(http, "/api/v1/imports", fields("entity", "contacts", "mapping", "[1,2"), csv), 400,
                "JSON object");
        assertProblem(upload(http, "/api/v1/imports", fields("entity", "contacts", "onDuplicate", "merge"), csv),
                400, "skip, update, create");
        assertProblem(upload(http, "/api/v1/imports", fields("entity", "contacts"),
                "name,email\nAnn,\"ann@example.test\n"), 400, "Line 2: a quoted cell is never closed");
        assertProblem(upload(http, "/api/v1/imports/preview", fields("entity", "contacts"),
                "name,email\n\"Ann\"x,a@b.test\n"), 400, "Line 2: unexpected text after a closing quote");
        assertProblem(upload(http, "/api/v1/imports", fields("entity", "contacts"), ""), 400, "empty");
        assertProblem(upload(http, "/api/v1/imports", fields("entity", "contacts"), "name,email\n"), 400,
                "no data rows");
        assertProblem(upload(http, "/api/v1/imports", fields("entity", "contacts"), "name,name\nA,B\n"), 400,
                "twice");
        assertProblem(upload(http, "/api/v1/imports/preview", fields("entity", "contacts"),
                "c,".repeat(200) + "c\n"), 400, "more than 200 columns");
        assertProblem(http.get("/api/v1/imports/0123456789abcdef01234567"), 404, "Import not found");
        assertProblem(http.get("/api/v1/imports/nope/errors.csv"), 404, "Import not found");
        assertThat(mongo.getCollection("imports").countDocuments()).isZero();
    }

    @Test
    void aFileThatIsNotUtf8IsRefused() throws Exception {
        byte[] head = ("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"entity\"\r\n\r\ncontacts\r\n--"
                + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"latin1.csv\"\r\n"
                + "Content-Type: text/csv\r\n\r\nname\r\nJos").getBytes(StandardCharsets.US_ASCII);
        byte[] tail = ("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] body = new byte[head.length + 2 + tail.length];
        System.arraycopy(head, 0, body, 0, head.length);
        body[head.length] = (byte) 0xE9; // é in ISO-8859-1, malformed in UTF-8
        body[head.length + 1] = '\n';
        System.arraycopy(tail, 0, body, head.length + 2, tail.length);
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(http.base() + "/api/v1/imports/preview"))
                .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
                .header("Authorization", "Bearer " + token(admin))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("not UTF-8");
    }

    private static void assertProblem(Http.Response response, int status, String text) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.body()).contains(text);
    }
}
