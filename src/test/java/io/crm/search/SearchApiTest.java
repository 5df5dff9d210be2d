package io.crm.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import io.crm.property.CustomProperties;
import io.crm.property.PropertyType;
import io.crm.security.Role;
import io.crm.support.ApiTest;
import io.crm.support.Http;
import org.bson.Document;
import org.bson.types.Decimal128;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The search grammar against every object type: each operator on built-in fields of every stored type, custom
 * properties of every type, OR of groups, sorts and paging, totals, ownerId "me", archived records and bad input.
 */
class SearchApiTest extends ApiTest {

    // ---- helpers ----

    private Http.Response search(String type, Map<String, ?> body) {
        return http.post("/api/v1/" + type + "/search", body);
    }

    private static Map<String, Object> f(String property, String operator, Object value) {
        Map<String, Object> filter = new LinkedHashMap<>();
        filter.put("propertyName", property);
        filter.put("operator", operator);
        switch (operator) {
            case "IN", "NOT_IN" -> filter.put("values", value);
            case "HAS_PROPERTY", "NOT_HAS_PROPERTY" -> {
            }
            default -> filter.put("value", value);
        }
        return filter;
    }

    private static Map<String, Object> between(String property, Object low, Object high) {
        return Map.of("propertyName", property, "operator", "BETWEEN", "value", low, "highValue", high);
    }

    @SafeVarargs
    private static Map<String, Object> where(Map<String, Object>... filters) {
        return Map.of("filterGroups", List.of(Map.of("filters", List.of(filters))));
    }

    /** The ids a search finds (every page of at most 100), in their order. */
    private List<String> ids(String type, Map<String, Object> body) {
        Http.Response response = search(type, body);
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        response.json().get("items").forEach(item -> ids.add(item.get("id").asString()));
        assertThat(response.json().get("total").asLong()).as("total of " + body).isEqualTo(ids.size());
        return ids;
    }

    /** The ids one filter finds. */
    private List<String> find(String type, Map<String, Object> filter) {
        return ids(type, where(filter));
    }

    /** Stores custom values on a record as the custom properties API does: under custom, and as _crm.props entries. */
    private void setCustom(String collection, String id, Map<String, Object> values) {
        List<Document> entries = new ArrayList<>();
        values.forEach((name, value) -> {
            for (Object one : value instanceof List<?> list ? list : List.of(value)) {
                entries.add(new Document("k", name).append("v", PropertyType.indexValue(one)));
            }
        });
        mongo.getCollection(collection).updateOne(Filters.eq("_id", new ObjectId(id)),
                Updates.combine(Updates.set(CustomProperties.VALUES, new Document(values)),
                        Updates.set(CustomProperties.INDEX, entries)));
    }

    private void define(String objectType, String name, String type, String... options) {
        List<Document> opts = new ArrayList<>();
        for (int i = 0; i < options.length; i++) {
            opts.add(new Document("value", options[i]).append("label", options[i]).append("order", i));
        }
        mongo.getCollection(CustomProperties.COLLECTION).insertOne(new Document("objectType", objectType)
                .append("name", name).append("label", name).append("type", type).append("options", opts)
                .append("required", false).append("unique", false).append("archived", false));
    }

    // ---- built-in fields ----

