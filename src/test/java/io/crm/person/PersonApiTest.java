package io.crm.person;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.crm.CrmApplication;
import io.crm.support.ApiTest;
import io.crm.support.Http;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.info.BuildProperties;
import org.springframework.core.env.Environment;

/** The original service's API over real HTTP: every endpoint, its statuses and its exact shapes. */
class PersonApiTest extends ApiTest {

    @Autowired
    private Environment environment;

    @Autowired
    private ObjectProvider<BuildProperties> buildProperties;

    @Test
    void rootAndApiDescribeTheServiceAsJsonForJsonClientsAndRootIsTheUiForBrowsers() {
        String expectedVersion = LegacyRootController.version(buildProperties.getIfAvailable(),
                environment.getProperty("spring.application.version"),
                CrmApplication.class.getPackage().getImplementationVersion());
        // JSON (and any non-HTML) clients get the description, also without a token; a browser asking for HTML
        // at / gets the web UI instead (below), while /api stays JSON for everyone
        for (String[] request : new String[][] {{"/", "application/json"}, {"/", "*/*"},
                {"/api", "*/*"}, {"/api", "text/html"}}) {
            Http.Response root = http.get(request[0], "Accept", request[1]);
            assertThat(root.status()).as(request[0] + " " + request[1]).isEqualTo(200);
            assertThat(root.contentType()).startsWith("application/json");
            JsonNode json = root.json();
            assertThat(fieldNames(json)).containsExactly("service", "version", "endpoints");
            assertThat(json.get("service").asString()).isEqualTo("CRM REST API");
            assertThat(json.get("version").asString()).isEqualTo(expectedVersion).isNotBlank();
            assertThat(json.get("endpoints").get("list_persons").asString()).isEqualTo("GET /person");
            assertThat(json.get("endpoints").get("stats").asString()).isEqualTo("GET /stats");
        }
        Http.Response anonymousJson = http.anonymous().get("/", "Accept", "application/json");
        assertThat(anonymousJson.status()).isEqualTo(200);
        assertThat(anonymousJson.json().get("service").asString()).isEqualTo("CRM REST API");
        Http.Response anonymousBrowser = http.anonymous().get("/", "Accept", "text/html,application/xhtml+xml");
        assertThat(anonymousBrowser.status()).isEqualTo(302);
        assertThat(anonymousBrowser.header("Location").orElseThrow()).endsWith("/login");
        Http.Response signedInBrowser = http.get("/", "Accept", "text/html,application/xhtml+xml");
        assertThat(signedInBrowser.status()).isEqualTo(200);
        assertThat(signedInBrowser.contentType()).startsWith("text/html");
        assertThat(signedInBrowser.body()).contains("<title>Dashboard · CRM</title>");
        Http.Response post = http.post("/api", Map.of("a", 1));
        assertThat(post.status()).isEqualTo(405);
        assertThat(post.json().get("error").asString()).isEqualTo("Method not allowed");
        assertThat(post.header("Allow")).contains("GET, HEAD");
    }

    @Test
    void theOriginalEndToEndWalkWithExactShapes() {
        Http.Response empty = http.get("/person");
        assertThat(empty.status()).isEqualTo(200);
        assertThat(empty.body()).isEqualTo("[]");

        Http.Response created = http.post("/person/123",
                ordered("name", "John Doe", "email", "john@example.com", "phone", "555-1234"));
        assertThat(created.status()).isEqualTo(201);
        JsonNode body = created.json();
        assertThat(fieldNames(body)).containsExactly("message", "id", "person_id");
        assertThat(body.get("message").asString()).isEqualTo("Person added successfully");
        assertThat(ObjectId.isValid(body.get("id").asString())).isTrue();
        assertThat(body.get("person_id").asString()).isEqualTo("123");
        String id = body.get("id").asString();

        JsonNode list = http.get("/person").json();
        assertThat(list.isArray()).isTrue();
        assertThat(list).hasSize(1);
        assertThat(list.get(0)).isEqualTo(tree(ordered("_id", id, "name", "John Doe", "email", "john@example.com",
                "phone", "555-1234", "person_id", "123")));

        Http.Response john = http.get("/person/123");
        assertThat(john.status()).isEqualTo(200);
        assertThat(fieldNames(john.json())).containsExactly("_id", "name", "email", "phone", "person_id");
        assertThat(john.json()).isEqualTo(list.get(0));

        Http.Response updated = http.put("/person/123", Map.of("phone", "555-9999"));
        assertThat(updated.status()).isEqualTo(200);
        assertThat(updated.json()).isEqualTo(tree(ordered("message", "Person updated successfully",
                "person_id", "123", "modified_count", 1)));
        assertThat(http.get("/person/123").json().get("phone").asString()).isEqualTo("555-9999");

        Http.Response unchanged = http.put("/person/123", Map.of("phone", "555-9999"));
        assertThat(unchanged.status()).isEqualTo(200);
        assertThat(unchanged.json()).isEqualTo(tree(ordered("message", "No changes made", "person_id", "123")));

        assertThat(http.post("/person/456", Map.of("name", "Jane Roe", "email", "jane@example.com")).status())
                .isEqualTo(201);
        Http.Response deleted = http.delete("/person/456");
        assertThat(deleted.status()).isEqualTo(200);
        assertThat(deleted.json()).isEqualTo(tree(ordered("message", "Person deleted successfully",
                "person_id", "456")));

        assertNotFound(http.get("/person/456"));
        assertNotFound(http.delete("/person/456"));
        assertNotFound(http.put("/person/456", Map.of("name", "x")));
        // a real delete, as the original's: the document is gone, not archived
        assertThat(mongo.getCollection("persons").countDocuments()).isEqualTo(1);
    }

