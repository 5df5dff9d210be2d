package io.crm.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import io.crm.security.Role;
import io.crm.support.ApiTest;
import org.junit.jupiter.api.Test;

/** The admin page of backups on a service that runs on MongoDB; with the embedded store: BackupRestoreIT. */
class BackupPagesTest extends ApiTest {

    @Test
    void thePageSaysWhereMongoDbsBackupsComeFromAndOnlyAdminsSeeIt() {
        WebSession admin = WebSession.signIn(http.base(), this.admin.getString("email"), PASSWORD);
        String page = admin.get("/admin/backups").body();
        assertThat(page).contains("mongodump", "aria-current=\"page\">Backups");
        assertThat(admin.get("/admin/users").body()).contains("href=\"/admin/backups\"",
                "aria-current=\"page\">Users");
        assertThat(admin.post("/admin/backups", Map.of(), true).status()).isEqualTo(302);
        assertThat(admin.get("/admin/backups").body()).contains("the service runs on MongoDB");

        users.create(Map.of("email", "member-backups@example.test", "displayName", "M", "role",
                Role.MEMBER.name(), "password", PASSWORD), false);
        WebSession member = WebSession.signIn(http.base(), "member-backups@example.test", PASSWORD);
        assertThat(member.get("/admin/backups").status()).isEqualTo(403);
        assertThat(member.post("/admin/backups", Map.of(), true).status()).isEqualTo(403);
        assertThat(http.anonymous().withToken(token(user(Role.MEMBER))).get("/api/v1/admin/backups").status())
                .isEqualTo(403);
    }
}