    @Test
    void contactsEveryOperatorOnTextIdTagsAndDates() {
        String acme = create("/api/v1/companies", Map.of("name", "Acme"));
        String ann = create("/api/v1/contacts", Map.of("name", "Ann Archer", "email", "Ann@Acme.example",
                "phone", "+1 555 0100", "title", "CEO", "companyId", acme, "tags", List.of("VIP", "lead"),
                "externalId", "ext-1"));
        Instant afterAnn = clock.advance(Duration.ofMinutes(1));
        String bob = create("/api/v1/contacts", Map.of("name", "bob baker", "email", "bob@other.example",
                "tags", List.of("lead")));
        clock.advance(Duration.ofMinutes(1));
        String cid = create("/api/v1/contacts", Map.of("name", "Cid Cole", "title", "CTO"));

        assertThat(find("contacts", f("name", "EQ", "ANN ARCHER"))).containsExactly(ann);
        assertThat(find("contacts", f("name", "NEQ", "ann archer"))).containsExactly(cid, bob);
        assertThat(find("contacts", f("name", "IN", List.of("Bob Baker", "cid cole")))).containsExactly(cid, bob);
        assertThat(find("contacts", f("name", "NOT_IN", List.of("Bob Baker", "cid cole")))).containsExactly(ann);
        assertThat(find("contacts", f("name", "LT", "B"))).containsExactly(ann);
        assertThat(find("contacts", f("name", "LTE", "bob baker"))).containsExactly(bob, ann);
        assertThat(find("contacts", f("name", "GT", "bob baker"))).containsExactly(cid);
        assertThat(find("contacts", f("name", "GTE", "Bob"))).containsExactly(cid, bob);
        assertThat(find("contacts", between("name", "b", "c"))).containsExactly(bob);
        assertThat(find("contacts", f("name", "CONTAINS_TOKEN", "archer"))).containsExactly(ann);
        assertThat(find("contacts", f("name", "CONTAINS_TOKEN", "arch"))).isEmpty();
        assertThat(find("contacts", f("name", "CONTAINS_TOKEN", "arch*"))).containsExactly(ann);
        assertThat(find("contacts", f("email", "EQ", "ann@ACME.example"))).containsExactly(ann);
        assertThat(find("contacts", f("email", "CONTAINS_TOKEN", "*@acme.example"))).containsExactly(ann);
        assertThat(find("contacts", f("email", "NOT_HAS_PROPERTY", null))).containsExactly(cid);
        assertThat(find("contacts", f("phone", "HAS_PROPERTY", null))).containsExactly(ann);
        assertThat(find("contacts", f("phone", "EQ", "+1 555 0100"))).containsExactly(ann);
        assertThat(find("contacts", f("title", "IN", List.of("CEO", "CTO")))).containsExactly(cid, ann);
        assertThat(find("contacts", f("companyId", "EQ", acme))).containsExactly(ann);
        assertThat(find("contacts", f("companyId", "NEQ", acme))).containsExactly(cid, bob);
        assertThat(find("contacts", f("externalId", "EQ", "ext-1"))).containsExactly(ann);
        assertThat(find("contacts", f("tags", "EQ", "vip"))).containsExactly(ann);
        assertThat(find("contacts", f("tags", "NEQ", "VIP"))).containsExactly(cid, bob);
        assertThat(find("contacts", f("tags", "IN", List.of("vip", "lead")))).containsExactly(bob, ann);
        assertThat(find("contacts", f("tags", "NOT_IN", List.of("vip")))).containsExactly(cid, bob);
        assertThat(find("contacts", f("tags", "HAS_PROPERTY", null))).containsExactly(bob, ann);
        assertThat(find("contacts", f("tags", "NOT_HAS_PROPERTY", null))).containsExactly(cid);
        assertThat(find("contacts", f("createdAt", "GTE", afterAnn.toString()))).containsExactly(cid, bob);
        assertThat(find("contacts", f("createdAt", "LT", afterAnn.toString()))).containsExactly(ann);
        assertThat(find("contacts", between("updatedAt", afterAnn.toString(), afterAnn.toString())))
                .containsExactly(bob);
        // AND within a group, with the q text
        assertThat(ids("contacts", where(f("tags", "EQ", "lead"), f("name", "CONTAINS_TOKEN", "bob"))))
                .containsExactly(bob);
        Map<String, Object> withQuery = new HashMap<>(where(f("tags", "EQ", "lead")));
        withQuery.put("query", "ARCHER");
        assertThat(ids("contacts", withQuery)).containsExactly(ann);
        // the items are the records as GET shows them
        JsonNode item = search("contacts", where(f("name", "EQ", "ann archer"))).json().get("items").get(0);
        assertThat(item.toString()).isEqualTo(http.get("/api/v1/contacts/" + ann).json().toString());
    }

