package io.crm.property;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.mongodb.client.model.Filters;
import io.crm.deal.DealService;
import io.crm.record.RecordService;
import io.crm.security.Role;
import io.crm.support.ApiTest;
import io.crm.support.Http;
import org.bson.Document;
import org.bson.types.Decimal128;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;

class PropertyApiTest extends ApiTest {

    private static final String DEALS = "/api/v1/properties/deals";
    private static final String CONTACTS = "/api/v1/properties/contacts";
    private static final String COMPANIES = "/api/v1/properties/companies";

    @Autowired
    private DealService dealService;

    private Http.Response define(String path, Map<String, Object> body) {
        Http.Response response = http.post(path, body);
        assertThat(response.status()).as(response.toString()).isEqualTo(201);
        return response;
    }

    private static Map<String, Object> property(String name, String type, Object... more) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("type", type);
        for (int i = 0; i < more.length; i += 2) {
            body.put((String) more[i], more[i + 1]);
        }
        return body;
    }

    private static List<Map<String, Object>> options(String... values) {
        List<Map<String, Object>> options = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            options.add(Map.of("value", values[i], "label", values[i].toUpperCase(), "order", i));
        }
        return options;
    }

    private Document stored(String collection, String id) {
        return mongo.getCollection(collection).find(Filters.eq("_id", new ObjectId(id))).first();
    }

    @SuppressWarnings("unchecked")
    private static List<Document> props(Document stored) {
        return (List<Document>) ((Document) stored.get("_crm")).get("props");
    }

    private String deal(Map<String, Object> custom) {
        return create("/api/v1/deals", Map.of("title", "Deal " + new ObjectId(), "custom", custom));
    }

    @Test
    void definitionsAreCreatedReadChangedArchivedAndRestored() {
        Http.Response created = define(DEALS, property("region", "select", "label", "Region",
                "options", options("emea", "amer"), "description", "Sales region", "required", false));
        assertThat(created.header("Location")).contains("/api/v1/properties/deals/region");
        JsonNode json = created.json();
        assertThat(json.get("objectType").asString()).isEqualTo("deals");
        assertThat(json.get("label").asString()).isEqualTo("Region");
        assertThat(json.get("options").get(1).get("value").asString()).isEqualTo("amer");
        assertThat(json.get("archived").asBoolean()).isFalse();

        assertThat(http.get(DEALS + "/region").json().get("type").asString()).isEqualTo("select");
        assertThat(http.get(DEALS).json().get("items")).hasSize(1);
        assertThat(http.get(CONTACTS).json().get("items")).isEmpty();

        Http.Response patched = http.patch(DEALS + "/region", Map.of("label", "Area", "description", "Where"));
        assertThat(patched.status()).as(patched.toString()).isEqualTo(200);
        assertThat(patched.json().get("label").asString()).isEqualTo("Area");

        assertThat(http.delete(DEALS + "/region").status()).isEqualTo(204);
        assertThat(http.get(DEALS + "/region").status()).isEqualTo(404);
        assertThat(http.get(DEALS).json().get("items")).isEmpty();
        assertThat(http.get(DEALS + "?archived=true").json().get("items")).hasSize(1);
        Http.Response restored = http.post(DEALS + "/region/restore", Map.of());
        assertThat(restored.status()).as(restored.toString()).isEqualTo(200);
        assertThat(restored.json().get("label").asString()).isEqualTo("Area");
        assertThat(http.get(DEALS + "/region").status()).isEqualTo(200);
    }

    @Test
    void badDefinitionsAre400sWithFieldErrorsAndDuplicatesAre409() {
        Http.Response bad = http.post(DEALS, Map.of("name", "9lives", "type", "colour", "unique", "yes",
                "extra", 1));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.contentType()).contains("problem+json");
        assertThat(errorFields(bad)).contains("name", "type", "unique", "extra");

        assertThat(errorFields(http.post(DEALS, property("title", "text")))).containsExactly("name");
        assertThat(errorFields(http.post(DEALS, property("amount", "decimal")))).containsExactly("name");
        assertThat(errorFields(http.post(CONTACTS, property("attributes", "text")))).containsExactly("name");
        assertThat(errorFields(http.post(CONTACTS, property("createdAt", "text")))).containsExactly("name");
        assertThat(errorFields(http.post(COMPANIES, property("domain", "text")))).containsExactly("name");
        assertThat(errorFields(http.post(DEALS, property("x", "select")))).containsExactly("options");
        assertThat(errorFields(http.post(DEALS, property("x", "select", "options", options("a", "a")))))
                .containsExactly("options[1].value");
        assertThat(errorFields(http.post(DEALS, property("x", "text", "options", options("a")))))
                .containsExactly("options");
        assertThat(errorFields(http.post(DEALS, property("x", "date", "unique", true)))).containsExactly("unique");

        define(DEALS, property("region", "text"));
        Http.Response duplicate = http.post(DEALS, property("region", "number"));
        assertThat(duplicate.status()).isEqualTo(409);
        // the same name on another object is another property
        define(CONTACTS, property("region", "text"));
        assertThat(http.delete(DEALS + "/region").status()).isEqualTo(204);
        assertThat(http.post(DEALS, property("region", "text")).status()).isEqualTo(409);
    }

    @Test
    void unknownObjectTypesAre404() {
        for (Http.Response response : List.of(http.get("/api/v1/properties/activities"),
                http.post("/api/v1/properties/widgets", property("x", "text")),
                http.get("/api/v1/properties/users/x"))) {
            assertThat(response.status()).as(response.toString()).isEqualTo(404);
            assertThat(response.contentType()).contains("problem+json");
        }
    }

    @Test
    void viewersAndMembersReadButOnlyAdminsWrite() {
        define(DEALS, property("region", "text"));
        for (Role role : List.of(Role.VIEWER, Role.MEMBER)) {
            Http.Response response = as(role).get(DEALS + "/region");
            assertThat(response.status()).isEqualTo(200);
            assertThat(as(role).post(DEALS, property("tier", "text")).status()).isEqualTo(403);
            assertThat(as(role).patch(DEALS + "/region", Map.of("label", "R")).status()).isEqualTo(403);
            assertThat(as(role).delete(DEALS + "/region").status()).isEqualTo(403);
        }
    }

    @Test
    void everyTypeTakesItsValuesAndRefusesOthers() {
        define(DEALS, property("txt", "text"));
        define(DEALS, property("num", "number"));
        define(DEALS, property("dec", "decimal"));
        define(DEALS, property("day", "date"));
        define(DEALS, property("at", "datetime"));
        define(DEALS, property("flag", "boolean"));
        define(DEALS, property("one", "select", "options", options("a", "b")));
        define(DEALS, property("many", "multiselect", "options", options("a", "b", "c")));
        define(DEALS, property("mail", "email"));
        define(DEALS, property("site", "url"));
        define(DEALS, property("tel", "phone"));

        Map<String, Object> good = new LinkedHashMap<>();
        good.put("txt", " Hello ");
        good.put("num", 12.5);
        good.put("dec", "1234.50");
        good.put("day", "2026-02-28");
        good.put("at", "2026-01-31T09:00:00+01:00");
        good.put("flag", true);
        good.put("one", "b");
        good.put("many", List.of("c", "a", "c"));
        good.put("mail", "ann@example.test");
        good.put("site", "https://example.test/x");
        good.put("tel", "+1 555 0100");
        Http.Response created = http.post("/api/v1/deals", Map.of("title", "Typed", "custom", good));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        JsonNode custom = created.json().get("custom");
        assertThat(custom.get("txt").asString()).isEqualTo("Hello");
        assertThat(custom.get("num").asDouble()).isEqualTo(12.5);
        assertThat(custom.get("dec").asString()).isEqualTo("1234.50");
        assertThat(custom.get("day").asString()).isEqualTo("2026-02-28");
        assertThat(custom.get("at").asString()).isEqualTo("2026-01-31T08:00:00Z");
        assertThat(custom.get("flag").asBoolean()).isTrue();
        assertThat(custom.get("one").asString()).isEqualTo("b");
        assertThat(custom.get("many")).extracting(JsonNode::asString).containsExactly("c", "a");
        assertThat(custom.get("mail").asString()).isEqualTo("ann@example.test");
        assertThat(custom.get("site").asString()).isEqualTo("https://example.test/x");
        assertThat(custom.get("tel").asString()).isEqualTo("+1 555 0100");

        String id = created.json().get("id").asString();
        Document values = (Document) stored("deals", id).get("custom");
        assertThat(values.get("num")).isEqualTo(12.5);
        assertThat(values.get("dec")).isEqualTo(new Decimal128(new java.math.BigDecimal("1234.50")));
        assertThat(values.get("at")).isInstanceOf(java.util.Date.class);
        assertThat(values.get("day")).isEqualTo("2026-02-28");

        Map<String, Object> bad = new LinkedHashMap<>();
        bad.put("txt", 5);
        bad.put("num", "twelve");
        bad.put("dec", "1,5");
        bad.put("day", "28/02/2026");
        bad.put("at", "2026-01-31 09:00");
        bad.put("flag", "yes");
        bad.put("one", "z");
        bad.put("many", "a");
        bad.put("mail", "not-an-email");
        bad.put("site", "ftp://example.test");
        bad.put("tel", "call me");
        Http.Response refused = http.post("/api/v1/deals", Map.of("title", "Bad", "custom", bad));
        assertThat(refused.status()).isEqualTo(400);
        assertThat(errorFields(refused)).containsExactlyInAnyOrder("custom.txt", "custom.num", "custom.dec",
                "custom.day", "custom.at", "custom.flag", "custom.one", "custom.many", "custom.mail", "custom.site",
                "custom.tel");
        Http.Response badElement = http.patch("/api/v1/deals/" + id, Map.of("custom", Map.of("many",
                List.of("a", "zz"))));
        assertThat(errorFields(badElement)).containsExactly("custom.many");
    }

    @Test
    void unknownAndMalformedCustomValuesAre400sReportedWithTheOtherFields() {
        define(DEALS, property("region", "text"));
        Http.Response response = http.post("/api/v1/deals", Map.of("custom", Map.of("nope", "x", "region", "")));
        assertThat(response.status()).isEqualTo(400);
        assertThat(errorFields(response)).containsExactlyInAnyOrder("title", "custom.nope", "custom.region");
        assertThat(errorFields(http.post("/api/v1/deals", Map.of("title", "T", "custom", "x"))))
                .containsExactly("custom");
        // activities have no custom properties
        assertThat(errorFields(http.post("/api/v1/activities", Map.of("type", "note", "subject", "S",
                "custom", Map.of())))).contains("custom");
    }

    @Test
    void requiredValuesAreNeededOnCreateAndCannotBeRemoved() {
        define(COMPANIES, property("tier", "select", "options", options("gold", "silver"), "required", true));
        assertThat(errorFields(http.post("/api/v1/companies", Map.of("name", "Acme"))))
                .containsExactly("custom.tier");
        String acme = create("/api/v1/companies", Map.of("name", "Acme", "custom", Map.of("tier", "gold")));
        Map<String, Object> remove = new LinkedHashMap<>();
        remove.put("tier", null);
        assertThat(errorFields(http.patch("/api/v1/companies/" + acme, Map.of("custom", remove))))
                .containsExactly("custom.tier");
        Http.Response changed = http.patch("/api/v1/companies/" + acme, Map.of("custom", Map.of("tier", "silver")));
        assertThat(changed.json().get("custom").get("tier").asString()).isEqualTo("silver");
        assertThat(changed.json().get("name").asString()).isEqualTo("Acme");
    }

    @Test
    void mergePatchSetsAndRemovesSingleValues() {
        define(DEALS, property("region", "text"));
        define(DEALS, property("score", "number"));
        String id = deal(Map.of("region", "EMEA", "score", 3));
        Map<String, Object> patch = new LinkedHashMap<>();
        patch.put("region", null);
        patch.put("score", 4);
        Http.Response patched = http.patch("/api/v1/deals/" + id, Map.of("custom", patch));
        assertThat(patched.status()).as(patched.toString()).isEqualTo(200);
        assertThat(patched.json().get("custom").has("region")).isFalse();
        assertThat(patched.json().get("custom").get("score").asDouble()).isEqualTo(4.0);
        assertThat(props(stored("deals", id))).containsExactly(new Document("k", "score").append("v", 4.0));
        // patching another field keeps the custom values
        assertThat(http.patch("/api/v1/deals/" + id, Map.of("title", "Renamed")).json().get("custom").get("score")
                .asDouble()).isEqualTo(4.0);
    }

    @Test
    void uniqueValuesAreUniqueAmongLiveRecords() {
        define(CONTACTS, property("badge", "text", "unique", true));
        String ann = create("/api/v1/contacts", Map.of("name", "Ann", "custom", Map.of("badge", "B-1")));
        Http.Response taken = http.post("/api/v1/contacts", Map.of("name", "Bob", "custom", Map.of("badge", "b-1")));
        assertThat(taken.status()).as(taken.toString()).isEqualTo(409);
        String bob = create("/api/v1/contacts", Map.of("name", "Bob", "custom", Map.of("badge", "B-2")));
        assertThat(http.patch("/api/v1/contacts/" + bob, Map.of("custom", Map.of("badge", "B-1"))).status())
                .isEqualTo(409);
        // the record's own value is no conflict
        assertThat(http.patch("/api/v1/contacts/" + ann, Map.of("custom", Map.of("badge", "B-1"))).status())
                .isEqualTo(200);
        assertThat(http.delete("/api/v1/contacts/" + ann).status()).isEqualTo(204);
        assertThat(http.patch("/api/v1/contacts/" + bob, Map.of("custom", Map.of("badge", "B-1"))).status())
                .isEqualTo(200);
        assertThat(http.post("/api/v1/contacts/" + ann + "/restore", Map.of()).status()).isEqualTo(409);
    }

    @Test
    void contactsKeepTheirAttributesAndCustomValuesApart() {
        define(CONTACTS, property("region", "text"));
        Http.Response created = http.post("/api/v1/contacts", Map.of("name", "Ann",
                "attributes", Map.of("shoeSize", 42), "custom", Map.of("region", "EMEA")));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String id = created.json().get("id").asString();
        assertThat(created.json().get("attributes").get("shoeSize").asInt()).isEqualTo(42);
        assertThat(created.json().get("attributes").has("custom")).isFalse();
        assertThat(created.json().get("custom").get("region").asString()).isEqualTo("EMEA");
        Document stored = stored("persons", id);
        assertThat(stored.get("shoeSize")).isEqualTo(42);
        assertThat(stored.get("custom")).isEqualTo(new Document("region", "EMEA"));
        assertThat(props(stored)).containsExactly(new Document("k", "region").append("v", "emea"));
        assertThat(errorFields(http.post("/api/v1/contacts", Map.of("name", "Bob",
                "attributes", Map.of("custom", "x"))))).containsExactly("attributes");

        Http.Response patched = http.patch("/api/v1/contacts/" + id, Map.of("attributes", Map.of("eyes", "blue")));
        assertThat(patched.json().get("custom").get("region").asString()).isEqualTo("EMEA");
        assertThat(patched.json().get("attributes").get("shoeSize").asInt()).isEqualTo(42);
        assertThat(http.get("/api/v1/contacts/" + id).json().get("custom").get("region").asString())
                .isEqualTo("EMEA");

        // a legacy document's top-level "custom" that is no object stays an attribute, readable as before
        ObjectId legacy = new ObjectId();
        mongo.getCollection("persons").insertOne(new Document("_id", legacy).append("name", "Old")
                .append("custom", "legacy value"));
        JsonNode old = http.get("/api/v1/contacts/" + legacy.toHexString()).json();
        assertThat(old.get("attributes").get("custom").asString()).isEqualTo("legacy value");
        assertThat(old.get("custom").isEmpty()).isTrue();
    }

    @Test
    void anEmptyMultiselectIsNoValue() {
        define(DEALS, property("langs", "multiselect", "options", options("de", "fr"), "required", true));
        assertThat(errorFields(http.post("/api/v1/deals", Map.of("title", "T", "custom",
                Map.of("langs", List.of()))))).containsExactly("custom.langs");
        String id = deal(Map.of("langs", List.of("de")));
        assertThat(errorFields(http.patch("/api/v1/deals/" + id, Map.of("custom", Map.of("langs", List.of())))))
                .containsExactly("custom.langs");
    }

    @Test
    void anArchivedPropertyHidesItsValuesUntilRestored() {
        define(DEALS, property("region", "text"));
        String id = deal(Map.of("region", "EMEA"));
        assertThat(http.delete(DEALS + "/region").status()).isEqualTo(204);
        assertThat(http.get("/api/v1/deals/" + id).json().get("custom").has("region")).isFalse();
        assertThat(stored("deals", id).get("custom")).isEqualTo(new Document("region", "EMEA"));
        assertThat(errorFields(http.patch("/api/v1/deals/" + id, Map.of("custom", Map.of("region", "APAC")))))
                .containsExactly("custom.region");
        assertThat(http.post(DEALS + "/region/restore", Map.of()).status()).isEqualTo(200);
        assertThat(http.get("/api/v1/deals/" + id).json().get("custom").get("region").asString())
                .isEqualTo("EMEA");
    }

    @Test
    void aPropertyCreatedElsewhereIsUsableAtOnce() {
        // written straight to the store, as another replica would: this replica's cache does not know it yet
        assertThat(http.get("/api/v1/deals").status()).isEqualTo(200);
        mongo.getCollection(CustomProperties.COLLECTION).insertOne(new Document("objectType", "deals")
                .append("name", "remote").append("label", "Remote").append("type", "text")
                .append("options", List.of()).append("required", false).append("unique", false)
                .append("archived", false));
        String id = deal(Map.of("remote", "yes"));
        assertThat(http.get("/api/v1/deals/" + id).json().get("custom").get("remote").asString()).isEqualTo("yes");
    }

    @Test
    void aChangeMadeElsewhereIsSeenWithinTheCacheLifetime() {
        define(DEALS, property("region", "text"));
        deal(Map.of("region", "EMEA"));
        // archived straight in the store, as another replica would: this replica still has it cached as live
        mongo.getCollection(CustomProperties.COLLECTION).updateOne(Filters.eq("name", "region"),
                new Document("$set", new Document("archived", true)));
        assertThat(http.post("/api/v1/deals", Map.of("title", "T", "custom", Map.of("region", "APAC"))).status())
                .isEqualTo(201);
        clock.advance(PropertyDefinitions.TTL.plusSeconds(1));
        assertThat(errorFields(http.post("/api/v1/deals", Map.of("title", "T", "custom",
                Map.of("region", "APAC"))))).containsExactly("custom.region");
    }

    @Test
    void theIndexEntriesFollowCreatePatchAndImport() {
        define(DEALS, property("tags2", "multiselect", "options", options("Red", "Blue")));
        define(DEALS, property("amount2", "decimal"));
        String id = deal(Map.of("tags2", List.of("Red", "Blue"), "amount2", "10.5"));
        assertThat(props(stored("deals", id))).containsExactlyInAnyOrder(
                new Document("k", "tags2").append("v", "red"), new Document("k", "tags2").append("v", "blue"),
                new Document("k", "amount2").append("v", new Decimal128(new java.math.BigDecimal("10.5"))));
        http.patch("/api/v1/deals/" + id, Map.of("custom", Map.of("tags2", List.of("Blue"))));
        assertThat(props(stored("deals", id))).contains(new Document("k", "tags2").append("v", "blue"))
                .doesNotContain(new Document("k", "tags2").append("v", "red"));

        List<RecordService.Outcome> outcomes = dealService.createAll(List.of(
                Map.of("title", "Imported", "custom", Map.of("tags2", List.of("Red"))),
                Map.of("title", "Bad", "custom", Map.of("tags2", List.of("Green")))));
        assertThat(outcomes.get(1).error()).isNotNull();
        Document imported = outcomes.get(0).saved();
        assertThat(props(stored("deals", imported.getObjectId("_id").toHexString())))
                .containsExactly(new Document("k", "tags2").append("v", "red"));

        http.delete("/api/v1/deals/" + id);
        http.post("/api/v1/deals/" + id + "/restore", Map.of());
        assertThat(props(stored("deals", id))).containsExactlyInAnyOrder(
                new Document("k", "tags2").append("v", "blue"),
                new Document("k", "amount2").append("v", new Decimal128(new java.math.BigDecimal("10.5"))));
    }

    @Test
    void importsCheckUniqueValuesInTheBatchAndTheStore() {
        define(DEALS, property("code", "number", "unique", true));
        deal(Map.of("code", 1));
        List<RecordService.Outcome> outcomes = dealService.createAll(List.of(
                Map.of("title", "A", "custom", Map.of("code", 1)),
                Map.of("title", "B", "custom", Map.of("code", 2)),
                Map.of("title", "C", "custom", Map.of("code", 2))));
        assertThat(outcomes.get(0).error()).isNotNull();
        assertThat(outcomes.get(1).saved()).isNotNull();
        assertThat(outcomes.get(2).error()).isNotNull();
    }

    @Test
    void mergingContactsFillsCustomValuesAndKeepsTheIndexCurrent() {
        define(CONTACTS, property("region", "text"));
        define(CONTACTS, property("tier", "text"));
        String kept = create("/api/v1/contacts", Map.of("name", "Ann", "email", "ann@example.test",
                "custom", Map.of("tier", "gold")));
        String dup = create("/api/v1/contacts", Map.of("name", "Ann B", "custom", Map.of("region", "EMEA",
                "tier", "silver")));
        Http.Response merged = http.post("/api/v1/contacts/" + kept + "/merge", Map.of("duplicateId", dup));
        assertThat(merged.status()).as(merged.toString()).isEqualTo(200);
        assertThat(merged.json().get("custom").get("region").asString()).isEqualTo("EMEA");
        assertThat(merged.json().get("custom").get("tier").asString()).isEqualTo("gold");
        assertThat(props(stored("persons", kept))).containsExactlyInAnyOrder(
                new Document("k", "tier").append("v", "gold"), new Document("k", "region").append("v", "emea"));
    }

    @Test
    void aTypeChangeIsRefusedWithTheCountOfValuesThatWouldNotConvert() {
        define(DEALS, property("size", "text"));
        String a = deal(Map.of("size", "12"));
        String b = deal(Map.of("size", "7.5"));
        deal(Map.of("size", "large"));
        deal(Map.of("size", "huge"));
        Http.Response refused = http.patch(DEALS + "/size", Map.of("type", "number"));
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.json().get("detail").asString()).startsWith("2 existing value(s)");
        assertThat(http.get(DEALS + "/size").json().get("type").asString()).isEqualTo("text");

        String c = deal(Map.of());
        mongo.getCollection("deals").deleteMany(Filters.eq("custom.size", "large"));
        mongo.getCollection("deals").deleteMany(Filters.eq("custom.size", "huge"));
        Http.Response changed = http.patch(DEALS + "/size", Map.of("type", "number"));
        assertThat(changed.status()).as(changed.toString()).isEqualTo(200);
        assertThat(((Document) stored("deals", a).get("custom")).get("size")).isEqualTo(12.0);
        assertThat(((Document) stored("deals", b).get("custom")).get("size")).isEqualTo(7.5);
        assertThat(props(stored("deals", a))).containsExactly(new Document("k", "size").append("v", 12.0));
        assertThat(http.get("/api/v1/deals/" + b).json().get("custom").get("size").asDouble()).isEqualTo(7.5);
        assertThat(stored("deals", c).get("custom")).isNull();
        assertThat(http.get("/api/v1/deals/" + a).json().get("version").asLong()).isEqualTo(2);
        // a rewrite this small is done within the request, and its task says so
        JsonNode rewrite = changed.json().get("rewrite");
        assertThat(rewrite.get("status").asString()).isEqualTo("done");
        assertThat(rewrite.get("total").asLong()).isEqualTo(2);
        assertThat(rewrite.get("converted").asLong()).isEqualTo(2);
        assertThat(http.get(DEALS + "/size").json().get("rewrite").get("id").asString())
                .isEqualTo(rewrite.get("id").asString());
    }

    @Test
    void aRewriteLargerThanABatchRunsInTheBackgroundAndReportsItsProgress() {
        define(DEALS, property("size", "text"));
        int count = PropertyRewrites.BATCH + 1;
        for (int i = 0; i < count; i++) {
            dealService.create(Map.of("title", "d" + i, "custom", Map.of("size", String.valueOf(i))));
        }
        Http.Response changed = http.patch(DEALS + "/size", Map.of("type", "number"));
        assertThat(changed.status()).as(changed.toString()).isEqualTo(200);
        JsonNode started = changed.json().get("rewrite");
        assertThat(started.get("total").asLong()).isEqualTo(count);
        assertThat(started.get("status").asString()).isIn("running", "done");
        JsonNode done = org.awaitility.Awaitility.await().atMost(java.time.Duration.ofMinutes(2))
                .pollInSameThread().until(() -> http.get(DEALS + "/size").json().get("rewrite"),
                        r -> r.get("status").asString().equals("done"));
        assertThat(done.get("processed").asLong()).isEqualTo(count);
        assertThat(done.get("converted").asLong()).isEqualTo(count);
        assertThat(mongo.getCollection("deals").countDocuments(Filters.type("custom.size", "string"))).isZero();
    }

    @Test
    void aRewriteCutShortByItsReplicaIsFinishedByAnother() {
        define(DEALS, property("size", "text"));
        String a = deal(Map.of("size", "12"));
        String b = deal(Map.of("size", "7.5"));
        // a replica stored the new definition and its task, then went away before rewriting anything
        mongo.getCollection(CustomProperties.COLLECTION).updateOne(Filters.and(Filters.eq("objectType", "deals"),
                Filters.eq("name", "size")), new Document("$set", new Document("type", "number")));
        rewrites.start("deals", "size", null, Map.of(), 2, true);
        // while its heartbeat is fresh the task is its replica's
        leases.runNow(rewriteJob);
        assertThat(((Document) stored("deals", a).get("custom")).get("size")).isEqualTo("12");
        clock.advance(PropertyRewrites.STALE.plusSeconds(1));
        leases.runNow(rewriteJob);
        assertThat(((Document) stored("deals", a).get("custom")).get("size")).isEqualTo(12.0);
        assertThat(((Document) stored("deals", b).get("custom")).get("size")).isEqualTo(7.5);
        JsonNode rewrite = http.get(DEALS + "/size").json().get("rewrite");
        assertThat(rewrite.get("status").asString()).isEqualTo("done");
        assertThat(rewrite.get("processed").asLong()).isEqualTo(2);
        assertThat(rewrite.get("converted").asLong()).isEqualTo(2);
        // walking it again changes nothing: a record is rewritten only when its value changes
        assertThat(rewrites.resume()).isZero();
        assertThat(http.get("/api/v1/deals/" + a).json().get("version").asLong()).isEqualTo(2);
    }

    @Test
    void aSelectBecomesAMultiselect() {
        define(DEALS, property("region", "select", "options", options("emea", "amer")));
        String id = deal(Map.of("region", "emea"));
        Http.Response changed = http.patch(DEALS + "/region", Map.of("type", "multiselect"));
        assertThat(changed.status()).as(changed.toString()).isEqualTo(200);
        assertThat(((Document) stored("deals", id).get("custom")).get("region")).isEqualTo(List.of("emea"));
    }

    @Test
    void anOptionInUseIsRemovedOnlyWithAReplacement() {
        define(DEALS, property("region", "select", "options", options("emea", "amer", "apac")));
        String a = deal(Map.of("region", "emea"));
        String b = deal(Map.of("region", "emea"));
        String c = deal(Map.of("region", "amer"));
        Http.Response refused = http.patch(DEALS + "/region", Map.of("options", options("amer", "apac")));
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.json().get("detail").asString()).startsWith("2 record(s) use the option(s) emea");
        // an unused option goes freely
        assertThat(http.patch(DEALS + "/region", Map.of("options", options("emea", "amer"))).status())
                .isEqualTo(200);
        assertThat(errorFields(http.patch(DEALS + "/region", Map.of("options", options("amer", "emeaNew"),
                "replaceOptions", Map.of("emea", "nowhere"))))).containsExactly("replaceOptions.emea");
        Http.Response replaced = http.patch(DEALS + "/region", Map.of("options", options("amer", "europe"),
                "replaceOptions", Map.of("emea", "europe")));
        assertThat(replaced.status()).as(replaced.toString()).isEqualTo(200);
        for (String id : List.of(a, b)) {
            assertThat(http.get("/api/v1/deals/" + id).json().get("custom").get("region").asString())
                    .isEqualTo("europe");
            assertThat(props(stored("deals", id))).containsExactly(new Document("k", "region").append("v", "europe"));
        }
        assertThat(http.get("/api/v1/deals/" + c).json().get("custom").get("region").asString()).isEqualTo("amer");
        assertThat(http.get("/api/v1/deals/" + c).json().get("version").asLong()).isEqualTo(1);
    }

    @Test
    void multiselectOptionsAreReplacedInsideTheLists() {
        define(DEALS, property("langs", "multiselect", "options", options("de", "fr", "it")));
        String id = deal(Map.of("langs", List.of("de", "it")));
        Http.Response replaced = http.patch(DEALS + "/langs", Map.of("options", options("fr", "it"),
                "replaceOptions", Map.of("de", "fr")));
        assertThat(replaced.status()).as(replaced.toString()).isEqualTo(200);
        assertThat(((Document) stored("deals", id).get("custom")).get("langs")).isEqualTo(List.of("fr", "it"));
    }

    @Test
    void theNumberOfLivePropertiesIsLimited() {
        PropertyService limited = new PropertyService(mongo.getCollection(CustomProperties.COLLECTION),
                definitions, services, 2, clock);
        limited.create("deals", property("one", "text"));
        limited.create("deals", property("two", "text"));
        Http.Response third = http.post(DEALS, property("three", "text"));
        assertThat(third.status()).isEqualTo(201);
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> limited.create("deals",
                property("four", "text")))).isInstanceOf(io.crm.record.RecordException.Conflict.class)
                .hasMessageContaining("CRM_PROPERTIES_MAX_PER_OBJECT");
        limited.archive("deals", "one");
        limited.archive("deals", "two");
        limited.archive("deals", "three");
        limited.create("deals", property("four", "text"));
        assertThat(limited.restore("deals", "one").getBoolean("archived")).isFalse();
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> limited.restore("deals", "two")))
                .isInstanceOf(io.crm.record.RecordException.Conflict.class);
        // other object types have their own count
        limited.create("contacts", property("one", "text"));
    }

    @Autowired
    private PropertyDefinitions definitions;

    @Autowired
    private PropertyRewrites rewrites;

    @Autowired
    private io.crm.jobs.JobLeases leases;

    @Autowired
    @org.springframework.beans.factory.annotation.Qualifier("propertyRewriteJob")
    private io.crm.jobs.LeasedJob rewriteJob;

    @Autowired
    private List<RecordService<?>> services;
}
