package io.crm.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.security.access.hierarchicalroles.RoleHierarchy;
import org.springframework.security.authentication.TestingAuthenticationToken;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/**
 * ScopeRules asks the role hierarchy once per authority and remembers the answer; its decisions stay the
 * hierarchy's own for every set of roles, scopes and other authorities a request can carry, asked again and again.
 */
class ScopeRulesHierarchyTest {

    private static final List<String> NAMES = List.of("ROLE_ADMIN", "ROLE_MEMBER", "ROLE_VIEWER", "SCOPE_read",
            "SCOPE_write", "SCOPE_admin", "FACTOR_BEARER", "ROLE_UNKNOWN");

    @Test
    void everyCombinationIsDecidedAsTheHierarchyDecides() {
        RoleHierarchy hierarchy = SecurityConfiguration.roleHierarchy();
        for (int round = 0; round < 2; round++) { // the second round answers from what the first remembered
            for (int mask = 0; mask < 1 << NAMES.size(); mask++) {
                List<GrantedAuthority> authorities = new ArrayList<>();
                for (int i = 0; i < NAMES.size(); i++) {
                    if ((mask & 1 << i) != 0) {
                        authorities.add(new SimpleGrantedAuthority(NAMES.get(i)));
                    }
                }
                TestingAuthenticationToken authentication = new TestingAuthenticationToken("someone", null, authorities);
                for (Role role : Role.values()) {
                    boolean expected = hierarchy.getReachableGrantedAuthorities(authorities).stream()
                            .anyMatch(a -> role.authority().equals(a.getAuthority()));
                    boolean granted = ScopeRules.require(role, Scope.READ).authorize(() -> authentication, null)
                            .isGranted();
                    assertThat(granted).as("%s with %s", role, authorities).isEqualTo(expected);
                }
            }
        }
    }
}