    @Test
    void companiesNestedEnumAndDomainFields() {
        String acme = create("/api/v1/companies", Map.of("name", "Acme Holdings", "domain", "acme.example",
                "industry", "Heavy Machinery", "address", Map.of("city", "Berlin", "country", "DE"),
                "tags", List.of("key")));
        String globex = create("/api/v1/companies", Map.of("name", "Globex", "domain", "globex.example",
                "address", Map.of("city", "Paris", "country", "FR")));
        assertThat(find("companies", f("domain", "EQ", "ACME.example"))).containsExactly(acme);
        assertThat(find("companies", f("address.city", "EQ", "Paris"))).containsExactly(globex);
        assertThat(find("companies", f("address.country", "IN", List.of("de", "IT")))).containsExactly(acme);
        assertThat(find("companies", f("address.country", "NOT_IN", List.of("DE")))).containsExactly(globex);
        assertThat(find("companies", f("industry", "CONTAINS_TOKEN", "machinery"))).containsExactly(acme);
        assertThat(find("companies", f("industry", "NOT_HAS_PROPERTY", null))).containsExactly(globex);
        assertThat(ids("companies", where(f("tags", "EQ", "key"), f("name", "GT", "a")))).containsExactly(acme);
    }

    @Test
    void dealsDecimalAmountsDatesEnumsAndLists() {
        String ann = create("/api/v1/contacts", Map.of("name", "Ann"));
        String small = create("/api/v1/deals", Map.of("title", "Small", "amount", "99.50", "currency", "EUR",
                "expectedCloseDate", "2026-01-15", "contactIds", List.of(ann)));
        String big = create("/api/v1/deals", Map.of("title", "Big", "amount", 25000, "stage", "won",
                "expectedCloseDate", "2026-03-01"));
        String none = create("/api/v1/deals", Map.of("title", "None yet", "stage", "proposal"));

        assertThat(find("deals", f("amount", "EQ", "99.5"))).containsExactly(small);
        assertThat(find("deals", f("amount", "NEQ", "99.50"))).containsExactly(none, big);
        assertThat(find("deals", f("amount", "GT", "99.50"))).containsExactly(big);
        assertThat(find("deals", f("amount", "GTE", 99.5))).containsExactly(big, small);
        assertThat(find("deals", f("amount", "LT", "25000"))).containsExactly(small);
        assertThat(find("deals", f("amount", "LTE", "25000.00"))).containsExactly(big, small);
        assertThat(find("deals", between("amount", "100", "30000"))).containsExactly(big);
        assertThat(find("deals", f("amount", "IN", List.of("99.50", "1")))).containsExactly(small);
        assertThat(find("deals", f("amount", "NOT_HAS_PROPERTY", null))).containsExactly(none);
        assertThat(find("deals", f("currency", "EQ", "eur"))).containsExactly(small);
        assertThat(find("deals", f("stage", "IN", List.of("won", "proposal")))).containsExactly(none, big);
        assertThat(find("deals", f("stage", "NOT_IN", List.of("won", "proposal")))).containsExactly(small);
        assertThat(find("deals", between("expectedCloseDate", "2026-01-01", "2026-01-31"))).containsExactly(small);
        assertThat(find("deals", f("expectedCloseDate", "GT", "2026-01-15"))).containsExactly(big);
        assertThat(find("deals", f("closedAt", "HAS_PROPERTY", null))).containsExactly(big);
        assertThat(find("deals", f("closedAt", "LTE", clock.instant().toString()))).containsExactly(big);
        assertThat(find("deals", f("contactIds", "EQ", ann))).containsExactly(small);
        assertThat(find("deals", f("contactIds", "NOT_HAS_PROPERTY", null))).containsExactly(none, big);
        assertThat(find("deals", f("title", "EQ", "BIG"))).containsExactly(big);
        // the example: an indexed stage, a range on the amount, newest first
        assertThat(ids("deals", where(f("stage", "IN", List.of("won", "lead")), f("amount", "GTE", "10000"))))
                .containsExactly(big);
    }

