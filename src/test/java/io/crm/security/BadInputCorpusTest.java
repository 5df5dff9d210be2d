package io.crm.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.crm.support.ApiTest;
import io.crm.support.Http;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;

/**
 * Hundreds of malformed or hostile requests across every endpoint. Each must be refused with a 4xx in the API's
 * error shape (problem+json, or {@code {"error"}} on the legacy paths), without a trace of internals, and the
 * database must be exactly as it was before.
 */
class BadInputCorpusTest extends ApiTest {

    record Attack(String method, String path, String contentType, String body, String... headers) {
        @Override
        public String toString() {
            String shown = body == null ? "" : " " + (body.length() > 80 ? body.substring(0, 80) + "..." : body);
            return method + " " + (path.length() > 100 ? path.substring(0, 100) + "..." : path) + " ["
                    + contentType + "]" + shown + (headers.length > 0 ? " " + String.join(" ", headers) : "");
        }
    }

    private static final String JSON = "application/json";

    @Test
    void everyHostileRequestIsACleanRefusalAndChangesNothing() {
        String contact = create("/api/v1/contacts", Map.of("name", "Ann", "email", "ann@example.test",
                "tags", List.of("vip")));
        String company = create("/api/v1/companies", Map.of("name", "Acme", "domain", "acme.example"));
        String deal = create("/api/v1/deals", Map.of("title", "Big deal", "amount", "100.00", "companyId", company));
        String activity = create("/api/v1/activities", Map.of("type", "task", "subject", "Call back",
                "contactId", contact));
        assertThat(http.post("/person/p-1", Map.of("name", "Legacy", "email", "legacy@example.test")).status())
                .isEqualTo(201);
        String userId = user(Role.VIEWER).getObjectId("_id").toHexString();
        http.get("/api/v1/contacts"); // the admin token's last-used time is set now, not during the attacks

        List<Attack> attacks = corpus(contact, company, deal, activity, userId);
        Map<String, List<Document>> before = snapshot();

        List<String> wrong = new ArrayList<>();
        for (Attack attack : attacks) {
            Http.Response response = http.send(attack.method(), attack.path(), attack.contentType(), attack.body(),
                    attack.headers());
            String problem = judge(attack, response);
            if (problem != null) {
                wrong.add(attack + " -> " + problem + ": " + abbreviate(response.toString()));
            }
        }
        assertThat(wrong).as("%d attacks", attacks.size()).isEmpty();
        assertThat(attacks.size()).isGreaterThanOrEqualTo(300);
        assertThat(snapshot()).as("database after the attacks").isEqualTo(before);
        assertThat(mongo.getCollection(LoginThrottle.COLLECTION).countDocuments())
                .as("the malformed sign-ins were counted").isPositive();
    }

    @Test
    void searchTextIsMatchedLiterallyNeverAsARegexOrOperator() {
        create("/api/v1/contacts", Map.of("name", "a.*b (x+)+$"));
        create("/api/v1/contacts", Map.of("name", "Plain"));
        for (String q : List.of(".*", "(x+)+$", "[a-z]", "^P", "\\", "{\"$ne\":null}", "$where", "|")) {
            Http.Response list = http.get("/api/v1/contacts?q=" + enc(q));
            assertThat(list.status()).as(q).isEqualTo(200);
            list.json().get("items").forEach(item ->
                    assertThat(item.get("name").asString().toLowerCase()).as(q).contains(q.toLowerCase()));
        }
        assertThat(http.get("/api/v1/contacts?q=" + enc(".*")).json().get("items")).hasSize(1);
        assertThat(http.get("/api/v1/contacts?q=" + enc("^P")).json().get("items")).isEmpty();
        http.post("/person/p-9", Map.of("name", "a.*b", "email", "x@example.test"));
        // v1 contacts are persons too: both names contain the two characters ".*", nothing else matches
        assertThat(http.get("/person/search?q=" + enc(".*")).json()).extracting(p -> p.get("name").asString())
                .containsExactlyInAnyOrder("a.*b (x+)+$", "a.*b");
        assertThat(http.get("/person/search?q=" + enc("^a")).json()).isEmpty();
    }

