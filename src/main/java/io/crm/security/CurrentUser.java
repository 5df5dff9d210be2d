package io.crm.security;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;

/** The signed-in user of the current request (the anonymous admin while authentication is off). */
public final class CurrentUser {

    private CurrentUser() {
    }

    public static CrmUser get() {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        if (auth != null && auth.getPrincipal() instanceof CrmUser user) {
            return user;
        }
        throw new IllegalStateException("no signed-in user");
    }
}