    @Test
    void customValuesSentToTheLegacyApiFollowThePropertyRulesAndStaySearchable() {
        assertThat(http.post("/api/v1/properties/contacts", Map.of("name", "region", "type", "select",
                "options", List.of(Map.of("value", "emea"), Map.of("value", "apac")))).status()).isEqualTo(201);
        Http.Response wrong = http.post("/person/r1", Map.of("name", "Ann", "custom", Map.of("region", "mars")));
        assertThat(wrong.status()).isEqualTo(400);
        assertThat(wrong.json().get("error").asString()).contains("custom.region", "must be one of");
        assertThat(http.post("/person/bulk", List.of(Map.of("person_id", "r2", "name", "Bo",
                "custom", Map.of("nope", 1)))).status()).isEqualTo(400);
        assertThat(http.get("/person").body()).isEqualTo("[]");

        assertThat(http.post("/person/r1", Map.of("name", "Ann", "custom", Map.of("region", "emea"))).status())
                .isEqualTo(201);
        Map<String, Object> search = Map.of("filterGroups", List.of(Map.of("filters", List.of(Map.of(
                "propertyName", "custom.region", "operator", "EQ", "value", "emea")))));
        assertThat(http.post("/api/v1/contacts/search", search).json().get("total").asInt()).isEqualTo(1);
        // a legacy update of another field keeps the values searchable; one of the custom object is checked too
        assertThat(http.put("/person/r1", Map.of("phone", "555-0100")).status()).isEqualTo(200);
        assertThat(http.post("/api/v1/contacts/search", search).json().get("total").asInt()).isEqualTo(1);
        assertThat(http.put("/person/r1", Map.of("custom", Map.of("region", 5))).status()).isEqualTo(400);
        assertThat(http.put("/person/r1", Map.of("custom", Map.of("region", "apac"))).status()).isEqualTo(200);
        assertThat(http.post("/api/v1/contacts/search", search).json().get("total").asInt()).isZero();
    }

    @Test
    void anyJsonFieldsAreKeptWithTheirTypes() {
        Map<String, Object> person = ordered("name", "Ann", "age", 42, "big", 9_007_199_254_740_993L,
                "score", 9.25, "active", true, "nothing", null, "tags", List.of("VIP", 7, false),
                "address", ordered("city", "Haifa", "geo", ordered("lat", 32.8, "lng", 35.0)),
                "history", List.of(ordered("year", 2020), List.of(1, 2)));
        assertThat(http.post("/person/p1", person).status()).isEqualTo(201);

        JsonNode got = http.get("/person/p1").json();
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("_id", got.get("_id").asString());
        expected.putAll(person);
        expected.put("person_id", "p1");
        assertThat(got).isEqualTo(tree(expected));
        // stored with the original driver's types: int32, int64, double
        var stored = mongo.getCollection("persons").find().first();
        assertThat(stored.get("age")).isInstanceOf(Integer.class);
        assertThat(stored.get("big")).isInstanceOf(Long.class);
        assertThat(stored.get("score")).isInstanceOf(Double.class);
    }

