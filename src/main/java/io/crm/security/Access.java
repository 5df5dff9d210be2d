package io.crm.security;

/**
 * The method-security expressions ({@code @PreAuthorize}) of the handlers whose mistake would open an admin function:
 * a second layer behind the request rules in {@link WebSecurity}, so one routing mistake cannot do it alone. Roles
 * include the ones below them ({@code SecurityConfiguration.roleHierarchy}); with authentication off, the anonymous
 * caller holds ADMIN.
 */
public final class Access {

    public static final String ADMIN = "hasRole('ADMIN')";
    public static final String MEMBER = "hasRole('MEMBER')";
    public static final String VIEWER = "hasRole('VIEWER')";

    private Access() {
    }
}
