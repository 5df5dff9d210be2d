package io.crm.security.sso;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import io.crm.security.Role;

/**
 * Which CRM role a provider's groups give: {@code crm-admins=ADMIN,sales=MEMBER,*=VIEWER}. A user in several mapped
 * groups gets the strongest of their roles; {@code *} is the role of a user in none of them; without {@code *} such a
 * user may not sign in. Plain Java: parsed once at start, a malformed mapping stops the start naming the entry.
 */
public final class RoleMapping {

    private static final String EVERYONE = "*";

    private final Map<String, Role> groups;
    private final Role everyoneElse;

    private RoleMapping(Map<String, Role> groups, Role everyoneElse) {
        this.groups = groups;
        this.everyoneElse = everyoneElse;
    }

    public static RoleMapping parse(String spec) {
        Map<String, Role> groups = new LinkedHashMap<>();
        Role everyoneElse = null;
        for (String entry : spec.split(",")) {
            if (entry.isBlank()) {
                continue;
            }
            int eq = entry.lastIndexOf('=');
            String group = eq < 0 ? "" : entry.substring(0, eq).strip();
            Role role = eq < 0 ? null : Role.parse(entry.substring(eq + 1));
            if (group.isEmpty() || role == null) {
                throw new IllegalArgumentException("CRM_OIDC_ROLE_MAPPING: '" + entry.strip()
                        + "' is not group=ADMIN|MEMBER|VIEWER");
            }
            if (group.equals(EVERYONE)) {
                everyoneElse = role;
            } else if (groups.putIfAbsent(group, role) != null) {
                throw new IllegalArgumentException("CRM_OIDC_ROLE_MAPPING: group '" + group + "' is mapped twice");
            }
        }
        return new RoleMapping(Map.copyOf(groups), everyoneElse);
    }

    /** The strongest role of the user's mapped groups; else the role for everyone; empty: no role, no sign-in. */
    public Optional<Role> roleFor(Collection<String> userGroups) {
        Role best = null;
        for (String group : userGroups) {
            Role role = groups.get(group);
            if (role != null && (best == null || role.ordinal() < best.ordinal())) {
                best = role;
            }
        }
        return Optional.ofNullable(best != null ? best : everyoneElse);
    }

    public boolean isEmpty() {
        return groups.isEmpty() && everyoneElse == null;
    }
}