    @Test
    void thePathDecidesThePersonIdOfANewPerson() {
        assertThat(http.post("/person/from-path", Map.of("name", "A", "person_id", "from-body")).status())
                .isEqualTo(201);
        assertThat(http.get("/person/from-path").json().get("person_id").asString()).isEqualTo("from-path");
        assertNotFound(http.get("/person/from-body"));
        // a client echoing _id back cannot choose the database id
        Http.Response withId = http.post("/person/x1", Map.of("name", "B", "_id", "abc"));
        assertThat(withId.status()).isEqualTo(201);
        assertThat(http.get("/person/x1").json().get("_id").asString()).isEqualTo(withId.json().get("id").asString());
    }

    @Test
    void badBodiesAre400Or415WithAnErrorAndStoreNothing() {
        assertError(http.send("POST", "/person/1", "application/json", ""), 400, "No data provided");
        assertError(http.send("POST", "/person/1", null, null), 400, "No data provided");
        assertError(http.send("POST", "/person/1", "application/json", "{}"), 400, "No data provided");
        assertError(http.send("POST", "/person/1", "application/json", "null"), 400, "No data provided");
        assertError(http.send("POST", "/person/1", "application/json", "[]"), 400, "No data provided");
        assertError(http.send("POST", "/person/1", "application/json", "{\"name\": "), 400,
                "Request body is not valid JSON");
        assertError(http.send("POST", "/person/1", "application/json", "[1,2]"), 400,
                "Person data must be a JSON object");
        assertError(http.send("POST", "/person/1", "application/json", "\"text\""), 400,
                "Person data must be a JSON object");
        assertError(http.send("POST", "/person/1", "text/plain", "{\"name\":\"x\"}"), 415,
                "Content-Type must be application/json");
        assertError(http.send("POST", "/person/1", "application/x-www-form-urlencoded", "name=x"), 415,
                "Content-Type must be application/json");
        assertError(http.send("POST", "/person/1", "application/json", "{\"n\": 123456789012345678901234567890}"),
                400, "Number at 'n' is too large (64-bit integers at most)");
        assertThat(http.send("POST", "/person/1", "application/vnd.api+json", "{\"name\":\"x\"}").status())
                .isEqualTo(201);
        assertThat(http.get("/stats").json().get("total_persons").asLong()).isEqualTo(1);
    }

    @Test
    void operatorDottedAndBookkeepingKeysAreRefusedAtAnyDepth() {
        List<String> bodies = List.of(
                "{\"name\":\"x\",\"_crm\":{\"archived\":true}}",
                "{\"$set\":{\"name\":\"x\"}}",
                "{\"a.b\":1}",
                "{\"filter\":{\"$gt\":1}}",
                "{\"deep\":[{\"ok\":1},{\"_crm\":{}}]}",
                "{\"deep\":{\"er\":{\"x.y\":1}}}");
        for (String body : bodies) {
            Http.Response post = http.send("POST", "/person/k", "application/json", body);
            assertThat(post.status()).as(body).isEqualTo(400);
            assertThat(post.json().get("error").asString()).as(body).contains("is not allowed");
        }
        assertThat(http.post("/person/k", Map.of("name", "fine")).status()).isEqualTo(201);
        for (String body : bodies) {
            Http.Response put = http.send("PUT", "/person/k", "application/json", body);
            assertThat(put.status()).as(body).isEqualTo(400);
        }
        String deep = "{\"a\":".repeat(60) + "1" + "}".repeat(60);
        assertThat(http.send("POST", "/person/deep", "application/json", deep).status()).isEqualTo(400);
        assertThat(http.get("/stats").json().get("total_persons").asLong()).isEqualTo(1);
        assertThat(http.get("/person/k").json().has("_crm")).isFalse();
    }

    @Test
    void duplicatePersonIdsAndLiveEmailsAre409() {
        assertThat(http.post("/person/1", Map.of("name", "A", "email", "ann@example.com")).status()).isEqualTo(201);

        Http.Response samePersonId = http.post("/person/1", Map.of("name", "Other"));
        assertError(samePersonId, 409, "A person with person_id '1' already exists");
        // a person_id of letters is refused by the unique index itself (no lookup first), with the same answer
        assertThat(http.post("/person/ann", Map.of("name", "A")).status()).isEqualTo(201);
        assertError(http.post("/person/ann", Map.of("name", "Other")), 409,
                "A person with person_id 'ann' already exists");
        assertThat(http.delete("/person/ann").status()).isEqualTo(200);
        Http.Response sameEmail = http.post("/person/2", Map.of("name", "B", "email", "  ANN@Example.com "));
        assertThat(sameEmail.status()).isEqualTo(409);
        assertThat(sameEmail.json().get("error").asString()).contains("email");
        // the same rule on the v1 API, in both directions
        assertThat(http.post("/api/v1/contacts", Map.of("name", "C", "email", "ann@example.com")).status())
                .isEqualTo(409);
        assertThat(http.post("/api/v1/contacts", Map.of("name", "D", "email", "dee@example.com")).status())
                .isEqualTo(201);
        assertThat(http.post("/person/3", Map.of("name", "E", "email", "DEE@example.com")).status()).isEqualTo(409);

        assertThat(http.post("/person/4", Map.of("name", "F", "email", "f@example.com")).status()).isEqualTo(201);
        assertThat(http.put("/person/4", Map.of("email", "Ann@example.com")).status()).isEqualTo(409);
        assertError(http.put("/person/4", Map.of("person_id", "1")), 409, "A person with person_id '1' already exists");
        assertThat(http.put("/person/4", Map.of("person_id", "4b")).status()).isEqualTo(200);
        assertThat(http.get("/person/4b").json().get("name").asString()).isEqualTo("F");

        // after a (real) delete the email and the person_id are free again
        assertThat(http.delete("/person/1").status()).isEqualTo(200);
        assertThat(http.post("/person/1", Map.of("name", "A2", "email", "ann@example.com")).status()).isEqualTo(201);
    }

