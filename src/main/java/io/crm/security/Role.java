package io.crm.security;

import java.util.Locale;

/** What a user may do. Each role includes the ones below it (see the role hierarchy in SecurityConfiguration). */
public enum Role {
    /** Everything: users, everyone's tokens, the audit log, permanent deletion. */
    ADMIN,
    /** Create, read, update, archive and restore CRM records; own tokens. */
    MEMBER,
    /** Read only. */
    VIEWER;

    public String authority() {
        return "ROLE_" + name();
    }

    /** The role a request names ("member", "MEMBER"), or null when it names none. */
    public static Role parse(Object value) {
        if (value instanceof String s) {
            for (Role role : values()) {
                if (role.name().equals(s.strip().toUpperCase(Locale.ROOT))) {
                    return role;
                }
            }
        }
        return null;
    }
}
