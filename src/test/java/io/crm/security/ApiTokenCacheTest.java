package io.crm.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import com.github.benmanes.caffeine.cache.Ticker;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import io.crm.events.Actor;
import io.crm.events.Actors;
import io.crm.events.ChangeTokens;
import io.crm.support.CountingMongo;
import io.crm.support.MutableClock;
import io.crm.support.PlainEvents;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.security.crypto.factory.PasswordEncoderFactories;

/**
 * The API token cache: a known token costs no store command; revocation, a disabled user and a new role take effect
 * at once on the instance that made the change, on another instance over the same store at its next check of the
 * store's change tokens ({@link TokenCacheWatch}), and without a check within the cache's lifetime (a fake ticker
 * makes it pass); the token's own expiry stays exact.
 */
class ApiTokenCacheTest {

    private static final Duration TTL = Duration.ofSeconds(5);
    private static final String DATABASE = "token_cache_test";
    @RegisterExtension
    static final CountingMongo mongo = new CountingMongo(DATABASE);

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-04T10:00:00Z"));
    private final AtomicLong nanos = new AtomicLong();
    private final Ticker ticker = nanos::get;
    private MongoDatabase db;
    /** Two replicas over one store: each has its own user and token services, and so its own cache. */
    private Replica a;
    private Replica b;

    /** The relay of the replica holding the lease: it hands every change of users and tokens to the change tokens. */
    private PlainEvents relay;

    private record Replica(UserService users, ApiTokenService tokens, TokenCacheWatch watch) {
    }

    @BeforeEach
    void fresh() {
        mongo.onCommand(event -> { });
        db = mongo.database();
        db.drop();
        a = replica(TTL);
        b = replica(TTL);
        relay = new PlainEvents(db, Actors.fixed(Actor.SYSTEM), clock,
                List.of(SecurityConfiguration.USER_EVENTS, SecurityConfiguration.TOKEN_EVENTS),
                List.of(new ChangeTokens(db)));
    }

    private Replica replica(Duration ttl) {
        var outbox = new PlainEvents(db, Actors.fixed(Actor.SYSTEM), clock, List.of(), List.of()).outbox;
        UserService users = new UserService(db.getCollection(UserService.COLLECTION),
                PasswordEncoderFactories.createDelegatingPasswordEncoder(), outbox, clock);
        ApiTokenService tokens = new ApiTokenService(db.getCollection(ApiTokenService.COLLECTION), users, outbox,
                clock, new SecurityProperties.Tokens(90, 365, 20, ttl, Duration.ofSeconds(1)), ticker);
        return new Replica(users, tokens, new TokenCacheWatch(new ChangeTokens(db),
                List.of(SecurityConfiguration.USER_EVENTS, SecurityConfiguration.TOKEN_EVENTS), tokens,
                Duration.ofSeconds(1)));
    }

    private String userId(Role role) {
        return a.users().create(Map.of("email", "u-" + new org.bson.types.ObjectId() + "@example.test",
                "displayName", "Someone", "role", role.name(), "password", "correct horse battery"), false)
                .getObjectId("_id").toHexString();
    }

    private String token(String userId) {
        return (String) a.tokens().create(userId, Map.of("name", "cache")).get("token");
    }

    private String tokenId(String secret) {
        return db.getCollection(ApiTokenService.COLLECTION)
                .find(Filters.eq("tokenHash", ApiTokenService.hash(secret))).first().getObjectId("_id").toHexString();
    }

    /** The commands {@code action} sends to the store, by name. */
    private static List<String> commandsOf(Runnable action) {
        return mongo.commandsOf(action);
    }

    private static Optional<Role> role(ApiTokenService tokens, String secret) {
        return tokens.authenticate(secret).map(CrmUser::role);
    }

    @Test
    void aKnownTokenCostsNoStoreCommandAndItsLastUseIsWrittenAtMostOnceAMinute() {
        String secret = token(userId(Role.MEMBER));
        assertThat(commandsOf(() -> assertThat(role(a.tokens(), secret)).contains(Role.MEMBER)))
                .as("the first use reads the token with its user, and records the use")
                .containsExactly("aggregate", "update");

        assertThat(commandsOf(() -> {
            for (int i = 0; i < 100; i++) {
                assertThat(role(a.tokens(), secret)).contains(Role.MEMBER);
            }
        })).as("later uses, within the lifetime").isEmpty();

        clock.advance(Duration.ofSeconds(61));
        assertThat(commandsOf(() -> assertThat(role(a.tokens(), secret)).contains(Role.MEMBER)))
                .as("a minute on, the last use is written again (and the token still not read)")
                .containsExactly("update");
        assertThat(db.getCollection(ApiTokenService.COLLECTION).find().first().getDate("lastUsedAt").toInstant())
                .isEqualTo(clock.instant());

        nanos.addAndGet(TTL.toNanos());
        assertThat(commandsOf(() -> assertThat(role(a.tokens(), secret)).contains(Role.MEMBER)))
                .as("past the cache lifetime the token is read again").containsExactly("aggregate");
    }