    @Test
    void activitiesBooleansDatetimesAndAContactsOpenTasks() {
        String ann = create("/api/v1/contacts", Map.of("name", "Ann"));
        String bob = create("/api/v1/contacts", Map.of("name", "Bob"));
        String openTask = create("/api/v1/activities", Map.of("type", "task", "subject", "Send the proposal",
                "dueAt", "2026-02-01T09:00:00Z", "contactId", ann));
        String doneTask = create("/api/v1/activities", Map.of("type", "task", "subject", "Call back",
                "completedAt", "2026-01-02T09:00:00Z", "contactId", ann));
        String note = create("/api/v1/activities", Map.of("subject", "Met at the fair", "contactId", ann));
        String bobsTask = create("/api/v1/activities", Map.of("type", "task", "subject", "Intro",
                "contactId", bob));

        // a contact's open tasks: as a list filter and as a search
        List<String> listed = new ArrayList<>();
        http.get("/api/v1/activities?contactId=" + ann + "&open=true").json().get("items")
                .forEach(i -> listed.add(i.get("id").asString()));
        assertThat(listed).containsExactly(openTask);
        assertThat(ids("activities", where(f("contactId", "EQ", ann), f("open", "EQ", true))))
                .containsExactly(openTask);
        assertThat(ids("activities", where(f("contactId", "EQ", ann), f("open", "EQ", "false"))))
                .containsExactly(note, doneTask);
        assertThat(find("activities", f("open", "NEQ", true))).containsExactly(note, doneTask);
        assertThat(find("activities", f("type", "EQ", "task"))).containsExactly(bobsTask, doneTask, openTask);
        assertThat(find("activities", f("type", "NEQ", "task"))).containsExactly(note);
        assertThat(find("activities", f("dueAt", "LT", "2026-03-01T00:00:00+01:00"))).containsExactly(openTask);
        assertThat(find("activities", f("completedAt", "HAS_PROPERTY", null))).containsExactly(doneTask);
        assertThat(find("activities", f("subject", "CONTAINS_TOKEN", "PROPOSAL"))).containsExactly(openTask);
        assertThat(find("activities", f("contactId", "IN", List.of(bob)))).containsExactly(bobsTask);
        // the creator is the assignee and the owner
        assertThat(find("activities", f("assigneeId", "EQ", "me"))).hasSize(4);
        assertThat(ids("activities", where(f("ownerId", "EQ", "me"), f("dueAt", "HAS_PROPERTY", null))))
                .containsExactly(openTask);
        Map<String, Object> byDue = new HashMap<>(where(f("type", "EQ", "task")));
        byDue.put("sorts", List.of(Map.of("propertyName", "dueAt", "direction", "ASCENDING")));
        assertThat(ids("activities", byDue)).containsExactly(openTask, doneTask, bobsTask);
    }

    @Test
    void ownerIdMeIsTheCaller() {
        Document member = user(Role.MEMBER);
        String memberId = member.getObjectId("_id").toHexString();
        String mine = create("/api/v1/deals", Map.of("title", "Mine"));
        String theirs = create("/api/v1/deals", Map.of("title", "Theirs", "ownerId", memberId));
        assertThat(find("deals", f("ownerId", "EQ", "me"))).containsExactly(mine);
        assertThat(find("deals", f("ownerId", "NEQ", "me"))).containsExactly(theirs);
        assertThat(find("deals", f("ownerId", "IN", List.of(memberId, "me")))).containsExactly(theirs, mine);
        Http.Response asMember = http.anonymous().withToken(token(member)).post("/api/v1/deals/search",
                where(f("ownerId", "EQ", "me")));
        assertThat(asMember.json().get("items").get(0).get("id").asString()).isEqualTo(theirs);
        // a viewer may search (a read), like listing
        assertThat(as(Role.VIEWER).post("/api/v1/deals/search", Map.of()).status()).isEqualTo(200);
    }

    // ---- custom properties ----

