package io.crm.record;

import java.time.Clock;

import io.crm.events.HardDeletes;
import io.crm.events.Outbox;

/**
 * What every record store shares: the outbox its writes put their events in (which also names the actor), the
 * protocol of permanent deletes, the check that an owner is a real user, and the clock.
 */
public record RecordContext(Outbox outbox, HardDeletes deletes, Owners owners, Clock clock) {

    /** Whether a user id names an existing user, for {@code ownerId}. */
    @FunctionalInterface
    public interface Owners {
        boolean exists(String userId);
    }
}