    @Test
    void theTokensOwnExpiryIsExactOnACachedToken() {
        String secret = token(userId(Role.VIEWER));
        Instant expiresAt = db.getCollection(ApiTokenService.COLLECTION).find().first().getDate("expiresAt")
                .toInstant();
        assertThat(role(a.tokens(), secret)).contains(Role.VIEWER);
        clock.setInstant(expiresAt.minusMillis(1));
        assertThat(role(a.tokens(), secret)).contains(Role.VIEWER);
        clock.setInstant(expiresAt);
        assertThat(commandsOf(() -> assertThat(a.tokens().authenticate(secret)).isEmpty()))
                .as("refused from the cache, without a read").isEmpty();
    }

    @Test
    void revocationTakesEffectAtOnceHereAndWithinTheLifetimeOnAnotherInstance() {
        String secret = token(userId(Role.MEMBER));
        assertThat(role(a.tokens(), secret)).contains(Role.MEMBER);
        assertThat(role(b.tokens(), secret)).contains(Role.MEMBER);

        a.tokens().revoke(tokenId(secret), null);
        assertThat(a.tokens().authenticate(secret)).as("on the instance that revoked it").isEmpty();
        // b has not heard of it: its copy is good until the lifetime is over, and not a moment longer
        nanos.addAndGet(TTL.toNanos() - 1);
        assertThat(role(b.tokens(), secret)).contains(Role.MEMBER);
        nanos.addAndGet(1);
        assertThat(b.tokens().authenticate(secret)).as("on another instance, after the lifetime").isEmpty();
    }

    @Test
    void revokingAnAlreadyRevokedTokenStillDropsThisInstancesCopy() {
        String secret = token(userId(Role.MEMBER));
        assertThat(role(b.tokens(), secret)).contains(Role.MEMBER);
        a.tokens().revoke(tokenId(secret), null);
        b.tokens().revoke(tokenId(secret), null);
        assertThat(b.tokens().authenticate(secret)).isEmpty();
    }

    @Test
    void disablingTheUserTakesEffectAtOnceHereAndWithinTheLifetimeOnAnotherInstance() {
        String user = userId(Role.MEMBER);
        String secret = token(user);
        assertThat(role(a.tokens(), secret)).contains(Role.MEMBER);
        assertThat(role(b.tokens(), secret)).contains(Role.MEMBER);

        a.users().update(user, Map.of("enabled", false));
        assertThat(a.tokens().authenticate(secret)).isEmpty();
        nanos.addAndGet(TTL.toNanos());
        assertThat(b.tokens().authenticate(secret)).isEmpty();
    }

    @Test
    void aNewRoleOrNameIsSeenAtOnceHereAndWithinTheLifetimeOnAnotherInstance() {
        String user = userId(Role.ADMIN);
        userId(Role.ADMIN);  // the last enabled admin could not be demoted
        String secret = token(user);
        assertThat(role(a.tokens(), secret)).contains(Role.ADMIN);
        assertThat(role(b.tokens(), secret)).contains(Role.ADMIN);

        a.users().update(user, Map.of("role", "VIEWER", "displayName", "Renamed"));
        assertThat(a.tokens().authenticate(secret)).hasValueSatisfying(u -> {
            assertThat(u.role()).isEqualTo(Role.VIEWER);
            assertThat(u.displayName()).isEqualTo("Renamed");
        });
        assertThat(role(b.tokens(), secret)).contains(Role.ADMIN);
        nanos.addAndGet(TTL.toNanos());
        assertThat(role(b.tokens(), secret)).contains(Role.VIEWER);
    }

    /** A token {@code b} has checked, with every change so far relayed and seen by {@code b}'s watch. */
    private String knownToB(String user) {
        String secret = token(user);
        relay.drain();
        b.watch().check();
        assertThat(role(b.tokens(), secret)).isPresent();
        return secret;
    }

    @Test
    void aCheckWithNothingChangedKeepsTheCache() {
        String secret = knownToB(userId(Role.MEMBER));
        b.watch().check();
        b.watch().check();
        assertThat(commandsOf(() -> assertThat(role(b.tokens(), secret)).contains(Role.MEMBER)))
                .as("still known after checks that found nothing new").isEmpty();
        assertThat(commandsOf(() -> b.watch().check())).as("a check reads, never writes")
                .doesNotContain("insert", "update", "delete");
    }