    @Test
    void customPropertiesOfEveryType() {
        define("deals", "note", "text");
        define("deals", "seats", "number");
        define("deals", "discount", "decimal");
        define("deals", "renewal", "date");
        define("deals", "signedAt", "datetime");
        define("deals", "strategic", "boolean");
        define("deals", "region", "select", "EMEA", "APAC", "AMER");
        define("deals", "products", "multiselect", "crm", "mail", "chat");
        define("deals", "buyer", "email");
        define("deals", "site", "url");
        define("deals", "hotline", "phone");
        String a = create("/api/v1/deals", Map.of("title", "A"));
        String b = create("/api/v1/deals", Map.of("title", "B"));
        String c = create("/api/v1/deals", Map.of("title", "C"));
        Map<String, Object> aValues = new LinkedHashMap<>();
        aValues.put("note", "Renewal Risk");
        aValues.put("seats", 10.0);
        aValues.put("discount", new Decimal128(new BigDecimal("12.50")));
        aValues.put("renewal", "2026-06-30");
        aValues.put("signedAt", Date.from(Instant.parse("2026-01-10T12:00:00Z")));
        aValues.put("strategic", true);
        aValues.put("region", "EMEA");
        aValues.put("products", List.of("crm", "mail"));
        aValues.put("buyer", "Buyer@A.example");
        aValues.put("site", "https://a.example/");
        aValues.put("hotline", "+49 30 1234");
        setCustom("deals", a, aValues);
        setCustom("deals", b, Map.of("seats", 250.0, "region", "APAC", "products", List.of("chat"),
                "strategic", false, "renewal", "2027-01-31", "discount", new Decimal128(new BigDecimal("3"))));

        assertThat(find("deals", f("custom.note", "EQ", "renewal risk"))).containsExactly(a);
        assertThat(find("deals", f("custom.note", "CONTAINS_TOKEN", "risk"))).containsExactly(a);
        assertThat(find("deals", f("custom.note", "NEQ", "RENEWAL RISK"))).containsExactly(c, b);
        assertThat(find("deals", f("custom.seats", "EQ", 10))).containsExactly(a);
        assertThat(find("deals", f("custom.seats", "GT", "10"))).containsExactly(b);
        assertThat(find("deals", between("custom.seats", 5, 300))).containsExactly(b, a);
        assertThat(find("deals", f("custom.discount", "GTE", "12.5"))).containsExactly(a);
        assertThat(find("deals", f("custom.discount", "LT", 12))).containsExactly(b);
        assertThat(find("deals", f("custom.renewal", "LTE", "2026-12-31"))).containsExactly(a);
        assertThat(find("deals", f("custom.signedAt", "GT", "2026-01-01T00:00:00Z"))).containsExactly(a);
        assertThat(find("deals", f("custom.strategic", "EQ", "true"))).containsExactly(a);
        assertThat(find("deals", f("custom.strategic", "EQ", false))).containsExactly(b);
        assertThat(find("deals", f("custom.region", "EQ", "EMEA"))).containsExactly(a);
        assertThat(find("deals", f("custom.region", "IN", List.of("EMEA", "APAC")))).containsExactly(b, a);
        assertThat(find("deals", f("custom.region", "NOT_IN", List.of("EMEA")))).containsExactly(c, b);
        assertThat(find("deals", f("custom.products", "EQ", "mail"))).containsExactly(a);
        assertThat(find("deals", f("custom.products", "IN", List.of("chat", "crm")))).containsExactly(b, a);
        assertThat(find("deals", f("custom.products", "NEQ", "chat"))).containsExactly(c, a);
        assertThat(find("deals", f("custom.buyer", "EQ", "buyer@a.EXAMPLE"))).containsExactly(a);
        assertThat(find("deals", f("custom.site", "EQ", "https://a.example/"))).containsExactly(a);
        assertThat(find("deals", f("custom.hotline", "CONTAINS_TOKEN", "1234"))).containsExactly(a);
        assertThat(find("deals", f("custom.hotline", "HAS_PROPERTY", null))).containsExactly(a);
        assertThat(find("deals", f("custom.region", "NOT_HAS_PROPERTY", null))).containsExactly(c);
        // a custom equality with built-in conditions and a sort
        Map<String, Object> sorted = new HashMap<>(where(f("custom.region", "IN", List.of("EMEA", "APAC")),
                f("title", "NEQ", "x")));
        sorted.put("sorts", List.of(Map.of("propertyName", "title", "direction", "DESCENDING")));
        assertThat(ids("deals", sorted)).containsExactly(b, a);

        // values are checked against the property's type and options
        assertThat(errorFields(search("deals", where(f("custom.seats", "EQ", "many"), f("custom.region", "EQ",
                "LATAM"))))).containsExactly("filterGroups[0].filters[0].value", "filterGroups[0].filters[1].value");
        assertThat(errorFields(search("deals", where(f("custom.strategic", "LT", true)))))
                .containsExactly("filterGroups[0].filters[0].operator");
        assertThat(errorFields(search("deals", where(f("custom.seats", "CONTAINS_TOKEN", "1")))))
                .containsExactly("filterGroups[0].filters[0].operator");
        // an archived (deleted) property is not searchable
        mongo.getCollection(CustomProperties.COLLECTION).updateOne(Filters.eq("name", "region"),
                Updates.set("archived", true));
        assertThat(errorFields(search("deals", where(f("custom.region", "EQ", "EMEA")))))
                .containsExactly("filterGroups[0].filters[0].propertyName");
    }

