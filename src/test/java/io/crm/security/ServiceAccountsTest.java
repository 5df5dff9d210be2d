package io.crm.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.crm.support.ApiTest;
import io.crm.support.Http;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Service accounts: made by an admin, never signing in, acting through tokens the admin mints for them. */
class ServiceAccountsTest extends ApiTest {

    private Http.Response createService(Http client, String name, String role) {
        return client.post("/api/v1/users", Map.of("kind", "service", "displayName", name, "role", role));
    }

    @Test
    void anAdminCreatesAServiceAccountWithoutEmailOrPassword() {
        Http.Response created = createService(http, "Billing sync", "MEMBER");
        assertThat(created.status()).isEqualTo(201);
        JsonNode json = created.json();
        assertThat(json.get("kind").asString()).isEqualTo("service");
        assertThat(json.get("role").asString()).isEqualTo("MEMBER");
        String id = json.get("id").asString();
        assertThat(json.get("email").asString()).isEqualTo("svc-" + id + "@service.invalid");
        assertThat(created.body()).doesNotContain("password\":\"").doesNotContain("passwordHash");
        // two of them: each its own unique key
        assertThat(createService(http, "Billing sync", "MEMBER").status()).isEqualTo(201);
        // people are people, as before
        assertThat(http.get("/api/v1/users/" + admin.getObjectId("_id").toHexString()).json().get("kind").asString())
                .isEqualTo("person");
        // a service account has no password, and gets none
        assertThat(http.patch("/api/v1/users/" + id, Map.of("password", "long enough password")).status())
                .isEqualTo(400);
        assertThat(http.post("/api/v1/users", Map.of("kind", "robot", "displayName", "R", "role", "MEMBER"))
                .status()).isEqualTo(400);
        assertThat(http.post("/api/v1/users", Map.of("kind", "service", "displayName", "R", "role", "MEMBER",
                "password", "long enough password")).status()).isEqualTo(400);
        // audited like users
        relayed();
        JsonNode trail = http.get("/api/v1/audit?entityType=user&entityId=" + id).json().get("items");
        assertThat(trail.get(0).get("action").asString()).isEqualTo("create");
        assertThat(trail.get(0).get("changes").toString()).contains("service");
    }

