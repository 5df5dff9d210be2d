package io.crm.mail;

import static org.assertj.core.api.Assertions.assertThat;

import io.crm.security.SignInProperties.LocalLogin;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/** Who may get a reset link besides "an enabled person with that email" (PasswordResets; pages: MailLinkPagesTest). */
class PasswordResetsTest {

    private static final Document ADMIN = new Document("role", "ADMIN");
    private static final Document MEMBER = new Document("role", "MEMBER");

    @Test
    void withLocalSignInForEveryoneEveryPersonMay() {
        assertThat(PasswordResets.mayUsePassword(LocalLogin.ENABLED, MEMBER)).isTrue();
        assertThat(PasswordResets.mayUsePassword(LocalLogin.ENABLED, ADMIN)).isTrue();
    }

    @Test
    void withLocalSignInForAdminsOnlyOnlyAdminsMay() {
        assertThat(PasswordResets.mayUsePassword(LocalLogin.ADMINS_ONLY, MEMBER)).isFalse();
        assertThat(PasswordResets.mayUsePassword(LocalLogin.ADMINS_ONLY, ADMIN)).isTrue();
    }

    @Test
    void withSingleSignOnOnlyNobodyGetsALinkToAPasswordTheyCannotUse() {
        assertThat(PasswordResets.mayUsePassword(LocalLogin.DISABLED, ADMIN)).isFalse();
    }
}
