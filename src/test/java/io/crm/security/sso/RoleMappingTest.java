package io.crm.security.sso;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import io.crm.security.Role;
import org.junit.jupiter.api.Test;

class RoleMappingTest {

    private final RoleMapping mapping = RoleMapping.parse("crm-admins=ADMIN, sales=MEMBER ,*=VIEWER");

    @Test
    void theStrongestMappedRoleWins() {
        assertThat(mapping.roleFor(List.of("sales"))).contains(Role.MEMBER);
        assertThat(mapping.roleFor(List.of("sales", "crm-admins"))).contains(Role.ADMIN);
        assertThat(mapping.roleFor(List.of("crm-admins", "sales"))).contains(Role.ADMIN);
    }

    @Test
    void everyoneElseGetsTheStarRoleAndWithoutOneNoRole() {
        assertThat(mapping.roleFor(List.of("marketing"))).contains(Role.VIEWER);
        assertThat(mapping.roleFor(List.of())).contains(Role.VIEWER);
        RoleMapping strict = RoleMapping.parse("crm-admins=admin,sales=member");
        assertThat(strict.roleFor(List.of("marketing"))).isEmpty();
        assertThat(strict.roleFor(List.of("sales"))).contains(Role.MEMBER);
    }

    @Test
    void groupsAreMatchedExactly() {
        assertThat(mapping.roleFor(List.of("CRM-ADMINS", "/crm-admins", "crm-admins "))).contains(Role.VIEWER);
    }

    @Test
    void aGroupNameMayContainAnEqualsSign() {
        assertThat(RoleMapping.parse("ou=sales=MEMBER").roleFor(List.of("ou=sales"))).contains(Role.MEMBER);
    }

    @Test
    void aMalformedMappingStopsTheStartNamingTheEntry() {
        assertThatThrownBy(() -> RoleMapping.parse("crm-admins=OWNER")).hasMessageContaining("'crm-admins=OWNER'");
        assertThatThrownBy(() -> RoleMapping.parse("sales")).hasMessageContaining("'sales'");
        assertThatThrownBy(() -> RoleMapping.parse("=ADMIN")).hasMessageContaining("'=ADMIN'");
        assertThatThrownBy(() -> RoleMapping.parse("a=ADMIN,a=VIEWER")).hasMessageContaining("mapped twice");
        assertThat(RoleMapping.parse(" , ").isEmpty()).isTrue();
    }
}