    private List<Attack> corpus(String contact, String company, String deal, String activity, String userId) {
        List<Attack> attacks = new ArrayList<>();
        String deep = "1";
        for (int i = 0; i < 200; i++) {
            deep = "{\"a\":" + deep + "}";
        }
        String deepArray = "[".repeat(500) + "]".repeat(500);
        String huge = "\"" + "x".repeat(150_000) + "\"";
        String oversized = "{\"name\":\"" + "y".repeat(1_100_000) + "\"}";

        // bodies no JSON endpoint may accept
        List<String> broken = List.of("{", "{\"name\":", "[1,2", "nul", "{\"name\":\"a\"}}", "{'name':'a'}",
                "", "   ", "\uFEFF{garbage", "{\"name\":\"a\",}", "{\"name\" \"a\"}", "NaN", "{\"a\":NaN}",
                "{\"name\":\"\\ud800\"}", "{\"name\":\"a\\u0000b\",", deepArray, "{\"a\":" + deep + "}",
                "{\"name\":" + huge + "}", "<xml/>", "\u0000\u0001\u0002");
        Map<String, String> writes = new LinkedHashMap<>();
        writes.put("POST /api/v1/contacts", null);
        writes.put("PATCH /api/v1/contacts/" + contact, null);
        writes.put("POST /api/v1/companies", null);
        writes.put("PATCH /api/v1/companies/" + company, null);
        writes.put("POST /api/v1/deals", null);
        writes.put("PATCH /api/v1/deals/" + deal, null);
        writes.put("POST /api/v1/activities", null);
        writes.put("PATCH /api/v1/activities/" + activity, null);
        writes.put("POST /api/v1/users", null);
        writes.put("PATCH /api/v1/users/" + userId, null);
        writes.put("POST /api/v1/auth/tokens", null);
        writes.put("POST /person/p-new", null);
        writes.put("PUT /person/p-1", null);
        writes.put("POST /person/bulk", null);
        writes.put("DELETE /person/bulk", null);
        for (String write : writes.keySet()) {
            String[] mp = write.split(" ", 2);
            String type = mp[0].equals("PATCH") && mp[1].startsWith("/api/v1/")
                    && !mp[1].startsWith("/api/v1/users") ? "application/merge-patch+json" : JSON;
            for (String body : broken) {
                attacks.add(new Attack(mp[0], mp[1], type, body));
            }
            // wrong content types and oversized bodies
            attacks.add(new Attack(mp[0], mp[1], "text/plain", "{\"name\":\"a\"}"));
            attacks.add(new Attack(mp[0], mp[1], "application/xml", "<name>a</name>"));
            attacks.add(new Attack(mp[0], mp[1], "application/x-www-form-urlencoded", "name=a"));
            attacks.add(new Attack(mp[0], mp[1], JSON, oversized));
        }

        // well-formed JSON with wrong types, operators, paths and values, per resource
        String ann = "\"name\":\"Ann\",";
        for (String body : List.of("{\"name\":123}", "{\"name\":[]}", "{\"name\":{}}", "{\"name\":true}",
                "{" + ann + "\"email\":\"not-an-email\"}", "{" + ann + "\"email\":\"a.*@b\"}",
                "{" + ann + "\"email\":{\"$ne\":null}}", "{" + ann + "\"tags\":\"vip\"}",
                "{" + ann + "\"tags\":[\"(a+)+$\"]}", "{" + ann + "\"tags\":[1,2]}",
                "{" + ann + "\"companyId\":\"not-an-id\"}", "{" + ann + "\"companyId\":{\"$gt\":\"\"}}",
                "{" + ann + "\"companyId\":\"" + new ObjectId() + "\"}", "{" + ann + "\"$set\":{\"name\":\"x\"}}",
                "{" + ann + "\"a.b\":1}", "{" + ann + "\"attributes\":{\"$gt\":1}}",
                "{" + ann + "\"attributes\":{\"a.b\":1}}", "{" + ann + "\"attributes\":{\"x\":{\"y\":1}}}",
                "{" + ann + "\"unknownField\":1}", "{" + ann + "\"_crm\":{\"version\":99}}",
                "{\"name\":\"" + "n".repeat(5000) + "\"}", "{" + ann + "\"tags\":" + manyTags(500) + "}",
                "{" + ann + "\"attributes\":" + manyAttributes(500) + "}", "{" + ann + "\"ownerId\":\"x\"}",
                "{" + ann + "\"ownerId\":\"" + new ObjectId() + "\"}", "[]", "\"text\"", "42", "null")) {
            attacks.add(new Attack("POST", "/api/v1/contacts", JSON, body));
            attacks.add(new Attack("PATCH", "/api/v1/contacts/" + contact, "application/merge-patch+json", body));
        }
        for (String body : List.of("{\"name\":\"\"}", "{\"name\":\"Beta\",\"domain\":\"not a domain\"}",
                "{\"name\":\"Beta\",\"domain\":\"-x-.example\"}", "{\"name\":\"Beta\",\"address\":\"Main St\"}",
                "{\"name\":\"Beta\",\"address\":{\"$where\":\"1\"}}", "{\"name\":\"Beta\",\"domain\":\"acme.example\"}")) {
            attacks.add(new Attack("POST", "/api/v1/companies", JSON, body));
        }
        for (String body : List.of("{\"title\":\"D\",\"amount\":\"abc\"}", "{\"title\":\"D\",\"amount\":-1}",
                "{\"title\":\"D\",\"amount\":\"1.001\"}", "{\"title\":\"D\",\"amount\":1e400}",
                "{\"title\":\"D\",\"amount\":\"NaN\"}", "{\"title\":\"D\",\"currency\":\"euro\"}",
                "{\"title\":\"D\",\"stage\":\"nowhere\"}", "{\"title\":\"D\",\"stage\":5}",
                "{\"title\":\"D\",\"contactIds\":\"x\"}", "{\"title\":\"D\",\"contactIds\":[\"" + new ObjectId()
                        + "\"]}", "{\"title\":\"D\",\"closedAt\":\"yesterday\",\"x\":1}",
                "{\"title\":\"D\",\"expectedCloseDate\":\"31/12/2026\"}")) {
            attacks.add(new Attack("POST", "/api/v1/deals", JSON, body));
            attacks.add(new Attack("PATCH", "/api/v1/deals/" + deal, "application/merge-patch+json", body));
        }
        for (String body : List.of("{\"type\":\"note\"}", "{\"type\":\"party\",\"contactId\":\"" + contact + "\"}",
                "{\"type\":\"task\",\"subject\":\"x\",\"contactId\":\"" + contact + "\",\"dueAt\":\"soon\"}",
                "{\"type\":\"note\",\"subject\":\"x\",\"dealId\":\"" + new ObjectId() + "\"}")) {
            attacks.add(new Attack("POST", "/api/v1/activities", JSON, body));
        }
        for (String body : List.of("{\"email\":\"x@example.test\",\"displayName\":\"X\",\"role\":\"GOD\","
                        + "\"password\":\"long enough password\"}",
                "{\"email\":\"x@example.test\",\"displayName\":\"X\",\"role\":\"VIEWER\",\"password\":\"short\"}",
                "{\"email\":\"x@example.test\",\"displayName\":\"X\",\"role\":\"VIEWER\",\"password\":\""
                        + "p".repeat(100) + "\"}",
                "{\"email\":{\"$ne\":1},\"displayName\":\"X\",\"role\":\"VIEWER\",\"password\":\"long enough pw\"}",
                "{\"email\":\"x@example.test\",\"displayName\":\"X\",\"role\":\"VIEWER\",\"password\":12345678901234}",
                "{\"email\":\"x@example.test\",\"displayName\":\"X\",\"role\":\"VIEWER\",\"password\":\"long enough "
                        + "pw\",\"passwordHash\":\"{noop}x\"}")) {
            attacks.add(new Attack("POST", "/api/v1/users", JSON, body));
        }
        for (String body : List.of("{\"role\":\"ROOT\"}", "{\"enabled\":\"no\"}", "{\"email\":\"new@x.test\"}",
                "{\"password\":\"short\"}", "{\"passwordHash\":\"{noop}x\"}")) {
            attacks.add(new Attack("PATCH", "/api/v1/users/" + userId, JSON, body));
        }
        for (String body : List.of("{}", "{\"name\":\"\"}", "{\"name\":\"t\",\"expiresInDays\":-1}",
                "{\"name\":\"t\",\"expiresInDays\":100000}", "{\"name\":\"t\",\"expiresInDays\":1.5}",
                "{\"name\":\"t\",\"scopes\":\"admin\"}", "{\"name\":\"t\",\"scopes\":[]}",
                "{\"name\":\"t\",\"scopes\":[\"root\"]}", "{\"name\":\"t\",\"scopes\":[{\"$ne\":null}]}",
                "{\"name\":\"t\",\"scopes\":[1]}", "{\"name\":\"t\",\"scopes\":{\"read\":true}}")) {
            attacks.add(new Attack("POST", "/api/v1/auth/tokens", JSON, body));
        }
        // service accounts: no email, no password, a known kind
        for (String body : List.of("{\"kind\":\"robot\",\"displayName\":\"S\",\"role\":\"MEMBER\"}",
                "{\"kind\":[\"service\"],\"displayName\":\"S\",\"role\":\"MEMBER\"}",
                "{\"kind\":\"service\",\"displayName\":\"S\",\"role\":\"MEMBER\",\"password\":\"long enough pass\"}",
                "{\"kind\":\"service\",\"displayName\":\"S\",\"role\":\"MEMBER\",\"email\":\"s@x.test\"}",
                "{\"kind\":\"service\",\"role\":\"MEMBER\"}", "{\"kind\":\"service\",\"displayName\":\"S\"}")) {
            attacks.add(new Attack("POST", "/api/v1/users", JSON, body));
        }
        // the legacy API stores free-form objects: no operators, paths or our bookkeeping key at any depth
        for (String body : List.of("{\"$where\":\"sleep(1000)\"}", "{\"name\":{\"$ne\":null}}",
                "{\"a.b\":1}", "{\"x\":{\"y\":{\"$gt\":1}}}", "{\"_crm\":{\"archived\":true}}",
                "{\"list\":[{\"$set\":1}]}", "{\"\\u0000\":1}", "[]", "\"x\"", "{}")) {
            attacks.add(new Attack("POST", "/person/p-new", JSON, body));
            attacks.add(new Attack("PUT", "/person/p-1", JSON, body));
        }
        for (String body : List.of("{}", "[{\"name\":\"no id\"}]", "[{\"person_id\":\"x\",\"$set\":1}]",
                "[{\"person_id\":{\"$gt\":\"\"}}]", "[{\"person_id\":\"d\"},{\"person_id\":\"d\"}]",
                "[{\"person_id\":\"p-1\"}]", "[" + "{\"person_id\":\"b\"},".repeat(100) + "{\"person_id\":\"c\"}]")) {
            attacks.add(new Attack("POST", "/person/bulk", JSON, body));
        }
        for (String body : List.of("{}", "\"p-1\"", "[{\"$gt\":\"\"}]", "[[\"p-1\"]]")) {
            attacks.add(new Attack("DELETE", "/person/bulk", JSON, body));
        }

        // query strings
        for (String resource : List.of("contacts", "companies", "deals", "activities")) {
            String base = "/api/v1/" + resource + "?";
            for (String query : List.of("limit=0", "limit=-1", "limit=101", "limit=abc", "limit=1e3",
                    "limit=99999999999999999999", "cursor=garbage", "cursor=" + enc("{\"$gt\":\"\"}"),
                    "cursor=eyJ2IjoiJGd0In0", "sort=-_crm.version", "sort=$where", "sort=name;drop",
                    "sort=" + "s".repeat(3000), "archived=maybe", "companyId=not-an-id",
                    "companyId=" + enc("{\"$gt\":\"\"}"))) {
                if (resource.equals("companies") && query.startsWith("companyId")) {
                    continue; // companies have no companyId filter; unknown parameters are ignored
                }
                attacks.add(new Attack("GET", base + query, null, null));
            }
        }
        // several filters combine (AND); a bad one among them is still refused
        for (String query : List.of("stage=nowhere", "stage=won&companyId=zzz", "contactId=zzz")) {
            attacks.add(new Attack("GET", "/api/v1/deals?" + query, null, null));
        }
        for (String query : List.of("type=party", "open=perhaps", "type=note&dealId=zzz")) {
            attacks.add(new Attack("GET", "/api/v1/activities?" + query, null, null));
        }
        // searches: operators and paths smuggled in as property names or values, hostile shapes
        for (String body : List.of(
                "{\"filterGroups\":[{\"filters\":[{\"propertyName\":\"$where\",\"operator\":\"EQ\",\"value\":\"1\"}]}]}",
                "{\"filterGroups\":[{\"filters\":[{\"propertyName\":\"_crm.version\",\"operator\":\"GT\",\"value\":0}]}]}",
                "{\"filterGroups\":[{\"filters\":[{\"propertyName\":\"title\",\"operator\":\"EQ\",\"value\":{\"$ne\":null}}]}]}",
                "{\"filterGroups\":[{\"filters\":[{\"propertyName\":\"title\",\"operator\":\"$regex\",\"value\":\".*\"}]}]}",
                "{\"filterGroups\":[{\"filters\":[{\"propertyName\":\"stage\",\"operator\":\"IN\",\"values\":[{\"$gt\":\"\"}]}]}]}",
                "{\"filterGroups\":{\"filters\":[]}}", "{\"sorts\":[{\"propertyName\":\"$natural\"}]}",
                "{\"limit\":99999999999999999999}", "{\"after\":\"eyJ2IjoiJGd0In0\"}", "[]", "\"x\"")) {
            attacks.add(new Attack("POST", "/api/v1/deals/search", JSON, body));
        }
        for (String query : List.of("page=0", "page=-1", "page=x", "limit=0", "limit=x", "id=zzz",
                "id=" + new ObjectId(), "page=99999999999999999999")) {
            attacks.add(new Attack("GET", "/person?" + query, null, null));
        }
        for (String query : List.of("", "q=", "q=%00", "q=a%00b")) {
            attacks.add(new Attack("GET", "/person/search?" + query, null, null));
        }
        for (String query : List.of("limit=0", "cursor=zzz", "entityId=" + contact, "actorId=x&entityType=contact")) {
            attacks.add(new Attack("GET", "/api/v1/audit?" + query, null, null));
        }
        attacks.add(new Attack("GET", "/api/v1/users?cursor=zzz", null, null));
        for (String body : List.of("{}", "{\"duplicateId\":1}", "{\"duplicateId\":\"" + contact + "\"}",
                "{\"duplicateId\":{\"$ne\":null}}", "{\"duplicateId\":\"zzz\"}", "[]", "{\"duplicateId\":\""
                        + new ObjectId() + "\",\"x\":1}")) {
            attacks.add(new Attack("POST", "/api/v1/contacts/" + contact + "/merge", JSON, body));
        }
        attacks.add(new Attack("GET", "/api/v1/contacts/zzz/duplicates", null, null));
        attacks.add(new Attack("GET", "/api/v1/users?limit=1000", null, null));

        // ids in paths
        for (String id : List.of("zzz", "%24where", "..%2F..%2Fetc%2Fpasswd", "x".repeat(3000),
                new ObjectId().toHexString(), "%00", "null", "-1")) {
            for (String resource : List.of("contacts", "companies", "deals", "activities", "users")) {
                attacks.add(new Attack("GET", "/api/v1/" + resource + "/" + id, null, null));
            }
            attacks.add(new Attack("PATCH", "/api/v1/contacts/" + id, "application/merge-patch+json",
                    "{\"name\":\"x\"}"));
            attacks.add(new Attack("DELETE", "/api/v1/deals/" + id, null, null));
            attacks.add(new Attack("POST", "/api/v1/companies/" + id + "/restore", JSON, "{}"));
            attacks.add(new Attack("DELETE", "/api/v1/auth/tokens/" + id, null, null));
            attacks.add(new Attack("GET", "/api/v1/contacts/" + id + "/timeline", null, null));
        }
        for (String personId : List.of("p".repeat(201), "nobody", "%00")) {
            attacks.add(new Attack("GET", "/person/" + personId, null, null));
            attacks.add(new Attack("PUT", "/person/" + personId, JSON, "{\"name\":\"x\"}"));
            attacks.add(new Attack("DELETE", "/person/" + personId, null, null));
        }
        attacks.add(new Attack("POST", "/person/" + "p".repeat(201), JSON, "{\"name\":\"x\"}"));

        // headers
        for (String ifMatch : List.of("garbage", "\"-1\"", "W/\"x\"", "\"1\", \"2\"", "\"99999999999999999999\"",
                "\"5\"")) {
            attacks.add(new Attack("PATCH", "/api/v1/contacts/" + contact, "application/merge-patch+json",
                    "{\"name\":\"x\"}", "If-Match", ifMatch));
            attacks.add(new Attack("DELETE", "/api/v1/companies/" + company, null, null, "If-Match", ifMatch));
        }
        for (String authorization : List.of("Bearer " + "a".repeat(10_000), "Bearer crm_\u00e9\u00e8", "Bearer",
                "Bearer  crm_x y", "Token abc", "Basic !!!notbase64", "Basic " + b64("no-colon"),
                "Basic " + b64("admin@crm.local:"), "bearer crm_wrong", "Digest username=\"x\"")) {
            attacks.add(new Attack("GET", "/api/v1/contacts", null, null, "Authorization", authorization));
            attacks.add(new Attack("POST", "/api/v1/auth/tokens", JSON, "{\"name\":\"t\"}",
                    "Authorization", authorization));
            attacks.add(new Attack("DELETE", "/person/p-1", null, null, "Authorization", authorization));
        }
        attacks.add(new Attack("POST", "/api/v1/contacts", "application/json; charset=ebcdic", "{\"name\":\"x\"}"));
        attacks.add(new Attack("POST", "/api/v1/contacts", "multipart/form-data", "--x--"));
        attacks.add(new Attack("POST", "/api/v1/contacts", "application/json;" + "p=1;".repeat(500),
                "{\"name\":1}"));
        attacks.add(new Attack("GET", "/api/v1/contacts/" + contact, null, null, "Accept", "application/xml"));
        attacks.add(new Attack("PUT", "/api/v1/contacts/" + contact, JSON, "{\"name\":\"x\"}"));
        attacks.add(new Attack("PATCH", "/api/v1/contacts", JSON, "{\"name\":\"x\"}"));
        attacks.add(new Attack("DELETE", "/api/v1/contacts", null, null));
        attacks.add(new Attack("POST", "/api/v1/pipeline", JSON, "{}"));
        attacks.add(new Attack("GET", "/api/v1/nothing-here", null, null));
        attacks.add(new Attack("POST", "/stats", JSON, "{}"));
        return attacks;
    }

