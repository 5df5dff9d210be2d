package io.crm.feed;

import java.time.Clock;
import java.time.Duration;
import java.util.Date;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes events older than {@code crm.feed.retention}. It removes a prefix of the feed (every event before the first
 * one still young), so the retained feed never has holes and a cursor before it is known to have missed events.
 * <p>
 * One replica at a time runs it (a leased job); each step is idempotent anyway (raising {@code deletedThrough} with
 * {@code $max}, deleting by sequence number), so a run repeated after a crash deletes the same events, or nothing.
 * No TTL index:
 * it would delete without recording how far, and cursors could then silently skip events.
 */
final class FeedRetention implements io.crm.jobs.LeasedJob {

    private static final Logger log = LoggerFactory.getLogger(FeedRetention.class);

    private final FeedCollections store;
    private final Clock clock;
    private final Duration retention;
    private final Duration every;

    FeedRetention(FeedCollections store, Clock clock, Duration retention, Duration every) {
        this.store = store;
        this.clock = clock;
        this.retention = retention;
        this.every = every;
    }

    /** One clean-up; returns how many events it deleted. */
    long cleanUp() {
        Date cutoff = Date.from(clock.instant().minus(retention));
        Document firstKept = store.events.find(Filters.gte("at", cutoff)).sort(Sorts.ascending(FeedCollections.SEQ))
                .projection(Projections.include(FeedCollections.SEQ)).limit(1).first();
        long through;
        if (firstKept != null) {
            through = seq(firstKept) - 1;
        } else {
            Document newest = store.events.find().sort(Sorts.descending(FeedCollections.SEQ))
                    .projection(Projections.include(FeedCollections.SEQ)).limit(1).first();
            if (newest == null) {
                return 0;
            }
            through = seq(newest);
        }
        if (through < 1) {
            return 0;
        }
        // recorded before deleting: a reader that then misses a deleted event sees its cursor expire (FeedReader)
        store.counters.updateOne(Filters.eq("_id", FeedCollections.STATE_ID),
                Updates.max(FeedCollections.DELETED_THROUGH, through), new UpdateOptions().upsert(true));
        long deleted = store.events.deleteMany(Filters.lte(FeedCollections.SEQ, through)).getDeletedCount();
        if (deleted > 0) {
            log.info("event feed retention: deleted {} events older than {}", deleted, retention);
        }
        return deleted;
    }

    @Override
    public String name() {
        return "feed-retention";
    }

    @Override
    public Duration every() {
        return every;
    }

    /** The scheduled run (a leased job): a failure is in the job log, and the next run tries again. */
    @Override
    public String run() {
        return "deleted " + cleanUp() + " events";
    }

    private static long seq(Document document) {
        return ((Number) document.get(FeedCollections.SEQ)).longValue();
    }
}
