package io.crm.security;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;

import io.crm.record.RecordException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * The first admin. On a start with no users at all, creates {@code CRM_ADMIN_EMAIL} with the password from
 * {@code CRM_ADMIN_PASSWORD} or {@code CRM_ADMIN_PASSWORD_FILE}; with neither, a random password is generated and
 * logged exactly once, clearly marked: a block of lines a person reads in the plain console format, one event with the
 * email and password in their own fields (never in the message) when the console writes structured JSON, so a log
 * pipeline can route or drop that field. Replicas starting together are settled by the unique email index.
 */
@Component
class AdminBootstrap implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(AdminBootstrap.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    static final String BANNER = "FIRST ADMIN CREATED";

    private final UserService users;
    private final SecurityProperties properties;
    private final boolean structuredLogs;

    AdminBootstrap(UserService users, SecurityProperties properties, Environment environment) {
        this.users = users;
        this.properties = properties;
        // Spring Boot's own property (CRM_LOG_FORMAT sets it): empty means the plain, human-readable console pattern
        this.structuredLogs = !environment.getProperty("logging.structured.format.console", "").isBlank();
    }

    @Override
    public void run(ApplicationArguments args) {
        if (!properties.enabled()) {
            return;
        }
        try {
            bootstrap();
        } catch (RuntimeException e) {
            // the database may not be up yet; the next start tries again (the service itself keeps running)
            log.error("could not check for or create the first admin: {}", e.getClass().getSimpleName());
        }
    }

    void bootstrap() {
        if (users.count() > 0) {
            return;
        }
        SecurityProperties.Admin admin = properties.admin();
        String password = Secrets.valueOrFile(admin.password(), admin.passwordFile());
        boolean generated = password.isEmpty();
        if (generated) {
            byte[] random = new byte[18];
            RANDOM.nextBytes(random);
            password = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        }
        try {
            // a generated password was in the log: it is a one-time one, changed at the first sign-in
            users.create(Map.of("email", admin.email(), "displayName", "Administrator", "role", Role.ADMIN.name(),
                    "password", password), generated);
        } catch (RecordException.Duplicate raced) {
            return; // another replica created it first
        }
        if (generated) {
            announce(admin.email(), password);
        } else {
            log.info("first admin {} created with the configured password", admin.email());
        }
    }

    private void announce(String email, String password) {
        if (structuredLogs) {
            log.atWarn().addKeyValue("crm.admin.email", email).addKeyValue("crm.admin.password", password)
                    .log(BANNER + ": the one-time password is in the field crm.admin.password; sign in with it once"
                            + " and choose a new one (or set CRM_ADMIN_PASSWORD before the first start)");
            return;
        }
        log.warn("""

                ==================== {} ====================
                  email:    {}
                  password: {}
                This password is shown only now, and works once: sign in
                and choose a new one (or set CRM_ADMIN_PASSWORD /
                CRM_ADMIN_PASSWORD_FILE before the first start).
                =============================================================""", BANNER, email, password);
    }
}