    @Test
    void customPropertiesOnContactsAndCompanies() {
        define("contacts", "tier", "select", "gold", "silver");
        define("companies", "employees", "number");
        String ann = create("/api/v1/contacts", Map.of("name", "Ann", "tags", List.of("vip")));
        String bob = create("/api/v1/contacts", Map.of("name", "Bob", "tags", List.of("vip")));
        setCustom("persons", ann, Map.of("tier", "gold"));
        setCustom("persons", bob, Map.of("tier", "silver"));
        String acme = create("/api/v1/companies", Map.of("name", "Acme"));
        setCustom("companies", acme, Map.of("employees", 500.0));
        assertThat(ids("contacts", where(f("custom.tier", "EQ", "gold"), f("tags", "EQ", "vip"))))
                .containsExactly(ann);
        Map<String, Object> byName = new HashMap<>(where(f("custom.tier", "IN", List.of("gold", "silver"))));
        byName.put("sorts", List.of(Map.of("propertyName", "name", "direction", "ASCENDING")));
        assertThat(ids("contacts", byName)).containsExactly(ann, bob);
        assertThat(find("companies", f("custom.employees", "GTE", 100))).containsExactly(acme);
        // activities have no custom properties
        assertThat(errorFields(search("activities", where(f("custom.tier", "EQ", "gold")))))
                .containsExactly("filterGroups[0].filters[0].propertyName");
    }

    // ---- groups, sorts, paging, totals, archived ----

    @Test
    void groupsAreOredAndFiltersAnded() {
        String acme = create("/api/v1/companies", Map.of("name", "Acme"));
        String a = create("/api/v1/deals", Map.of("title", "A", "stage", "won", "amount", "5"));
        String b = create("/api/v1/deals", Map.of("title", "B", "companyId", acme, "amount", "50000"));
        String c = create("/api/v1/deals", Map.of("title", "C", "stage", "won", "amount", "20000"));
        create("/api/v1/deals", Map.of("title", "D"));
        Map<String, Object> body = Map.of("filterGroups", List.of(
                Map.of("filters", List.of(f("stage", "EQ", "won"), f("amount", "GT", "10"))),
                Map.of("filters", List.of(f("companyId", "EQ", acme))),
                Map.of("filters", List.of(f("title", "EQ", "a")))));
        assertThat(ids("deals", body)).containsExactly(c, b, a);
    }

    @Test
    void pagesThroughEveryResultOnceInBothDirections() {
        Set<String> expected = new LinkedHashSet<>();
        for (int i = 0; i < 11; i++) {
            // pairs share a title, so the keyset's _id tie-breaker matters
            expected.add(create("/api/v1/deals", Map.of("title", "Deal " + (i / 2), "stage", i % 3 == 0 ? "won"
                    : "lead")));
            clock.advance(Duration.ofSeconds(i % 2));
        }
        create("/api/v1/deals", Map.of("title", "Other", "stage", "qualified"));
        for (String sort : List.of("title", "createdAt", "updatedAt")) {
            for (String direction : List.of("ASCENDING", "DESCENDING")) {
                Map<String, Object> body = new HashMap<>(Map.of("filterGroups", List.of(
                        Map.of("filters", List.of(f("stage", "EQ", "won"))),
                        Map.of("filters", List.of(f("stage", "EQ", "lead")))),
                        "sorts", List.of(Map.of("propertyName", sort, "direction", direction)), "limit", 3));
                List<String> seen = new ArrayList<>();
                List<String> keys = new ArrayList<>();
                int pages = 0;
                String after = null;
                do {
                    if (after != null) {
                        body.put("after", after);
                    }
                    JsonNode page = search("deals", body).json();
                    assertThat(page.get("total").asInt()).isEqualTo(11);
                    page.get("items").forEach(item -> {
                        seen.add(item.get("id").asString());
                        keys.add(sort.equals("title") ? item.get("title").asString().toLowerCase()
                                : item.get(sort).asString());
                    });
                    after = page.get("nextCursor").isNull() ? null : page.get("nextCursor").asString();
                    pages++;
                } while (after != null);
                assertThat(pages).isEqualTo(4);
                assertThat(seen).as(sort + " " + direction).doesNotHaveDuplicates()
                        .containsExactlyInAnyOrderElementsOf(expected);
                List<String> ordered = new ArrayList<>(keys);
                ordered.sort(direction.equals("ASCENDING") ? null : java.util.Comparator.reverseOrder());
                assertThat(keys).as(sort + " " + direction).isEqualTo(ordered);
            }
        }
        // a cursor belongs to its sort
        Map<String, Object> first = new HashMap<>(Map.of("limit", 1));
        String cursor = search("deals", first).json().get("nextCursor").asString();
        assertThat(errorFields(search("deals", Map.of("after", cursor, "sorts",
                List.of(Map.of("propertyName", "title")))))).containsExactly("after");
    }

