package io.crm.security;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * What an API token may do, on top of (never beyond) its owner's role. Each scope includes the ones below it, like the
 * roles: {@code read} the safe methods (GET, HEAD), {@code write} also every other method (record writes, the legacy
 * /person API, one's own sessions and tokens), {@code admin} also the admin-only surface (the request rules'
 * ADMIN-only paths). So a token's scopes are in effect one level, and each level matches one role (docs/security.md
 * "Scoped tokens and service accounts").
 */
public enum Scope {
    READ(Role.VIEWER),
    WRITE(Role.MEMBER),
    ADMIN(Role.ADMIN);

    /** The lowest role that may hold this scope. */
    private final Role role;

    Scope(Role role) {
        this.role = role;
    }

    /** The name in the API and the store: {@code read}, {@code write}, {@code admin}. */
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The authority a token's authentication carries for it. */
    public String authority() {
        return "SCOPE_" + value();
    }

    /** The lowest role that may hold this scope. */
    public Role role() {
        return role;
    }

    /** This scope and every one it includes. */
    public Set<Scope> withIncluded() {
        return EnumSet.range(READ, this);
    }

    /** The highest scope a role may hold. */
    public static Scope highestFor(Role role) {
        return switch (role) {
            case ADMIN -> ADMIN;
            case MEMBER -> WRITE;
            case VIEWER -> READ;
        };
    }

    /** The scope a request names ("read", "READ"), or null when it names none. */
    public static Scope parse(Object value) {
        if (value instanceof String s) {
            for (Scope scope : values()) {
                if (scope.value().equals(s.strip().toLowerCase(Locale.ROOT))) {
                    return scope;
                }
            }
        }
        return null;
    }
}
