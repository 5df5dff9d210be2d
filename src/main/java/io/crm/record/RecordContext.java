package io.crm.record;

import java.time.Clock;

import io.crm.audit.AuditLog;

/**
 * What every record store shares: the audit trail its writes go through (which also names the actor), the check
 * that an owner is a real user, and the clock.
 */
public record RecordContext(AuditLog audit, Owners owners, Clock clock) {

    /** Whether a user id names an existing user, for {@code ownerId}. */
    @FunctionalInterface
    public interface Owners {
        boolean exists(String userId);
    }
}
