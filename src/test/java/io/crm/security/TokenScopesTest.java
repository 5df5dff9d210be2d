package io.crm.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import java.util.List;

import io.crm.record.RecordException;
import org.junit.jupiter.api.Test;

/** The scope rules, without Spring: normalising, defaults, the cap by role, stored tokens, the effective role. */
class TokenScopesTest {

    @Test
    void aScopeIncludesTheOnesBelowIt() {
        assertThat(TokenScopes.normalise(List.of(Scope.WRITE))).containsExactly(Scope.READ, Scope.WRITE);
        assertThat(TokenScopes.normalise(List.of(Scope.ADMIN))).containsExactly(Scope.READ, Scope.WRITE, Scope.ADMIN);
        assertThat(TokenScopes.normalise(List.of(Scope.READ))).containsExactly(Scope.READ);
        assertThat(TokenScopes.names(TokenScopes.normalise(List.of(Scope.ADMIN, Scope.READ))))
                .containsExactly("read", "write", "admin");
    }

    @Test
    void withoutScopesATokenReadsAndWritesOrOnlyReadsForAViewer() {
        assertThat(TokenScopes.requested(null, Role.ADMIN)).containsExactly(Scope.READ, Scope.WRITE);
        assertThat(TokenScopes.requested(null, Role.MEMBER)).containsExactly(Scope.READ, Scope.WRITE);
        assertThat(TokenScopes.requested(null, Role.VIEWER)).containsExactly(Scope.READ);
    }

    @Test
    void aRoleMintsAtMostItsOwnLevel() {
        assertThat(TokenScopes.requested(List.of("admin"), Role.ADMIN)).containsExactly(Scope.READ, Scope.WRITE,
                Scope.ADMIN);
        assertThat(TokenScopes.requested(List.of("WRITE"), Role.MEMBER)).containsExactly(Scope.READ, Scope.WRITE);
        assertThat(TokenScopes.requested(List.of("read"), Role.MEMBER)).containsExactly(Scope.READ);
        assertRefused(List.of("admin"), Role.MEMBER, "cannot hold the scope admin");
        assertRefused(List.of("read", "write"), Role.VIEWER, "cannot hold the scope write");
        assertRefused(List.of("admin"), Role.VIEWER, "cannot hold the scope");
    }

    @Test
    void malformedScopesAreRefusedWithTheFieldPath() {
        assertRefused(List.of(), Role.ADMIN, "non-empty list");
        assertRefused("read", Role.ADMIN, "non-empty list");
        assertRefused(List.of("root"), Role.ADMIN, "non-empty list");
        assertRefused(java.util.Arrays.asList("read", null), Role.ADMIN, "non-empty list");
        assertThat(TokenScopes.requested(List.of("read", "read"), Role.ADMIN)).containsExactly(Scope.READ);
    }

    @Test
    void aTokenStoredBeforeScopesCarriesThemAllAndItsRoleLimitsIt() {
        assertThat(TokenScopes.stored(null)).isEqualTo(EnumSet.allOf(Scope.class));
        assertThat(TokenScopes.stored(List.of("write"))).containsExactly(Scope.READ, Scope.WRITE);
        assertThat(TokenScopes.effectiveRole(Role.MEMBER, TokenScopes.stored(null))).isEqualTo(Role.MEMBER);
        assertThat(TokenScopes.effectiveRole(Role.VIEWER, TokenScopes.stored(null))).isEqualTo(Role.VIEWER);
    }

    @Test
    void theEffectiveRoleIsTheLowerOfRoleAndScopes() {
        assertThat(TokenScopes.effectiveRole(Role.ADMIN, Scope.READ.withIncluded())).isEqualTo(Role.VIEWER);
        assertThat(TokenScopes.effectiveRole(Role.ADMIN, Scope.WRITE.withIncluded())).isEqualTo(Role.MEMBER);
        assertThat(TokenScopes.effectiveRole(Role.ADMIN, Scope.ADMIN.withIncluded())).isEqualTo(Role.ADMIN);
        // an over-scoped token (its owner demoted since) never exceeds the role
        assertThat(TokenScopes.effectiveRole(Role.VIEWER, Scope.ADMIN.withIncluded())).isEqualTo(Role.VIEWER);
        assertThat(TokenScopes.effectiveRole(Role.MEMBER, Scope.ADMIN.withIncluded())).isEqualTo(Role.MEMBER);
    }

    @Test
    void eachScopeMatchesOneRole() {
        for (Role role : Role.values()) {
            assertThat(Scope.highestFor(role).role()).isEqualTo(role);
        }
        assertThat(Scope.parse(" Admin ")).isEqualTo(Scope.ADMIN);
        assertThat(Scope.parse(1)).isNull();
        assertThat(Scope.WRITE.authority()).isEqualTo("SCOPE_write");
    }

    private static void assertRefused(Object scopes, Role role, String message) {
        assertThatThrownBy(() -> TokenScopes.requested(scopes, role))
                .isInstanceOfSatisfying(RecordException.Invalid.class, e -> {
                    assertThat(e.errors()).singleElement().satisfies(error -> {
                        assertThat(error.field()).isEqualTo("scopes");
                        assertThat(error.message()).contains(message);
                    });
                });
    }
}
