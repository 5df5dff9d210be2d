package io.crm.record;

import java.time.Clock;

import com.mongodb.client.MongoDatabase;
import io.crm.events.HardDeletes;
import io.crm.events.Outbox;

/**
 * What every record store shares: the outbox its writes put their events in (which also names the actor), the
 * protocol of permanent deletes, the check that an owner is a real user, the clock, which unique indexes the store
 * enforces, and the database the records are in (for {@link io.crm.store.PointReads}).
 */
public record RecordContext(Outbox outbox, HardDeletes deletes, Owners owners, Clock clock, Unique unique,
                            MongoDatabase database) {

    /**
     * Whether a unique index is in force on the store (io.crm.store.UniqueIndexes): a write that would break it fails
     * by itself, so nothing needs to be looked up before it.
     */
    @FunctionalInterface
    public interface Unique {
        /** A store not known to enforce any unique index: every uniqueness rule is looked up first. */
        Unique NONE = (collection, index) -> false;

        boolean enforced(String collection, String index);
    }

    /** Whether a user id names an existing user, for {@code ownerId}. */
    @FunctionalInterface
    public interface Owners {
        boolean exists(String userId);
    }
}
