package io.crm.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import io.crm.support.ApiTest;
import io.crm.support.Http;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Token scopes over HTTP: the defaults, the cap by role (400), a missing scope (403), demotion, old tokens. */
class ScopedTokensTest extends ApiTest {

    private Http.Response mint(Document user, Object body) {
        String basic = "Basic " + Base64.getEncoder().encodeToString((user.getString("email") + ":" + PASSWORD)
                .getBytes(StandardCharsets.UTF_8));
        return http.anonymous().post("/api/v1/auth/tokens", body, "Authorization", basic);
    }

    private static List<String> scopes(JsonNode json) {
        List<String> out = new ArrayList<>();
        json.get("scopes").forEach(s -> out.add(s.asString()));
        return out;
    }

    @Test
    void withoutScopesATokenReadsAndWritesAndAViewersOnlyReads() {
        Http.Response member = mint(user(Role.MEMBER), Map.of("name", "m"));
        assertThat(member.status()).isEqualTo(201);
        assertThat(scopes(member.json())).containsExactly("read", "write");
        Http.Response admin = mint(user(Role.ADMIN), Map.of("name", "a"));
        assertThat(scopes(admin.json())).containsExactly("read", "write");
        Http.Response viewer = mint(user(Role.VIEWER), Map.of("name", "v"));
        assertThat(scopes(viewer.json())).containsExactly("read");
        // listed the same way, with the last use
        Http.Response list = http.anonymous().withToken(viewer.json().get("token").asString()).get("/api/v1/auth/tokens");
        JsonNode item = list.json().get("items").get(0);
        assertThat(scopes(item)).containsExactly("read");
        assertThat(item.has("lastUsedAt")).isTrue();
        assertThat(item.get("lastUsedFrom").asString()).isEqualTo("127.0.0.1");
        // write names read along with it
        Http.Response write = mint(user(Role.MEMBER), Map.of("name", "w", "scopes", List.of("write")));
        assertThat(scopes(write.json())).containsExactly("read", "write");
    }

    @Test
    void aTokenNeverExceedsItsOwnersRoleWhenMinted() {
        for (Object[] refused : new Object[][]{{Role.VIEWER, List.of("write")}, {Role.VIEWER, List.of("admin")},
                {Role.MEMBER, List.of("read", "admin")}, {Role.ADMIN, List.of()}, {Role.ADMIN, List.of("sudo")},
                {Role.ADMIN, "admin"}}) {
            Http.Response response = mint(user((Role) refused[0]), Map.of("name", "x", "scopes", refused[1]));
            assertThat(response.status()).as("%s asking %s", refused[0], refused[1]).isEqualTo(400);
            assertThat(response.contentType()).startsWith("application/problem+json");
            assertThat(response.json().get("errors").get(0).get("field").asString()).isEqualTo("scopes");
        }
        assertThat(mongo.getCollection(ApiTokenService.COLLECTION).countDocuments(Filters.eq("name", "x"))).isZero();
    }

