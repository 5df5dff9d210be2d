package io.crm.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import io.crm.audit.AuditController;
import io.crm.person.PersonController;
import io.crm.support.ApiTest;
import io.crm.support.Http;
import io.crm.web.admin.AdminPages;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * The findings of the "security at the edges" review, each as it was reproduced: a spelling of a path that skipped
 * the role checks, a sign-in without CSRF, an anonymous request that reached the dashboard. Plus the second layer,
 * method security, on its own: the admin handlers refuse a non-admin even if a request got past the request rules.
 */
class SecurityEdgesTest extends ApiTest {

    @Autowired
    UserController userController;
    @Autowired
    AuditController auditController;
    @Autowired
    AdminPages adminPages;
    @Autowired
    PersonController personController;

    @AfterEach
    void signOut() {
        SecurityContextHolder.clearContext();
    }

    @Test
    void aPercentEncodedPathGetsTheRoleChecksOfThePathItSpells() {
        Http viewer = as(Role.VIEWER);
        for (String path : List.of("/%61pi/v1/users", "/%61pi/v1/audit", "/api/v1/%75sers", "/api/v1/%61udit",
                "/%41PI/v1/users", "/api/v1/users/", "/%61pi/v1/users/" + admin.getObjectId("_id").toHexString())) {
            Http.Response response = viewer.get(path);
            assertThat(response.status()).as(path).isIn(400, 403);
            assertThat(response.body()).as(path).doesNotContain("@example.test").doesNotContain("admin@");
        }
    }

    @Test
    void aMemberCannotMakeThemselvesAdminThroughAnotherSpelling() {
        Document member = user(Role.MEMBER);
        Http client = http.anonymous().withToken(token(member));
        String id = member.getObjectId("_id").toHexString();
        for (String path : List.of("/%61pi/v1/users/" + id, "/api/v1/u%73ers/" + id, "/API/v1/users/" + id,
                "/api/v1/users/" + id + "/", "/api/v1/users/" + id + ";x=1")) {
            Http.Response response = client.patch(path, Map.of("role", "ADMIN"));
            assertThat(response.status()).as(path).isIn(400, 403);
        }
        assertThat(users.get(id).getString("role")).isEqualTo("MEMBER");
    }

    @Test
    void aPercentEncodedLoginPathStillNeedsTheCsrfToken() {
        Document viewer = user(Role.VIEWER);
        for (String path : List.of("/%6cogin", "/logi%6E", "/LOGIN", "/login")) {
            Http.Response response = http.anonymous().send("POST", path, "application/x-www-form-urlencoded",
                    "username=" + viewer.getString("email") + "&password=" + PASSWORD.replace(' ', '+'));
            assertThat(response.status()).as(path).isIn(400, 403, 404, 405);
            // whatever cookie came back signs nobody in
            String cookie = response.header("Set-Cookie").orElse("CRM_SESSION=none").split(";")[0];
            assertThat(http.anonymous().get("/api/v1/auth/me", "Cookie", cookie).status()).as(path).isEqualTo(401);
        }
    }

    @Test
    void anAnonymousRequestForTheRootNeverReachesTheDashboard() {
        Http anonymous = http.anonymous();
        for (String accept : List.of("text/*", "text/*;q=0.9", "text/html;q=1, application/json;q=0.1", "*/*;q=0.1, "
                + "text/*")) {
            Http.Response response = anonymous.get("/", "Accept", accept);
            assertThat(response.status()).as(accept).isIn(302, 401);
            assertThat(response.body()).as(accept).doesNotContain("pipeline");
        }
        // the original service's root, open as before
        for (String accept : List.of("*/*", "application/json", "application/*")) {
            Http.Response response = anonymous.get("/", "Accept", accept);
            assertThat(response.status()).as(accept).isEqualTo(200);
            assertThat(response.json().get("service").asString()).isNotBlank();
        }
        assertThat(anonymous.get("/").status()).isEqualTo(200);
        // signed in, the same negotiation gives the dashboard
        Http.Response dashboard = as(Role.VIEWER).get("/", "Accept", "text/*");
        assertThat(dashboard.status()).isEqualTo(200);
        assertThat(dashboard.contentType()).startsWith("text/html");
    }

    @Test
    void methodSecurityRefusesNonAdminsOnTheAdminHandlersWhateverTheRequestRulesSaid() {
        for (Role role : List.of(Role.VIEWER, Role.MEMBER)) {
            signIn(role);
            List<Runnable> adminOnly = List.of(
                    () -> userController.list(null, null),
                    () -> userController.get(admin.getObjectId("_id").toHexString()),
                    () -> userController.update(admin.getObjectId("_id").toHexString(), Map.of("role", "VIEWER")),
                    () -> userController.create(Map.of()),
                    () -> auditController.list(null, null, null, null, null),
                    () -> adminPages.users(new org.springframework.ui.ExtendedModelMap()),
                    () -> personController.delete("p-1"));
            for (Runnable call : adminOnly) {
                assertThatThrownBy(call::run).as(role.name()).isInstanceOf(AccessDeniedException.class);
            }
        }
        assertThat(users.get(admin.getObjectId("_id").toHexString()).getString("role")).isEqualTo("ADMIN");
    }

    private void signIn(Role role) {
        CrmUser user = CrmUser.of(user(role));
        SecurityContextHolder.getContext().setAuthentication(
                UsernamePasswordAuthenticationToken.authenticated(user, null, user.getAuthorities()));
    }
}