    @Test
    void anotherInstanceRefusesARevokedTokenAtItsNextCheckWhetherTheChangeWasRelayedOrNot() {
        String secret = knownToB(userId(Role.MEMBER));
        a.tokens().revoke(tokenId(secret), null);
        assertThat(role(b.tokens(), secret)).as("before b checks, its copy stands").contains(Role.MEMBER);
        b.watch().check();
        assertThat(b.tokens().authenticate(secret)).as("the revocation still waits in the token's outbox").isEmpty();

        String other = knownToB(userId(Role.MEMBER));
        a.tokens().revoke(tokenId(other), null);
        relay.drain();
        b.watch().check();
        assertThat(b.tokens().authenticate(other)).as("the revocation relayed: the change token moved").isEmpty();
    }

    @Test
    void anotherInstanceSeesADisabledUserAndANewRoleAtItsNextCheck() {
        String disabled = userId(Role.MEMBER);
        String renamed = userId(Role.ADMIN);
        userId(Role.ADMIN);  // the last enabled admin could not be demoted
        String disabledSecret = knownToB(disabled);
        String renamedSecret = knownToB(renamed);

        a.users().update(disabled, Map.of("enabled", false));
        a.users().update(renamed, Map.of("role", "VIEWER"));
        relay.drain();
        b.watch().check();
        assertThat(b.tokens().authenticate(disabledSecret)).isEmpty();
        assertThat(role(b.tokens(), renamedSecret)).contains(Role.VIEWER);
    }

    @Test
    void theWatchDoesNotRunWithoutACacheOrWithoutAnInterval() {
        List<io.crm.events.EventSource> users = List.of(SecurityConfiguration.USER_EVENTS);
        TokenCacheWatch uncached = new TokenCacheWatch(new ChangeTokens(db), users, replica(Duration.ZERO).tokens(),
                Duration.ofSeconds(1));
        uncached.start();
        assertThat(uncached.isRunning()).isFalse();
        TokenCacheWatch unchecked = new TokenCacheWatch(new ChangeTokens(db), users, a.tokens(), Duration.ZERO);
        unchecked.start();
        assertThat(unchecked.isRunning()).isFalse();
        b.watch().start();
        try {
            assertThat(b.watch().isRunning()).isTrue();
        } finally {
            b.watch().stop();
        }
        assertThat(b.watch().isRunning()).isFalse();
    }

    @Test
    void aTokenReadWhileItsUserChangedIsNotKept() {
        String user = userId(Role.MEMBER);
        String secret = token(user);
        // the change lands while the read is on its way: what the read returns may predate it
        mongo.onCommand(event -> {
            if (event.getCommandName().equals("aggregate")) {
                a.tokens().forgetUser(user);
            }
        });
        assertThat(role(a.tokens(), secret)).contains(Role.MEMBER);
        mongo.onCommand(event -> { });
        assertThat(commandsOf(() -> assertThat(role(a.tokens(), secret)).contains(Role.MEMBER)))
                .as("read again: the first read was not cached").containsExactly("aggregate");
        assertThat(commandsOf(() -> assertThat(role(a.tokens(), secret)).contains(Role.MEMBER))).isEmpty();
    }

    @Test
    void unknownAndRevokedTokensAreNotRemembered() {
        String secret = token(userId(Role.MEMBER));
        assertThat(commandsOf(() -> assertThat(a.tokens().authenticate(secret + "x")).isEmpty()))
                .containsExactly("aggregate");
        assertThat(commandsOf(() -> assertThat(a.tokens().authenticate(secret + "x")).isEmpty()))
                .containsExactly("aggregate");
        // a token made on another instance works at once: no remembered miss hides it
        assertThat(role(a.tokens(), token(userId(Role.VIEWER)))).contains(Role.VIEWER);
    }

    @Test
    void aZeroLifetimeReadsTheTokenOnEveryRequest() {
        ApiTokenService uncached = replica(Duration.ZERO).tokens();
        String secret = token(userId(Role.MEMBER));
        assertThat(role(uncached, secret)).contains(Role.MEMBER);
        assertThat(commandsOf(() -> assertThat(role(uncached, secret)).contains(Role.MEMBER)))
                .containsExactly("aggregate");
        a.tokens().revoke(tokenId(secret), null);
        assertThat(uncached.authenticate(secret)).isEmpty();
    }
}
