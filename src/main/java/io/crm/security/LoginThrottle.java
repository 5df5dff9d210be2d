package io.crm.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;

import com.mongodb.MongoCommandException;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Updates;
import org.bson.Document;


/**
 * Sign-in throttling shared by every replica, in one collection ({@value #COLLECTION}) of atomic counters:
 * <ul>
 * <li>per account and client address (the pair): after {@code failuresBeforeDelay} failed sign-ins, each further
 * attempt waits {@code firstDelay}, doubling per failure up to {@code maxDelay}; a successful sign-in forgets the
 * pair's failures. A stranger guessing a password only slows themselves: the owner, from another address, is not
 * held up;</li>
 * <li>per client address across accounts (password spraying): {@code perAddress} failures per
 * {@code addressPeriod};</li>
 * <li>per account from all addresses: a much higher ceiling, {@code perAccount} failures per
 * {@code accountPeriod}, against a guessing botnet (this one can hold up the owner, hence its height).</li>
 * </ul>
 * The address and account windows count an attempt when it starts (an atomic {@code $inc}, so parallel attempts
 * cannot overshoot) and take it back when it succeeds, so they count failures and attempts in flight. Counters are
 * fixed windows; each document carries {@code expireAt} (a TTL index on MongoDB, {@link #deleteExpired()} elsewhere).
 */
public class LoginThrottle {

    public static final String COLLECTION = "login_throttle";
    static final String EXPIRE_AT = "expireAt";
    private static final String COUNT = "n";
    private static final String FAILURES = "failures";
    private static final String UNTIL = "until";
    private static final int DUPLICATE_KEY = 11000;

    private final MongoCollection<Document> counters;
    private final SecurityProperties.RateLimit limits;
    private final Clock clock;

    public LoginThrottle(MongoCollection<Document> counters, SecurityProperties.RateLimit limits, Clock clock) {
        this.counters = counters;
        this.limits = limits;
        this.clock = clock;
    }

    /** A sign-in attempt let through (with the window counters it holds), or refused for {@code retryAfter}. */
    public record Attempt(String pairKey, String addressKey, String accountKey, Duration retryAfter) {

        public boolean refused() {
            return retryAfter != null;
        }
    }

    /** Decides whether {@code account} may try to sign in from {@code address} now; counts it if so. */
    public Attempt begin(String account, String address) {
        Instant now = clock.instant();
        String pairKey = "pair|" + key(account) + "|" + address;
        Document pair = counters.find(Filters.eq("_id", pairKey)).first();
        if (pair != null && pair.getDate(UNTIL) != null && pair.getDate(UNTIL).toInstant().isAfter(now)) {
            return refused(Duration.between(now, pair.getDate(UNTIL).toInstant()));
        }
        Window byAddress = window("address|" + address, limits.addressPeriod(), now);
        if (take(byAddress) > limits.perAddress()) {
            giveBack(byAddress.key);
            return refused(Duration.between(now, byAddress.end));
        }
        Window byAccount = window("account|" + key(account), limits.accountPeriod(), now);
        if (take(byAccount) > limits.perAccount()) {
            giveBack(byAccount.key);
            giveBack(byAddress.key);
            return refused(Duration.between(now, byAccount.end));
        }
        return new Attempt(pairKey, byAddress.key, byAccount.key, null);
    }

    /** The attempt signed in: the pair starts afresh, and the windows do not count it. */
    public void succeeded(Attempt attempt) {
        counters.deleteOne(Filters.eq("_id", attempt.pairKey()));
        giveBack(attempt.addressKey());
        giveBack(attempt.accountKey());
    }

    /**
     * The password was right but a second factor is still owed: the windows do not count it, and the pair's failures
     * stay (a right password must not wipe out wrong codes before it).
     */
    public void passed(Attempt attempt) {
        giveBack(attempt.addressKey());
        giveBack(attempt.accountKey());
    }

    /** The attempt failed: one more failure for the pair, and a wait before its next attempt once past the free ones. */
    public void failed(Attempt attempt) {
        Instant now = clock.instant();
        Document pair = upsert(attempt.pairKey(), Updates.combine(Updates.inc(FAILURES, 1),
                Updates.set(EXPIRE_AT, Date.from(now.plus(limits.forgetAfter())))));
        int failures = pair.get(FAILURES, Number.class).intValue();
        if (failures >= limits.failuresBeforeDelay()) {
            counters.updateOne(Filters.eq("_id", attempt.pairKey()),
                    Updates.set(UNTIL, Date.from(now.plus(delay(failures - limits.failuresBeforeDelay())))));
        }
    }

    /** firstDelay, doubled per further failure, at most maxDelay. */
    Duration delay(int beyondFree) {
        Duration delay = limits.firstDelay();
        for (int i = 0; i < beyondFree && delay.compareTo(limits.maxDelay()) < 0; i++) {
            delay = delay.multipliedBy(2);
        }
        return delay.compareTo(limits.maxDelay()) > 0 ? limits.maxDelay() : delay;
    }

    /** Removes counters past their window (every crm.security.cleanup-every); several replicas doing it at once is harmless. */
    public long deleteExpired() {
        return counters.deleteMany(Filters.lt(EXPIRE_AT, Date.from(clock.instant()))).getDeletedCount();
    }

    private record Window(String key, Instant end) {
    }

    private static Window window(String name, Duration period, Instant now) {
        long length = period.toMillis();
        long start = Math.floorDiv(now.toEpochMilli(), length) * length;
        return new Window(name + "|" + start, Instant.ofEpochMilli(start + length));
    }

    private long take(Window window) {
        return upsert(window.key, Updates.combine(Updates.inc(COUNT, 1),
                Updates.setOnInsert(EXPIRE_AT, Date.from(window.end)))).get(COUNT, Number.class).longValue();
    }

    private void giveBack(String key) {
        counters.updateOne(Filters.and(Filters.eq("_id", key), Filters.gt(COUNT, 0)), Updates.inc(COUNT, -1));
    }

    private Document upsert(String key, org.bson.conversions.Bson update) {
        FindOneAndUpdateOptions options = new FindOneAndUpdateOptions().upsert(true)
                .returnDocument(ReturnDocument.AFTER);
        try {
            return counters.findOneAndUpdate(Filters.eq("_id", key), update, options);
        } catch (MongoCommandException | MongoWriteException race) {
            // two replicas inserted the same new counter at once: the other one won, so this is now an update
            if (race.getCode() != DUPLICATE_KEY) {
                throw race;
            }
            return counters.findOneAndUpdate(Filters.eq("_id", key), update, options);
        }
    }

    private static Attempt refused(Duration wait) {
        // Retry-After is whole seconds, and never 0 (that would invite an immediate retry)
        return new Attempt(null, null, null, wait.isNegative() || wait.isZero() ? Duration.ofSeconds(1) : wait);
    }

    /** The account as a counter key: as typed (lower-cased) when it can be an email, else its hash (bounded size). */
    private static String key(String account) {
        if (account.length() <= 254) {
            return account;
        }
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(account.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