    @Test
    void archivedContactsDoNotExistForTheLegacyApi() {
        String id = http.post("/person/arch", Map.of("name", "Archie", "email", "arch@example.com"))
                .json().get("id").asString();
        assertThat(http.delete("/api/v1/contacts/" + id).status()).isEqualTo(204);

        assertNotFound(http.get("/person/arch"));
        assertNotFound(http.get("/person?id=" + id));
        assertNotFound(http.put("/person/arch", Map.of("name", "x")));
        assertNotFound(http.delete("/person/arch"));
        assertThat(http.get("/person").json()).isEmpty();
        assertThat(http.get("/person/search?q=archie").json()).isEmpty();
        assertThat(http.get("/person?page=1").json().get("total").asLong()).isZero();
        assertThat(http.get("/stats").json()).isEqualTo(tree(ordered("total_persons", 0, "latest_entry_id", null)));
        assertThat(http.delete("/person/bulk", Map.of("ids", List.of("arch"))).json().get("deleted_count").asLong())
                .isZero();
        // its email is free among live contacts; its person_id stays reserved (restore would bring it back)
        assertThat(http.post("/person/new", Map.of("name", "N", "email", "arch@example.com")).status())
                .isEqualTo(201);
        assertThat(http.post("/person/arch", Map.of("name", "x")).status()).isEqualTo(409);
    }

    @Test
    void getByDatabaseId() {
        String id = http.post("/person/7", Map.of("name", "Seven")).json().get("id").asString();
        Http.Response found = http.get("/person?id=" + id);
        assertThat(found.status()).isEqualTo(200);
        assertThat(found.json()).isEqualTo(tree(ordered("_id", id, "name", "Seven", "person_id", "7")));
        assertNotFound(http.get("/person?id=not-an-object-id"));
        assertNotFound(http.get("/person?id=" + new ObjectId().toHexString()));
        assertNotFound(http.get("/person?id="));
        assertNotFound(http.get("/person?id=zzzzzzzzzzzzzzzzzzzzzzzz"));
    }

    @Test
    void pagesHaveTheOriginalShapeAndLimits() {
        List<Map<String, Object>> people = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            people.add(ordered("person_id", "p" + i, "name", "Person " + i));
        }
        assertThat(http.post("/person/bulk", people).status()).isEqualTo(201);

        JsonNode first = http.get("/person?page=1").json();
        assertThat(fieldNames(first)).containsExactly("data", "page", "limit", "total", "pages");
        assertThat(first.get("page").asInt()).isEqualTo(1);
        assertThat(first.get("limit").asInt()).isEqualTo(20);
        assertThat(first.get("total").asInt()).isEqualTo(25);
        assertThat(first.get("pages").asInt()).isEqualTo(2);
        assertThat(first.get("data")).hasSize(20);
        assertThat(first.get("data").get(0).has("_crm")).isFalse();

        JsonNode second = http.get("/person?page=2&limit=20").json();
        assertThat(second.get("data")).hasSize(5);
        Set<String> seen = new HashSet<>();
        first.get("data").forEach(p -> seen.add(p.get("person_id").asString()));
        second.get("data").forEach(p -> seen.add(p.get("person_id").asString()));
        assertThat(seen).hasSize(25);

        JsonNode byLimit = http.get("/person?limit=10").json();
        assertThat(byLimit.get("page").asInt()).isEqualTo(1);
        assertThat(byLimit.get("pages").asInt()).isEqualTo(3);
        assertThat(byLimit.get("data")).hasSize(10);

