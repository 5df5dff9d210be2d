package io.crm.security;

import java.util.function.Supplier;

import io.crm.events.Actor;

import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * Work the service does on its own behalf under a name of its own (the demo data seeder as {@code demo}), so its
 * audited changes say who made them. The actor is carried like a signed-in user's, in the thread's security context,
 * which is where {@link SecurityConfiguration#actors()} looks; it is no user and holds no authorities, so it can
 * reach no endpoint.
 */
public final class SystemActor {

    private SystemActor() {
    }

    /** Runs {@code work} on this thread as {@code actor}, then restores the thread's previous security context. */
    public static <T> T run(Actor actor, Supplier<T> work) {
        SecurityContext previous = SecurityContextHolder.getContext();
        SecurityContext context = SecurityContextHolder.createEmptyContext();
        context.setAuthentication(new ActorAuthentication(actor));
        SecurityContextHolder.setContext(context);
        try {
            return work.get();
        } finally {
            SecurityContextHolder.setContext(previous);
        }
    }

    /** An authentication whose principal is the actor itself. */
    static final class ActorAuthentication extends AbstractAuthenticationToken {

        private static final long serialVersionUID = 1L;

        private final Actor actor;

        ActorAuthentication(Actor actor) {
            super(java.util.List.of());
            this.actor = actor;
            setAuthenticated(true);
        }

        @Override
        public Object getCredentials() {
            return "";
        }

        @Override
        public Actor getPrincipal() {
            return actor;
        }
    }
}