    @Test
    void aTotalIsKeptUntilItsCollectionChanges() {
        String a = create("/api/v1/deals", Map.of("title", "A", "stage", "won"));
        create("/api/v1/deals", Map.of("title", "B", "stage", "won"));
        relayed();
        Map<String, Object> won = where(f("stage", "EQ", "won"));
        assertThat(search("deals", won).json().get("total").asInt()).isEqualTo(2);

        // a write beside the service (no event: no part of it writes so) is not counted while the total is kept...
        mongo.getCollection("deals").updateOne(Filters.eq("_id", new ObjectId(a)), Updates.set("stage", "lead"));
        JsonNode kept = search("deals", won).json();
        assertThat(kept.get("items").size()).as("the page itself is read anew").isEqualTo(1);
        assertThat(kept.get("total").asInt()).as("kept").isEqualTo(2);
        // ...another search is counted anew
        assertThat(ids("deals", where(f("stage", "EQ", "lead")))).containsExactly(a);

        // any deal's change counts anew: while it waits for the relay, and after
        create("/api/v1/deals", Map.of("title", "C", "stage", "qualified"));
        assertThat(search("deals", won).json().get("total").asInt()).isEqualTo(1);
        relayed();
        assertThat(ids("deals", won)).hasSize(1);
    }

    @Test
    void archivedRecordsAreSearchedOnRequest() {
        String ann = create("/api/v1/contacts", Map.of("name", "Ann", "email", "ann@example.test"));
        String bob = create("/api/v1/contacts", Map.of("name", "Bob", "email", "bob@example.test"));
        assertThat(http.delete("/api/v1/contacts/" + ann).status()).isEqualTo(204);
        assertThat(find("contacts", f("email", "EQ", "ANN@example.test"))).isEmpty();
        Map<String, Object> archived = new HashMap<>(where(f("email", "EQ", "ANN@example.test")));
        archived.put("archived", true);
        assertThat(ids("contacts", archived)).containsExactly(ann);
        archived.put("filterGroups", List.of(Map.of("filters", List.of(f("email", "NEQ", "ann@example.test")))));
        assertThat(ids("contacts", archived)).isEmpty();
        assertThat(ids("contacts", Map.of("archived", true))).containsExactly(ann);
        assertThat(ids("contacts", Map.of())).containsExactly(bob);
        assertThat(search("contacts", Map.of("archived", true)).json().get("items").get(0).get("archived")
                .asBoolean()).isTrue();
    }

    // ---- bad input ----