    @Test
    void aServiceAccountNeverSignsIn() {
        String email = createService(http, "Sync", "ADMIN").json().get("email").asString();
        // (four failed sign-ins and the form's: within the throttle's free failures)
        for (String password : new String[]{PASSWORD, "null"}) {
            String basic = "Basic " + Base64.getEncoder().encodeToString((email + ":" + password)
                    .getBytes(StandardCharsets.UTF_8));
            assertThat(http.anonymous().post("/api/v1/auth/tokens", Map.of("name", "x"), "Authorization", basic)
                    .status()).isEqualTo(401);
            assertThat(http.anonymous().get("/api/v1/auth/me", "Authorization", basic).status()).isEqualTo(401);
        }
        // the sign-in form refuses it too
        Http.Response page = http.anonymous().get("/login");
        String cookie = page.header("Set-Cookie").orElseThrow().split(";", 2)[0];
        Matcher csrf = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"").matcher(page.body());
        assertThat(csrf.find()).isTrue();
        Http.Response login = http.anonymous().send("POST", "/login", "application/x-www-form-urlencoded",
                "username=" + URLEncoder.encode(email, StandardCharsets.UTF_8) + "&password=x&_csrf="
                        + URLEncoder.encode(csrf.group(1), StandardCharsets.UTF_8), "Cookie", cookie);
        assertThat(login.status()).isEqualTo(302);
        assertThat(login.header("Location").orElseThrow()).contains("/login?error");
    }

    @Test
    void anAdminMintsTokensForItCappedByItsRole() {
        String id = createService(http, "Sync", "MEMBER").json().get("id").asString();
        Http.Response minted = http.post("/api/v1/users/" + id + "/tokens", Map.of("name", "prod", "expiresInDays", 90,
                "scopes", List.of("write")));
        assertThat(minted.status()).isEqualTo(201);
        assertThat(minted.json().get("userId").asString()).isEqualTo(id);
        assertThat(minted.json().get("scopes").toString()).isEqualTo("[\"read\",\"write\"]");
        Http integration = http.anonymous().withToken(minted.json().get("token").asString());
        assertThat(integration.get("/api/v1/auth/me").json().get("id").asString()).isEqualTo(id);
        String contact = integration.post("/api/v1/contacts", Map.of("name", "Ann")).json().get("id").asString();
        relayed();
        // its changes are its own in the audit trail
        assertThat(http.get("/api/v1/audit?entityType=contact&entityId=" + contact).json().get("items").get(0)
                .get("actor").toString()).contains(id);

        Http.Response tooMuch = http.post("/api/v1/users/" + id + "/tokens", Map.of("name", "x",
                "scopes", List.of("admin")));
        assertThat(tooMuch.status()).isEqualTo(400);
        assertThat(tooMuch.json().get("errors").get(0).get("field").asString()).isEqualTo("scopes");
        // a person makes their own tokens
        Http.Response person = http.post("/api/v1/users/" + user(Role.MEMBER).getObjectId("_id").toHexString()
                + "/tokens", Map.of("name", "x"));
        assertThat(person.status()).isEqualTo(409);
        assertThat(http.post("/api/v1/users/" + new org.bson.types.ObjectId() + "/tokens", Map.of("name", "x"))
                .status()).isEqualTo(404);

        // listed and revoked with everyone's tokens
        String tokenId = minted.json().get("id").asString();
        assertThat(http.get("/api/v1/users/" + id + "/tokens").json().get("items").get(0).get("id").asString())
                .isEqualTo(tokenId);
        assertThat(http.get("/api/v1/auth/tokens?all=true").body()).contains(tokenId);
        assertThat(http.delete("/api/v1/auth/tokens/" + tokenId).status()).isEqualTo(204);
        assertThat(integration.get("/api/v1/contacts").status()).isEqualTo(401);
    }

    @Test
    void theIntegrationKeepsWorkingAfterItsCreatorIsDisabled() {
        Document creator = user(Role.ADMIN);
        Http creatorClient = http.anonymous().withToken(token(creator));
        String id = createService(creatorClient, "Sync", "MEMBER").json().get("id").asString();
        String secret = creatorClient.post("/api/v1/users/" + id + "/tokens", Map.of("name", "prod")).json()
                .get("token").asString();
        Http integration = http.anonymous().withToken(secret);
        assertThat(integration.post("/api/v1/contacts", Map.of("name", "Ann")).status()).isEqualTo(201);

        assertThat(http.patch("/api/v1/users/" + creator.getObjectId("_id").toHexString(), Map.of("enabled", false))
                .status()).isEqualTo(200);
        assertThat(creatorClient.get("/api/v1/contacts").status()).isEqualTo(401);
        assertThat(integration.post("/api/v1/contacts", Map.of("name", "Bob")).status()).isEqualTo(201);

        // disabling the service account itself stops it
        assertThat(http.patch("/api/v1/users/" + id, Map.of("enabled", false)).status()).isEqualTo(200);
        assertThat(integration.get("/api/v1/contacts").status()).isEqualTo(401);
        assertThat(http.post("/api/v1/users/" + id + "/tokens", Map.of("name", "again")).status()).isEqualTo(409);
    }

    @Test
    void theAdminPagesShowServiceAccountsAndMintTheirTokens() {
        Http.Response created = http.send("POST", "/admin/service-accounts", "application/x-www-form-urlencoded",
                "displayName=Warehouse+feed&role=VIEWER");
        assertThat(created.status()).isEqualTo(302);
        Document service = users.list(100, null).items().stream().filter(UserService::isService).findFirst()
                .orElseThrow();
        String id = service.getObjectId("_id").toHexString();
        assertThat(service.getString("role")).isEqualTo("VIEWER");

        Http.Response page = http.get("/admin/users", "Accept", "text/html");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("Warehouse feed").contains("service account")
                .contains("/admin/users/" + id + "/tokens").contains("Create a service account");

        Http.Response minted = http.send("POST", "/admin/users/" + id + "/tokens",
                "application/x-www-form-urlencoded", "name=feed&expiresInDays=30&scopes=read");
        assertThat(minted.status()).isEqualTo(302);
        assertThat(tokens.list(id)).singleElement().satisfies(token -> {
            assertThat(token.get("name")).isEqualTo("feed");
            assertThat(token.get("scopes")).isEqualTo(List.of("read"));
        });
        // beyond its role: refused, nothing minted
        http.send("POST", "/admin/users/" + id + "/tokens", "application/x-www-form-urlencoded",
                "name=more&scopes=write");
        assertThat(tokens.list(id)).hasSize(1);

        Http.Response tokensPage = http.get("/admin/tokens", "Accept", "text/html");
        assertThat(tokensPage.body()).contains("feed").contains("token-scopes").contains("Scopes");
    }
}
