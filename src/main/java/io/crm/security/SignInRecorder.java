package io.crm.security;

import org.springframework.context.event.EventListener;
import org.springframework.security.authentication.event.AuthenticationSuccessEvent;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthentication;
import org.springframework.stereotype.Component;

/** Keeps each user's last sign-in time (a password sign-in; a token use is tracked on the token). */
@Component
class SignInRecorder {

    private final UserService users;

    SignInRecorder(UserService users) {
        this.users = users;
    }

    @EventListener
    void signedIn(AuthenticationSuccessEvent event) {
        if (event.getAuthentication().getPrincipal() instanceof CrmUser user
                && !(event.getAuthentication() instanceof BearerTokenAuthentication)) {
            users.signedIn(user.id());
        }
    }
}
