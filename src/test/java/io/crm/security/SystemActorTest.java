package io.crm.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.crm.events.Actor;
import io.crm.events.Actors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.context.SecurityContextHolder;

class SystemActorTest {

    private final Actors actors = new SecurityConfiguration().actors();
    private final Actor demo = new Actor("demo", "demo");

    @AfterEach
    void clear() {
        SecurityContextHolder.clearContext();
    }

    @Test
    void changesMadeInsideNameTheSystemActorAndNoneOutside() {
        assertThat(actors.current()).isEqualTo(Actor.SYSTEM);
        assertThat(SystemActor.run(demo, actors::current)).isEqualTo(demo);
        assertThat(actors.current()).isEqualTo(Actor.SYSTEM);
    }

    @Test
    void theSignedInUserIsBackAfterwardsEvenWhenTheWorkFails() {
        CrmUser user = new CrmUser("64b000000000000000000001", "a@example.test", "Ann", Role.MEMBER, true, null);
        SecurityContextHolder.getContext().setAuthentication(
                UsernamePasswordAuthenticationToken.authenticated(user, null, user.getAuthorities()));
        assertThatThrownBy(() -> SystemActor.run(demo, () -> {
            assertThat(actors.current()).isEqualTo(demo);
            throw new IllegalStateException("boom");
        })).hasMessage("boom");
        assertThat(actors.current()).isEqualTo(new Actor(user.id(), "Ann"));
    }

    @Test
    void theSystemActorHasNoAuthorities() {
        SystemActor.run(demo, () -> {
            assertThat(SecurityContextHolder.getContext().getAuthentication().getAuthorities()).isEmpty();
            return null;
        });
    }
}