    @Test
    void badInputIsA400NamingThePath() {
        List<Map<String, Object>> eleven = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            eleven.add(f("stage", "EQ", "lead"));
        }
        List<Object> sixGroups = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            sixGroups.add(Map.of("filters", List.of(f("stage", "EQ", "lead"))));
        }
        List<String> manyIds = new ArrayList<>();
        for (int i = 0; i < 101; i++) {
            manyIds.add(new ObjectId().toHexString());
        }
        assertThat(errorFields(search("deals", where(f("colour", "EQ", "red")))))
                .containsExactly("filterGroups[0].filters[0].propertyName");
        assertThat(errorFields(search("activities", where(f("subject", "EQ", "x"), f("open", "LT", true)))))
                .containsExactly("filterGroups[0].filters[1].operator");
        assertThat(errorFields(search("deals", where(f("amount", "CONTAINS_TOKEN", "10")))))
                .containsExactly("filterGroups[0].filters[0].operator");
        assertThat(errorFields(search("deals", where(f("amount", "GT", "lots"), f("expectedCloseDate", "LT",
                "tomorrow"), f("companyId", "EQ", "acme"))))).containsExactly("filterGroups[0].filters[0].value",
                "filterGroups[0].filters[1].value", "filterGroups[0].filters[2].value");
        assertThat(errorFields(search("contacts", where(f("createdAt", "GT", "2026-01-01")))))
                .containsExactly("filterGroups[0].filters[0].value");
        assertThat(errorFields(search("deals", Map.of("filterGroups", List.of(Map.of("filters", List.of(
                Map.of("propertyName", "amount", "operator", "BETWEEN", "value", "1"),
                Map.of("propertyName", "stage", "operator", "IN"),
                Map.of("propertyName", "stage", "operator", "EQ"))))))))
                .containsExactly("filterGroups[0].filters[0].highValue", "filterGroups[0].filters[1].values",
                        "filterGroups[0].filters[2].value");
        assertThat(errorFields(search("deals", Map.of("filterGroups", sixGroups)))).containsExactly("filterGroups");
        assertThat(errorFields(search("deals", Map.of("filterGroups", List.of(Map.of("filters", eleven))))))
                .containsExactly("filterGroups[0].filters");
        assertThat(errorFields(search("deals", where(f("companyId", "IN", manyIds)))))
                .containsExactly("filterGroups[0].filters[0].values");
        assertThat(errorFields(search("deals", Map.of("limit", 0)))).containsExactly("limit");
        assertThat(errorFields(search("deals", Map.of("limit", 101)))).containsExactly("limit");
        assertThat(errorFields(search("deals", Map.of("sorts", List.of(Map.of("propertyName", "stage"))))))
                .containsExactly("sorts[0].propertyName");
        assertThat(errorFields(search("deals", Map.of("filterGroups", "stage")))).containsExactly("filterGroups");
        assertThat(errorFields(search("deals", Map.of("filterGroups", List.of(Map.of("filters", "stage"))))))
                .containsExactly("filterGroups[0].filters");
        assertThat(errorFields(search("deals", Map.of("sorts", "title")))).containsExactly("sorts");
        assertThat(errorFields(search("deals", Map.of("after", "garbage")))).containsExactly("after");
        assertThat(errorFields(search("deals", Map.of("query", "a\u0000b")))).containsExactly("query");
        // not JSON, an array, the wrong media type: Spring MVC's own 4xx problems
        assertThat(http.send("POST", "/api/v1/deals/search", "application/json", "[1,2]").status()).isEqualTo(400);
        assertThat(http.send("POST", "/api/v1/deals/search", "application/json", "{\"limit\":").status())
                .isEqualTo(400);
        assertThat(http.send("POST", "/api/v1/deals/search", "text/plain", "{}").status()).isEqualTo(415);
        assertThat(http.post("/api/v1/things/search", Map.of()).status()).isEqualTo(404);
    }

    @Test
    void aSavedViewsSearchAndColumnsAreCheckedByTheSearchGrammar() {
        define("deals", "region", "select", "EMEA", "APAC");
        Map<String, Object> good = Map.of("name", "EMEA deals", "objectType", "deals",
                "search", where(f("custom.region", "EQ", "EMEA"), f("ownerId", "EQ", "me")),
                "columns", List.of("title", "amount", "custom.region", "id"));
        Http.Response created = http.post("/api/v1/views", good);
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        Map<String, Object> bad = Map.of("name", "Broken", "objectType", "deals",
                "search", where(f("custom.region", "EQ", "LATAM"), f("amount", "CONTAINS_TOKEN", "1")),
                "columns", List.of("title", "colour"));
        assertThat(errorFields(http.post("/api/v1/views", bad))).containsExactlyInAnyOrder(
                "search.filterGroups[0].filters[0].value", "search.filterGroups[0].filters[1].operator",
                "columns[1]");
    }

    @Test
    void everySearchIsInTheOpenApiDocument() {
        JsonNode paths = http.get("/v3/api-docs").json().get("paths");
        for (String type : List.of("contacts", "companies", "deals", "activities")) {
            assertThat(paths.get("/api/v1/" + type + "/search").has("post")).as(type).isTrue();
        }
    }
}
