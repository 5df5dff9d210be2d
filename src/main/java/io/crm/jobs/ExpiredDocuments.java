package io.crm.jobs;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexModel;
import io.crm.store.CollectionIndexes;

/**
 * Deletes documents past their time-to-live, as every declared TTL index says. MongoDB's own TTL monitor does this
 * (about once a minute), but the embedded store has none: without this job its sessions, sign-in throttles, mail
 * links and delivery records would never go. On MongoDB it finds what the monitor has not reached yet, through the
 * same index.
 */
final class ExpiredDocuments implements LeasedJob {

    /** A TTL index: its collection, date field and time-to-live. */
    record Ttl(String collection, String field, Duration ttl) {
    }

    private final MongoDatabase db;
    private final List<Ttl> ttls;
    private final Clock clock;
    private final Duration every;

    ExpiredDocuments(MongoDatabase db, List<CollectionIndexes> declared, Clock clock, Duration every) {
        this.db = db;
        this.ttls = ttls(declared);
        this.clock = clock;
        this.every = every;
    }

    static List<Ttl> ttls(List<CollectionIndexes> declared) {
        List<Ttl> out = new ArrayList<>();
        for (CollectionIndexes collection : declared) {
            for (IndexModel index : collection.indexes()) {
                Long seconds = index.getOptions().getExpireAfter(TimeUnit.SECONDS);
                if (seconds != null) {
                    out.add(new Ttl(collection.collection(), index.getKeys().toBsonDocument().getFirstKey(),
                            Duration.ofSeconds(seconds)));
                }
            }
        }
        return List.copyOf(out);
    }

    @Override
    public String name() {
        return "expired-documents";
    }

    @Override
    public Duration every() {
        return every;
    }

    @Override
    public String run() {
        List<String> deleted = new ArrayList<>();
        for (Ttl ttl : ttls) {
            long n = db.getCollection(ttl.collection()).deleteMany(
                    Filters.lt(ttl.field(), Date.from(clock.instant().minus(ttl.ttl())))).getDeletedCount();
            if (n > 0) {
                deleted.add(ttl.collection() + " " + n);
            }
        }
        return deleted.isEmpty() ? "nothing expired" : "deleted " + String.join(", ", deleted);
    }
}