    private static String judge(Attack attack, Http.Response response) {
        int status = response.status();
        if (status < 400 || status >= 500) {
            return "not a 4xx";
        }
        String body = response.body();
        for (String leak : List.of("Exception", "\tat ", "at io.crm", "at org.", "java.lang", "tools.jackson",
                "com.mongodb", "org.bson", "trace")) {
            if (body.contains(leak)) {
                return "body leaks internals (" + leak + ")";
            }
        }
        if (status == 405 && body.isEmpty()) {
            return "405 without a body";
        }
        boolean legacy = attack.path().startsWith("/person") || attack.path().startsWith("/stats");
        if (legacy) {
            return body.startsWith("{\"error\":") ? null : "legacy error without {\"error\"}";
        }
        return response.contentType().startsWith("application/problem+json") && body.contains("\"status\":" + status)
                ? null : "not problem+json";
    }

    /**
     * Every collection's documents, sorted by id, without the one field reads may touch (token last use), and without
     * the sign-in throttle's counters: counting the corpus's failed sign-ins is their job.
     */
    private Map<String, List<Document>> snapshot() {
        return BadResponses.snapshot(mongo, relay);
    }

    private static String manyTags(int n) {
        List<String> tags = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            tags.add("\"t" + i + "\"");
        }
        return "[" + String.join(",", tags) + "]";
    }

    private static String manyAttributes(int n) {
        List<String> entries = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            entries.add("\"k" + i + "\":" + i);
        }
        return "{" + String.join(",", entries) + "}";
    }

    private static String enc(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
    }

    private static String b64(String s) {
        return java.util.Base64.getEncoder().encodeToString(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static String abbreviate(String s) {
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }
}