    @Test
    void aRequestWhoseTokenLacksTheScopeIs403NamingIt() {
        Document member = user(Role.MEMBER);
        String read = mint(member, Map.of("name", "r", "scopes", List.of("read"))).json().get("token").asString();
        Http reader = http.anonymous().withToken(read);
        assertThat(reader.get("/api/v1/contacts").status()).isEqualTo(200);
        Http.Response refused = reader.post("/api/v1/contacts", Map.of("name", "Ann"));
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(refused.json().get("detail").asString()).isEqualTo("This token lacks the scope write");
        assertThat(refused.json().get("missingScope").asString()).isEqualTo("write");
        // the legacy API in its own shape
        Http.Response legacy = reader.post("/person/p-1", Map.of("name", "One"));
        assertThat(legacy.status()).isEqualTo(403);
        assertThat(legacy.json().get("error").asString()).isEqualTo("This token lacks the scope write");
        assertThat(legacy.json().get("missingScope").asString()).isEqualTo("write");

        // an admin's default token is no admin token
        Http readWrite = http.anonymous().withToken(mint(user(Role.ADMIN), Map.of("name", "rw")).json().get("token")
                .asString());
        assertThat(readWrite.post("/api/v1/contacts", Map.of("name", "Bob")).status()).isEqualTo(201);
        for (Http.Response noAdmin : List.of(readWrite.get("/api/v1/users"), readWrite.get("/api/v1/auth/tokens?all=true"),
                readWrite.get("/api/v1/audit"))) {
            assertThat(noAdmin.status()).isEqualTo(403);
            assertThat(noAdmin.json().get("missingScope").asString()).isEqualTo("admin");
        }
        // nor may it revoke someone else's token (to it, that token is not there)
        String othersId = mint(member, Map.of("name", "other")).json().get("id").asString();
        assertThat(readWrite.delete("/api/v1/auth/tokens/" + othersId).status()).isEqualTo(404);
        // a role's refusal still says so
        Http.Response role = http.anonymous().withToken(read).get("/api/v1/users");
        assertThat(role.status()).isEqualTo(403);
        assertThat(role.json().get("detail").asString()).isEqualTo("Your role does not allow this request");
    }

    @Test
    void aDemotedOwnersTokenDropsWithTheRole() {
        Document member = user(Role.MEMBER);
        Http client = http.anonymous().withToken(mint(member, Map.of("name", "rw")).json().get("token").asString());
        assertThat(client.post("/api/v1/contacts", Map.of("name", "Ann")).status()).isEqualTo(201);
        users.update(member.getObjectId("_id").toHexString(), Map.of("role", "VIEWER"));
        Http.Response refused = client.post("/api/v1/contacts", Map.of("name", "Bob"));
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.json().get("detail").asString()).isEqualTo("Your role does not allow this request");
        assertThat(client.get("/api/v1/contacts").status()).isEqualTo(200);
    }

    @Test
    void aTokenStoredBeforeScopesKeepsItsOwnersFullRole() {
        Document admin = user(Role.ADMIN);
        Document member = user(Role.MEMBER);
        String adminToken = mint(admin, Map.of("name", "old")).json().get("token").asString();
        String memberToken = mint(member, Map.of("name", "old")).json().get("token").asString();
        // as a token of an earlier version was stored: no scopes field at all
        mongo.getCollection(ApiTokenService.COLLECTION).updateMany(Filters.eq("name", "old"),
                Updates.unset(TokenScopes.FIELD));
        Http oldAdmin = http.anonymous().withToken(adminToken);
        assertThat(oldAdmin.get("/api/v1/users").status()).isEqualTo(200);
        assertThat(oldAdmin.post("/api/v1/contacts", Map.of("name", "Ann")).status()).isEqualTo(201);
        JsonNode listed = oldAdmin.get("/api/v1/auth/tokens").json().get("items").get(0);
        assertThat(scopes(listed)).containsExactly("read", "write", "admin");
        Http oldMember = http.anonymous().withToken(memberToken);
        assertThat(oldMember.post("/api/v1/contacts", Map.of("name", "Bob")).status()).isEqualTo(201);
        // all scopes, and still only its owner's role
        assertThat(oldMember.get("/api/v1/users").status()).isEqualTo(403);
    }

    @Test
    void aTokensCreationIsAuditedWithItsScopes() {
        Http.Response created = mint(user(Role.MEMBER), Map.of("name", "audited", "scopes", List.of("read")));
        relayed();
        Http.Response trail = http.get("/api/v1/audit?entityType=token&entityId=" + created.json().get("id").asString());
        assertThat(trail.status()).isEqualTo(200);
        JsonNode event = trail.json().get("items").get(0);
        assertThat(event.get("action").asString()).isEqualTo("create");
        assertThat(event.get("changes").toString()).contains("\"field\":\"scopes\"").contains("read");
    }
}