        JsonNode capped = http.get("/person?page=1&limit=1000").json();
        assertThat(capped.get("limit").asInt()).isEqualTo(100);
        assertThat(capped.get("data")).hasSize(25);
        assertThat(capped.get("pages").asInt()).isEqualTo(1);

        JsonNode past = http.get("/person?page=99&limit=20").json();
        assertThat(past.get("data")).isEmpty();
        assertThat(past.get("total").asInt()).isEqualTo(25);
        assertThat(http.get("/person?page=2147483647&limit=100").status()).isEqualTo(200);

        for (String query : List.of("page=0", "page=-1", "page=abc", "page=1.5", "page=", "limit=0", "limit=-5",
                "limit=x", "limit=", "page=1&limit=ten", "page=99999999999")) {
            Http.Response bad = http.get("/person?" + query);
            assertThat(bad.status()).as(query).isEqualTo(400);
            assertThat(bad.json().get("error").asString()).as(query).isNotBlank();
        }
    }

    @Test
    void searchIsLiteralCaseInsensitiveOnNameOrEmail() {
        http.post("/person/1", ordered("name", "Ann Lee", "email", "ann@example.com", "phone", "555-0100"));
        http.post("/person/2", ordered("name", "Bob (Builder)*", "email", "bob+work@build.example"));
        http.post("/person/3", ordered("name", "A.B. Smith", "email", "ab@example.com"));
        http.post("/person/4", ordered("name", "Carl", "email", "carl@x.example", "note", "Ann"));
        http.post("/person/5", ordered("name", "Back\\slash [x] ^$ |?{2}", "email", "bs@example.com"));

        assertThat(searchIds("ann")).containsExactly("1");
        assertThat(searchIds("ANN@EXAMPLE")).containsExactly("1");
        assertThat(searchIds("(builder)*")).containsExactly("2");
        assertThat(searchIds("bob+work")).containsExactly("2");
        assertThat(searchIds("a.b.")).containsExactly("3");
        assertThat(searchIds(".")).containsExactlyInAnyOrder("1", "2", "3", "4", "5");
        assertThat(searchIds(".*")).isEmpty();
        assertThat(searchIds("[x]")).containsExactly("5");
        assertThat(searchIds("\\slash")).containsExactly("5");
        assertThat(searchIds("^$ |?{2}")).containsExactly("5");
        assertThat(searchIds("[")).containsExactly("5");
        assertThat(searchIds("(")).containsExactly("2");
        assertThat(searchIds("x]")).containsExactly("5");
        assertThat(searchIds("555-0100")).as("phone is not searched").isEmpty();
        assertThat(searchIds("zzz")).isEmpty();

        JsonNode result = http.get("/person/search?q=ann").json();
        assertThat(result.isArray()).isTrue();
        assertThat(result.get(0).has("_crm")).isFalse();
        assertThat(result.get(0).get("_id").isString()).isTrue();

        assertError(http.get("/person/search"), 400, "Query parameter 'q' is required");
        assertError(http.get("/person/search?q="), 400, "Query parameter 'q' is required");
    }

    @Test
    void bulkInsertIsAllOrNothingAndLimited() {
        Http.Response ok = http.post("/person/bulk", List.of(ordered("person_id", "b1", "name", "One"),
                ordered("person_id", "b2", "name", "Two", "email", "two@example.com"),
                ordered("person_id", 3, "name", "Three")));
        assertThat(ok.status()).isEqualTo(201);
        assertThat(fieldNames(ok.json())).containsExactly("message", "inserted_count");
        assertThat(ok.json().get("inserted_count").asInt()).isEqualTo(3);
        assertThat(http.get("/person/b2").json().get("name").asString()).isEqualTo("Two");
        assertThat(http.get("/person/3").json().get("person_id").asString()).isEqualTo("3");

        List<Map<String, Object>> tooMany = new ArrayList<>();
        for (int i = 0; i < 101; i++) {
            tooMany.add(Map.of("person_id", "t" + i));
        }
        assertError(http.post("/person/bulk", tooMany), 400, "At most 100 persons per request");
        List<Map<String, Object>> hundred = new ArrayList<>(tooMany.subList(0, 100));
        assertThat(http.post("/person/bulk", hundred).status()).isEqualTo(201);

        long before = count();
        assertError(http.post("/person/bulk", List.of(Map.of("person_id", "n1"), Map.of("name", "no id"))), 400,
                "Item 1 has no person_id");
        assertThat(http.post("/person/bulk", List.of(Map.of("person_id", "n1"), Map.of("person_id", "n1"))).status())
                .isEqualTo(409);
        assertError(http.post("/person/bulk", List.of(Map.of("person_id", "n1"), Map.of("person_id", "b1"))), 409,
                "A person with person_id 'b1' already exists");
        assertThat(http.post("/person/bulk", List.of(Map.of("person_id", "n1", "email", "x@example.com"),
                Map.of("person_id", "n2", "email", "X@example.com"))).status()).isEqualTo(409);
        assertThat(http.post("/person/bulk", List.of(Map.of("person_id", "n1", "email", "TWO@example.com")))
                .status()).isEqualTo(409);
        assertError(http.post("/person/bulk", Map.of("person_id", "n1")), 400,
                "Expected a JSON array of person objects");
        assertError(http.post("/person/bulk", List.of("n1")), 400, "Item 0 must be a JSON object");
        assertError(http.post("/person/bulk", List.of(Map.of("person_id", List.of("n1")))), 400,
                "person_id must be a string");
        assertError(http.send("POST", "/person/bulk", "application/json", "[]"), 400, "No data provided");
        assertError(http.send("POST", "/person/bulk", "application/json", ""), 400, "No data provided");
        assertThat(count()).isEqualTo(before);
        assertNotFound(http.get("/person/n1"));
    }

    @Test
    void bulkDeleteCountsWhatItDeleted() {
        http.post("/person/bulk", List.of(Map.of("person_id", "d1"), Map.of("person_id", "d2"),
                Map.of("person_id", "d3")));
        Http.Response deleted = http.delete("/person/bulk", Map.of("ids", List.of("d1", "d3", "missing")));
        assertThat(deleted.status()).isEqualTo(200);
        assertThat(deleted.json()).isEqualTo(tree(Map.of("deleted_count", 2)));
        assertThat(http.get("/person").json()).hasSize(1);
        assertThat(http.delete("/person/bulk", Map.of("ids", List.of())).json().get("deleted_count").asInt())
                .isZero();

        assertError(http.delete("/person/bulk", Map.of("other", 1)), 400, "Expected {\"ids\": [person_id, ...]}");
        assertError(http.delete("/person/bulk", Map.of("ids", "d2")), 400, "Expected {\"ids\": [person_id, ...]}");
        assertError(http.delete("/person/bulk", List.of("d2")), 400, "Expected {\"ids\": [person_id, ...]}");
        assertError(http.delete("/person/bulk", Map.of("ids", List.of(Map.of("x", 1)))), 400,
                "ids must be person_id strings");
        assertError(http.send("DELETE", "/person/bulk", "application/json", ""), 400, "No data provided");
        List<String> tooMany = new ArrayList<>();
        for (int i = 0; i < 1001; i++) {
            tooMany.add("x" + i);
        }
        assertError(http.delete("/person/bulk", Map.of("ids", tooMany)), 400, "At most 1000 ids per request");
        assertThat(http.get("/person").json()).hasSize(1);
    }

    @Test
    void statsCountPersonsAndNameTheNewest() {
        assertThat(http.get("/stats").json()).isEqualTo(tree(ordered("total_persons", 0, "latest_entry_id", null)));
        http.post("/person/s1", Map.of("name", "One"));
        String newest = http.post("/person/s2", Map.of("name", "Two")).json().get("id").asString();
        // archived ones, even newer than the newest live one, count for nothing (the live count is all
        // persons less the archived ones)
        for (String archived : List.of("s0", "s3")) {
            String id = http.post("/person/" + archived, Map.of("name", "Gone")).json().get("id").asString();
            assertThat(http.delete("/api/v1/contacts/" + id).status()).isEqualTo(204);
        }
        Http.Response stats = http.get("/stats");
        assertThat(stats.status()).isEqualTo(200);
        assertThat(stats.json()).isEqualTo(tree(ordered("total_persons", 2, "latest_entry_id", newest)));
        assertThat(http.get("/person?page=1").json().get("total").asLong()).isEqualTo(2);
    }

    @Test
    void updatesBadBodiesAndMissingPersons() {
        http.post("/person/u", Map.of("name", "U"));
        assertError(http.send("PUT", "/person/u", "application/json", ""), 400, "No data provided");
        assertError(http.send("PUT", "/person/u", "application/json", "{}"), 400, "No data provided");
        assertError(http.send("PUT", "/person/u", "application/json", "{\"_id\":\"x\"}"), 400, "No data provided");
        assertError(http.send("PUT", "/person/u", "application/json", "{bad"), 400, "Request body is not valid JSON");
        assertError(http.send("PUT", "/person/u", "text/plain", "{\"a\":1}"), 415,
                "Content-Type must be application/json");
        assertNotFound(http.put("/person/nobody", Map.of("name", "x")));

        // $set semantics: given fields replace, others stay, null is a value
        assertThat(http.put("/person/u", ordered("city", "Haifa", "name", null)).status()).isEqualTo(200);
        assertThat(http.get("/person/u").json()).isEqualTo(tree(ordered("_id",
                http.get("/person/u").json().get("_id").asString(), "name", null, "person_id", "u", "city", "Haifa")));
    }

    @Test
    void legacyWritesKeepTheContactBookkeepingRight() {
        String id = http.post("/person/777", ordered("name", "Ada Lovelace", "email", "Ada@Example.com",
                "company", "Analytical Engines")).json().get("id").asString();
        JsonNode contact = http.get("/api/v1/contacts/" + id).json();
        assertThat(contact.get("externalId").asString()).isEqualTo("777");
        assertThat(contact.get("name").asString()).isEqualTo("Ada Lovelace");
        assertThat(contact.get("attributes").get("company").asString()).isEqualTo("Analytical Engines");
        assertThat(contact.get("version").asLong()).isEqualTo(1);
        assertThat(http.get("/api/v1/contacts?email=ada@example.com").json().get("items")).hasSize(1);
        assertThat(http.get("/api/v1/contacts?q=lovelace").json().get("items")).hasSize(1);
        String createdAt = contact.get("createdAt").asString();

        assertThat(http.put("/person/777", Map.of("name", "Ada King", "email", "ada@king.example")).status())
                .isEqualTo(200);
        JsonNode changed = http.get("/api/v1/contacts/" + id).json();
        assertThat(changed.get("version").asLong()).isEqualTo(2);
        assertThat(changed.get("createdAt").asString()).isEqualTo(createdAt);
        assertThat(changed.get("updatedAt").asString()).isGreaterThanOrEqualTo(createdAt);
        assertThat(http.get("/api/v1/contacts?q=lovelace").json().get("items")).isEmpty();
        assertThat(http.get("/api/v1/contacts?q=king").json().get("items")).hasSize(1);
        assertThat(http.get("/api/v1/contacts?email=ada@example.com").json().get("items")).isEmpty();
        // the old email is free again, the new one is taken
        assertThat(http.post("/person/778", Map.of("name", "X", "email", "ada@example.com")).status()).isEqualTo(201);
        assertThat(http.post("/person/779", Map.of("name", "Y", "email", "ADA@king.example")).status())
                .isEqualTo(409);

        // and v1 changes show up on the legacy API
        assertThat(http.patch("/api/v1/contacts/" + id, Map.of("title", "Countess")).status()).isEqualTo(200);
        assertThat(http.get("/person/777").json().get("title").asString()).isEqualTo("Countess");
        assertThat(http.get("/person/777").json().get("company").asString()).isEqualTo("Analytical Engines");
    }

    @Test
    void wrongMethodsUnknownPathsAndOddAcceptsAreJsonErrorsNever500() {
        http.post("/person/1", Map.of("name", "One"));
        Http.Response patch = http.patch("/person/1", Map.of("name", "x"));
        assertError(patch, 405, "Method not allowed");
        assertThat(patch.header("Allow")).contains("GET, HEAD, POST, PUT, DELETE");
        assertError(http.post("/person", Map.of("name", "x")), 405, "Method not allowed");
        assertError(http.delete("/person"), 405, "Method not allowed");
        assertError(http.post("/stats", Map.of()), 405, "Method not allowed");
        assertError(http.patch("/person/bulk", Map.of()), 405, "Method not allowed");
        assertError(http.get("/person/1/extra"), 404, "Not found");
        assertError(http.get("/person/"), 404, "Not found");
        assertError(http.post("/person/a/b", Map.of("name", "x")), 404, "Not found");
        assertNotFound(http.get("/person/bulk"));

        Http.Response xml = http.get("/person/1", "Accept", "application/xml");
        assertThat(xml.status()).isEqualTo(200);
        assertThat(xml.contentType()).startsWith("application/json");
        assertThat(http.get("/person", "Accept", "text/csv").status()).isEqualTo(200);
        assertThat(http.get("/person/nobody", "Accept", "application/xml").status()).isEqualTo(404);

        String longId = "x".repeat(201);
        assertError(http.post("/person/" + longId, Map.of("name", "x")), 400, "person_id must be 1 to 200 characters");
        assertNotFound(http.get("/person/" + longId));
        assertThat(http.get("/person/%E2%9C%93").status()).isEqualTo(404);
        assertThat(http.post("/person/%E2%9C%93", Map.of("name", "check")).status()).isEqualTo(201);
        assertThat(http.get("/person/%E2%9C%93").json().get("person_id").asString()).isEqualTo("\u2713");
    }

    @Test
    void personIdsTheOriginalStoredAsNumbersAreFoundByTheirDigits() {
        // the original's bulk insert stored whatever JSON value person_id had, e.g. a number
        mongo.getCollection("persons").insertOne(new org.bson.Document("_id", new ObjectId())
                .append("person_id", 42).append("name", "Numeric"));
        assertThat(http.get("/person/42").json().get("name").asString()).isEqualTo("Numeric");
        assertThat(http.get("/person/42").json().get("person_id").asInt()).isEqualTo(42);
        assertThat(http.post("/person/42", Map.of("name", "dup")).status()).isEqualTo(409);
        assertThat(http.put("/person/42", Map.of("phone", "1")).status()).isEqualTo(200);
        assertThat(http.delete("/person/42").status()).isEqualTo(200);
        assertThat(count()).isZero();
    }

    @Test
    void ofTheTwoFormsOfAPersonIdTheFirstLiveOneInIdOrderIsFound() {
        // legacy data may hold both: the number from the original's bulk insert, the text from its POST
        ObjectId number = new ObjectId();
        ObjectId text = new ObjectId();
        var persons = mongo.getCollection("persons");
        persons.insertOne(new org.bson.Document("_id", text).append("person_id", "7").append("name", "Text"));
        persons.insertOne(new org.bson.Document("_id", number).append("person_id", 7L).append("name", "Number"));
        assertThat(http.get("/person/7").json().get("name").asString()).isEqualTo("Number");

        persons.updateOne(new org.bson.Document("_id", number),
                new org.bson.Document("$set", new org.bson.Document("_crm.archived", true)));
        assertThat(http.get("/person/7").json().get("name").asString()).isEqualTo("Text");
    }

    @Test
    void aLivePersonBehindMoreArchivedOnesThanOneReadReturnsIsFound() {
        // only data from before the unique index (which the original never had) holds one person_id this often
        var persons = mongo.getCollection("persons");
        persons.dropIndex(io.crm.contact.ContactIndexes.EXTERNAL_ID_UNIQUE);
        for (int i = 0; i < 12; i++) {
            persons.insertOne(new org.bson.Document("_id", new ObjectId()).append("person_id", "dup")
                    .append("name", "Old " + i).append("_crm", new org.bson.Document("archived", true)));
        }
        persons.insertOne(new org.bson.Document("_id", new ObjectId()).append("person_id", "dup").append("name", "Live"));
        persons.insertOne(new org.bson.Document("_id", new ObjectId()).append("person_id", "dup").append("name", "Later"));

        assertThat(http.get("/person/dup").json().get("name").asString()).isEqualTo("Live");
        persons.deleteOne(new org.bson.Document("name", "Live"));
        assertThat(http.get("/person/dup").json().get("name").asString()).isEqualTo("Later");
        persons.deleteOne(new org.bson.Document("name", "Later"));
        assertNotFound(http.get("/person/dup"));
    }

    private List<String> searchIds(String q) {
        Http.Response response = http.get("/person/search?q=" + java.net.URLEncoder.encode(q,
                java.nio.charset.StandardCharsets.UTF_8));
        assertThat(response.status()).as(q).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        response.json().forEach(p -> ids.add(p.get("person_id").asString()));
        return ids;
    }

    private long count() {
        return http.get("/stats").json().get("total_persons").asLong();
    }

    static void assertNotFound(Http.Response response) {
        assertError(response, 404, "Person not found");
    }

    static void assertError(Http.Response response, int status, String message) {
        assertThat(response.status()).as(response.toString()).isEqualTo(status);
        assertThat(response.contentType()).startsWith("application/json");
        JsonNode json = response.json();
        assertThat(fieldNames(json)).containsExactly("error");
        assertThat(json.get("error").asString()).isEqualTo(message);
    }

    static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.propertyNames().forEach(names::add);
        return names;
    }

    static JsonNode tree(Object value) {
        return Http.JSON.valueToTree(value);
    }

    /** Insertion-ordered map that, unlike Map.of, allows null values. */
    static Map<String, Object> ordered(Object... pairs) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i + 1 < pairs.length; i += 2) {
            map.put((String) pairs[i], pairs[i + 1]);
        }
        return map;
    }
}
