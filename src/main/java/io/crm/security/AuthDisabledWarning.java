package io.crm.security;

import java.util.Optional;

import io.crm.platform.health.ReadinessWarning;

import org.springframework.stereotype.Component;

/** With authentication off, every readiness check says so, so nobody runs an open instance by accident for long. */
@Component
class AuthDisabledWarning implements ReadinessWarning {

    private final boolean enabled;

    AuthDisabledWarning(SecurityProperties properties) {
        this.enabled = properties.enabled();
    }

    @Override
    public String key() {
        return "auth";
    }

    @Override
    public Optional<String> message() {
        return enabled ? Optional.empty()
                : Optional.of("DISABLED: anyone can read and change all data (CRM_AUTH_ENABLED=false)");
    }
}
