package io.crm.security;

import java.time.Clock;
import java.util.List;

import com.mongodb.client.model.IndexModel;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import io.crm.events.Actor;
import io.crm.events.Actors;
import io.crm.events.ChangeTokens;
import io.crm.events.EventSource;
import io.crm.events.EventsConfiguration;
import io.crm.events.HardDeletes;
import io.crm.events.Outbox;
import io.crm.store.CollectionIndexes;
import io.crm.store.UniqueIndexes;
import io.crm.record.RecordContext;
import io.crm.record.RecordMeta;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.security.access.hierarchicalroles.RoleHierarchy;
import org.springframework.security.access.hierarchicalroles.RoleHierarchyImpl;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.oauth2.server.resource.introspection.BadOpaqueTokenException;
import org.springframework.security.oauth2.server.resource.introspection.OpaqueTokenIntrospector;

/** The security domain's beans: users, tokens, roles, sessions, and the actor every change's event names. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({SecurityProperties.class, SignInProperties.class})
public class SecurityConfiguration {

    @Bean
    PasswordEncoder passwordEncoder() {
        return PasswordEncoderFactories.createDelegatingPasswordEncoder();
    }

    @Bean
    UserService userService(MongoTemplate mongo, PasswordEncoder encoder, Outbox outbox, Clock clock,
                            MongoSessionRepository sessions) {
        UserService users = new UserService(mongo.getCollection(UserService.COLLECTION), encoder, outbox, clock);
        // a disabled or re-roled user's browser sessions end at once, on every replica (the shared session store);
        // the token service revokes a disabled user's tokens
        users.onAccessChanged(sessions::endAllOf);
        return users;
    }

    @Bean
    ApiTokenService apiTokenService(MongoTemplate mongo, UserService users, Outbox outbox, Clock clock,
                                    SecurityProperties properties) {
        return new ApiTokenService(mongo.getCollection(ApiTokenService.COLLECTION), users, outbox, clock,
                properties.tokens());
    }

    @Bean
    RecordContext recordContext(Outbox outbox, HardDeletes deletes, UserService users, Clock clock,
                                UniqueIndexes unique, MongoTemplate mongo) {
        return new RecordContext(outbox, deletes, users::exists, clock, unique::enforced, mongo.getDb());
    }

    /**
     * The actor of a change: the signed-in user (the anonymous admin when auth is off), a named system actor the
     * service runs as ({@link SystemActor}), else the service itself.
     */
    @Bean
    Actors actors() {
        return () -> {
            Authentication auth = SecurityContextHolder.getContext().getAuthentication();
            if (auth != null && auth.getPrincipal() instanceof CrmUser user) {
                return new Actor(user.id(), user.displayName());
            }
            if (auth instanceof SystemActor.ActorAuthentication system) {
                return system.getPrincipal();
            }
            return Actor.SYSTEM;
        };
    }

    /**
     * Who may sign in with a password (form login, HTTP Basic): users who have one, as CRM_LOCAL_LOGIN allows. A
     * refusal looks like a wrong password, so it tells nothing about the account.
     */
    @Bean
    UserDetailsService userDetailsService(UserService users, SignInProperties signIn) {
        // a service account never signs in (form login, HTTP Basic): as if there were no such user
        return email -> users.byEmail(email).filter(user -> !UserService.isService(user)).map(CrmUser::of)
                .filter(user -> user.getPassword() != null && switch (signIn.localLogin()) {
                    case ENABLED -> true;
                    case ADMINS_ONLY -> user.role() == Role.ADMIN;
                    case DISABLED -> false;
                })
                .orElseThrow(() -> new UsernameNotFoundException("no such user"));
    }

    @Bean
    OpaqueTokenIntrospector tokenIntrospector(ApiTokenService tokens) {
        // the client address as the connector resolved it (X-Forwarded-For only from trusted proxies)
        return token -> tokens.authenticate(token, clientAddress())
                .orElseThrow(() -> new BadOpaqueTokenException("invalid token"));
    }

    private static String clientAddress() {
        return org.springframework.web.context.request.RequestContextHolder.getRequestAttributes()
                instanceof org.springframework.web.context.request.ServletRequestAttributes request
                ? request.getRequest().getRemoteAddr() : null;
    }

    @Bean
    static RoleHierarchy roleHierarchy() {
        return RoleHierarchyImpl.withDefaultRolePrefix().role("ADMIN").implies("MEMBER")
                .role("MEMBER").implies("VIEWER").build();
    }

    @Bean
    CollectionIndexes userCollectionIndexes() {
        return new CollectionIndexes(UserService.COLLECTION, List.of(
                EventsConfiguration.outboxIndex(UserService.COLLECTION),
                new IndexModel(Indexes.ascending(UserService.EMAIL_KEY),
                        new IndexOptions().name("users_email_unique").unique(true)),
                new IndexModel(Indexes.ascending("role", "enabled"), new IndexOptions().name("users_role")),
                // a single sign-on finds its user by the provider's identity
                new IndexModel(Indexes.ascending(UserService.SSO + ".issuer", UserService.SSO + ".subject"),
                        new IndexOptions().name("users_sso"))));
    }

    @Bean
    CollectionIndexes tokenCollectionIndexes() {
        return new CollectionIndexes(ApiTokenService.COLLECTION, List.of(
                EventsConfiguration.outboxIndex(ApiTokenService.COLLECTION),
                new IndexModel(Indexes.ascending("tokenHash"),
                        new IndexOptions().name("api_tokens_hash_unique").unique(true)),
                new IndexModel(Indexes.compoundIndex(Indexes.ascending("userId"), Indexes.descending("_id")),
                        new IndexOptions().name("api_tokens_user")),
                new IndexModel(Indexes.ascending("userId", "revokedAt"),
                        new IndexOptions().name("api_tokens_user_active"))));
    }

    /** Users and tokens carry their pending events like records do. */
    static final EventSource USER_EVENTS = new EventSource("user", UserService.COLLECTION);
    static final EventSource TOKEN_EVENTS = new EventSource("token", ApiTokenService.COLLECTION);

    @Bean
    EventSource userEvents() {
        return USER_EVENTS;
    }

    @Bean
    EventSource tokenEvents() {
        return TOKEN_EVENTS;
    }

    /** Every replica's token cache follows the changes of users and tokens made on the others. */
    @Bean
    TokenCacheWatch tokenCacheWatch(ChangeTokens changes, ApiTokenService tokens, SecurityProperties properties) {
        return new TokenCacheWatch(changes, List.of(USER_EVENTS, TOKEN_EVENTS), tokens,
                properties.tokens().cacheCheck());
    }
}
