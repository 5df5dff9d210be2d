package io.crm.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Aggregates;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import io.crm.events.Change;
import io.crm.events.Outbox;
import io.crm.record.Field;
import io.crm.record.Fields;
import io.crm.json.JsonValues;
import io.crm.record.RecordException;
import io.crm.record.RecordMeta;
import io.crm.record.Schema;
import org.bson.Document;
import org.bson.types.ObjectId;

/**
 * Personal API tokens. A token is 32 random bytes shown once at creation; only its SHA-256 is stored, so checking a
 * request is one indexed lookup (no password hashing per request) and a database leak reveals no usable token. A
 * high-entropy random secret needs no slow hash: nothing can be guessed from the digest.
 * <p>
 * A token that was checked is remembered for a few seconds ({@code crm.security.tokens.cache-ttl}), so a request with
 * a known token reads nothing from the store. The cache is a copy with bounded staleness, never the truth: this
 * instance drops an entry at once when the token is revoked or its user changes here; another replica drops its whole
 * cache at its next check of the store's change tokens ({@link TokenCacheWatch}, every second), and within the
 * lifetime at the latest (docs/security.md "Token cache"). The token's own expiry is checked on every request.
 */
public class ApiTokenService implements UserService.UserDisabledListener {

    public static final String COLLECTION = "api_tokens";
    public static final String PREFIX = "crm_";
    /** Last-used times are written at most this often per token, so reads stay reads. */
    private static final Duration LAST_USED_PRECISION = Duration.ofMinutes(1);
    /** The client address of the last use (as the trusted-proxy handling resolved it), written with lastUsedAt. */
    static final String LAST_USED_FROM = "lastUsedFrom";
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Never used itself: {@link #hash} clones it. */
    private static final MessageDigest SHA_256 = sha256();
    /** Tokens remembered at most; beyond it those least likely to be used again are dropped (and read again). */
    static final int CACHE_SIZE = 10_000;

    private final MongoCollection<Document> tokens;
    private final UserService users;
    private final Outbox outbox;
    private final Clock clock;
    private final SecurityProperties.Tokens limits;
    private final Schema schema;
    /** Checked tokens by their hash (never the secret); null when the lifetime is zero: every request reads. */
    private final Cache<String, Known> known;
    /**
     * Counts the invalidations: a token read from the store while one happened may be stale, so it is not kept
     * (without this, a read that started before a revocation could put the revoked token back after it).
     */
    private final AtomicLong invalidations = new AtomicLong();

    public ApiTokenService(MongoCollection<Document> tokens, UserService users, Outbox outbox, Clock clock,
                           SecurityProperties.Tokens limits) {
        this(tokens, users, outbox, clock, limits, Ticker.systemTicker());
    }

    /** {@code ticker}: what measures the cache lifetime (a test's fake one). */
    public ApiTokenService(MongoCollection<Document> tokens, UserService users, Outbox outbox, Clock clock,
                           SecurityProperties.Tokens limits, Ticker ticker) {
        this.tokens = tokens;
        this.users = users;
        this.outbox = outbox;
        this.clock = clock;
        this.limits = limits;
        this.known = limits.cacheTtl().isZero() ? null : Caffeine.newBuilder().maximumSize(CACHE_SIZE)
                .expireAfterWrite(limits.cacheTtl()).ticker(ticker).build();
        users.onDisabled(this);
        // a new role, a disabled user, a new name or password: the cached copy of the user goes at once
        users.onChanged(this::forgetUser);
        this.schema = new Schema(List.of(
                Field.required("name", Fields.text(1, 100)),
                Field.optional("expiresInDays", days(limits.maxExpiresInDays()))));
    }

    /** A new token of {@code userId}; the returned JSON carries the secret, which is never shown again. */
    public Map<String, Object> create(String userId, Map<String, Object> body) {
        if (!ObjectId.isValid(userId)) {
            // the anonymous admin of CRM_AUTH_ENABLED=false is no user: there is nobody to issue a token to
            throw new RecordException.Forbidden("Tokens belong to users; sign in as a user to create one");
        }
        Map<String, Object> fields = new LinkedHashMap<>(body);
        Object askedScopes = fields.remove(TokenScopes.FIELD);
        Document input = schema.create(fields);
        // capped by the owner's role now, and by whatever role the owner has when the token is used
        Role owner = Role.parse(users.get(userId).getString("role"));
        Set<Scope> scopes = TokenScopes.requested(askedScopes, owner == null ? Role.VIEWER : owner);
        if (tokens.countDocuments(Filters.and(Filters.eq("userId", userId), Filters.eq("revokedAt", null)))
                >= limits.maxPerUser()) {
            throw new RecordException.Conflict("At most " + limits.maxPerUser() + " active tokens per user; "
                    + "revoke one first");
        }
        int days = input.get("expiresInDays") instanceof Number n ? n.intValue() : limits.defaultExpiresInDays();
        byte[] random = new byte[32];
        RANDOM.nextBytes(random);
        String secret = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        Instant now = clock.instant();
        ObjectId id = new ObjectId();
        Document token = new Document("_id", id)
                .append("userId", userId)
                // the same id as an ObjectId, to join the user in the lookup that checks a request's token
                .append("userOid", new ObjectId(userId))
                .append("name", input.getString("name"))
                .append("tokenHash", hash(secret))
                .append(TokenScopes.FIELD, TokenScopes.names(scopes))
                .append("createdAt", Date.from(now))
                .append("expiresAt", Date.from(now.plus(Duration.ofDays(days))))
                .append("revokedAt", null)
                .append("lastUsedAt", null)
                .append(LAST_USED_FROM, null)
                .append(RecordMeta.META, new Document("version", 1L));
        Outbox.append(token, null, List.of(outbox.event("token", "created", id,
                Change.between(null, visible(token), Set.of()), 1)));
        tokens.insertOne(token);
        outbox.written(COLLECTION, id);
        Map<String, Object> json = toJson(token);
        json.put("token", secret);
        return json;
    }

    /** The user a token belongs to, if the token is known, not revoked, not expired and its user is enabled. */
    public Optional<CrmUser> authenticate(String secret) {
        return authenticate(secret, null);
    }

    /**
     * The user a token belongs to (carrying the token's scopes), if the token is known, not revoked, not expired and
     * its user is enabled; {@code clientAddress}: where the request came from (after the trusted-proxy handling),
     * recorded with the last-use time.
     */
    public Optional<CrmUser> authenticate(String secret, String clientAddress) {
        if (secret == null || !secret.startsWith(PREFIX) || secret.length() > 200) {
            return Optional.empty();
        }
        String hash = hash(secret);
        Instant now = clock.instant();
        Known token = known == null ? null : known.getIfPresent(hash);
        if (token == null) {
            long before = invalidations.get();
            token = read(hash);
            // only usable tokens are kept: an unknown or revoked one is read again, so a new token works at once
            if (token == null || !token.expiresAt().isAfter(now)) {
                return Optional.empty();
            }
            if (known != null) {
                known.put(hash, token);
                if (invalidations.get() != before) {
                    known.invalidate(hash);
                }
            }
        }
        // the token's own expiry is exact, cached or not
        if (!token.expiresAt().isAfter(now)) {
            return Optional.empty();
        }
        Instant used = token.lastUsedAt().get();
        if ((used == null || used.isBefore(now.minus(LAST_USED_PRECISION)))
                && token.lastUsedAt().compareAndSet(used, now)) {
            tokens.updateOne(Filters.eq("_id", token.id()), Updates.combine(Updates.set("lastUsedAt", Date.from(now)),
                    Updates.set(LAST_USED_FROM, clientAddress)));
        }
        return Optional.of(token.user());
    }

    /** A token with its enabled user, from the store; null when unknown, revoked or its user is disabled or gone. */
    private Known read(String hash) {
        // one round trip: the token by its hash (unique index) with its user joined by _id
        Document token = tokens.aggregate(List.of(Aggregates.match(Filters.eq("tokenHash", hash)),
                Aggregates.limit(1), Aggregates.lookup(UserService.COLLECTION, "userOid", "_id", "user"))).first();
        if (token == null || token.get("revokedAt") != null || !(token.get("expiresAt") instanceof Date expires)) {
            return null;
        }
        CrmUser user = token.getList("user", Document.class, List.of()).stream().findFirst()
                .map(CrmUser::of).filter(CrmUser::isEnabled).orElse(null);
        if (user == null) {
            return null;
        }
        user.eraseCredentials();
        Instant used = token.get("lastUsedAt") instanceof Date d ? d.toInstant() : null;
        return new Known(token.get("_id"), user.id(), expires.toInstant(),
                user.withTokenScopes(TokenScopes.stored(token.get(TokenScopes.FIELD))), new AtomicReference<>(used));
    }

    /** What a request needs of a checked token; {@code lastUsedAt}: when this instance last knew it was written. */
    private record Known(Object id, String userId, Instant expiresAt, CrmUser user,
                         AtomicReference<Instant> lastUsedAt) {
    }

    /** Drops a token from this instance's cache: the next request with it reads the store. */
    private void forget(String hash) {
        invalidations.incrementAndGet();
        if (known != null && hash != null) {
            known.invalidate(hash);
        }
    }

    /** Drops every token from this instance's cache: something changed on another replica ({@link TokenCacheWatch}). */
    void forgetAll() {
        invalidations.incrementAndGet();
        if (known != null) {
            known.invalidateAll();
        }
    }

    /** Whether checked tokens are remembered at all ({@code cache-ttl} above zero). */
    boolean caches() {
        return known != null;
    }

    /** Drops a user's tokens from this instance's cache. */
    void forgetUser(String userId) {
        invalidations.incrementAndGet();
        if (known != null) {
            known.asMap().values().removeIf(token -> token.userId().equals(userId));
        }
    }

    /** Tokens of one user, or of everyone ({@code userId} null, admins only), newest first; never the secrets. */
    public List<Map<String, Object>> list(String userId) {
        var query = userId == null ? new Document() : Filters.eq("userId", userId);
        List<Map<String, Object>> out = new ArrayList<>();
        tokens.find(query).sort(new Document("_id", -1)).limit(1000).forEach(t -> out.add(toJson(t)));
        return out;
    }

    /** Revokes a token at once; {@code ownerId} null lets an admin revoke anyone's. 404 for someone else's token. */
    public void revoke(String id, String ownerId) {
        Document token = ObjectId.isValid(id) ? tokens.find(Filters.eq("_id", new ObjectId(id))).first() : null;
        if (token == null || (ownerId != null && !ownerId.equals(token.getString("userId")))) {
            throw new RecordException.NotFound("Token");
        }
        if (token.get("revokedAt") != null) {
            // revoked meanwhile, perhaps on another replica: it goes from this one's cache now, not in a few seconds
            forget(token.getString("tokenHash"));
            return;
        }
        revoke(token);
    }

    /** A disabled user's tokens stop working at once. */
    @Override
    public void disabled(String userId) {
        tokens.find(Filters.and(Filters.eq("userId", userId), Filters.eq("revokedAt", null))).forEach(this::revoke);
    }

    private void revoke(Document token) {
        Date now = Date.from(clock.instant());
        long version = RecordMeta.version(token);
        // one conditional write: the revocation and its event, unless someone revoked it meanwhile
        Document event = outbox.event("token", "revoked", token.get("_id"), List.of(new Change("revokedAt", null, now)),
                version + 1).toDocument();
        if (tokens.updateOne(Filters.and(Filters.eq("_id", token.get("_id")), Filters.eq("revokedAt", null)),
                Updates.combine(Updates.set("revokedAt", now), Updates.set(RecordMeta.VERSION, version + 1),
                        Updates.push(Outbox.PATH, event))).getModifiedCount() > 0) {
            outbox.written(COLLECTION, token.get("_id"));
        }
        forget(token.getString("tokenHash"));
    }

    /** SHA-256 hex of a high-entropy secret (tokens, recovery codes, emailed links): what the store keeps. */
    public static String hash(String secret) {
        try {
            // a copy of an unused prototype: a token is hashed on every request, and the provider lookup of
            // MessageDigest.getInstance was about 1 % of a token-authenticated read's CPU
            MessageDigest digest = (MessageDigest) SHA_256.clone();
            return HexFormat.of().formatHex(digest.digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Object> visible(Document token) {
        Map<String, Object> view = new LinkedHashMap<>();
        for (String field : List.of("userId", "name", "expiresAt", TokenScopes.FIELD)) {
            view.put(field, token.get(field));
        }
        return view;
    }

    static Map<String, Object> toJson(Document token) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", token.getObjectId("_id").toHexString());
        json.put("name", token.getString("name"));
        json.put("userId", token.getString("userId"));
        json.put("createdAt", JsonValues.toJson(token.get("createdAt")));
        json.put("expiresAt", JsonValues.toJson(token.get("expiresAt")));
        // a token stored before scopes existed shows all of them: its owner's role is what limits it
        json.put(TokenScopes.FIELD, TokenScopes.names(TokenScopes.stored(token.get(TokenScopes.FIELD))));
        json.put("lastUsedAt", JsonValues.toJson(token.get("lastUsedAt")));
        json.put(LAST_USED_FROM, token.getString(LAST_USED_FROM));
        json.put("revokedAt", JsonValues.toJson(token.get("revokedAt")));
        return json;
    }

    private static Field.Converter days(int max) {
        return json -> {
            if (!(json instanceof Integer n) || n < 1 || n > max) {
                throw new Field.InvalidValue("must be a whole number of days from 1 to " + max);
            }
            return n;
        };
    }
}
