package io.crm.security;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

import com.mongodb.client.model.IndexModel;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import io.crm.store.CollectionIndexes;

import org.springframework.boot.session.autoconfigure.SessionTimeout;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.FixedDelayTask;
import org.springframework.security.core.session.SessionRegistry;
import org.springframework.security.web.savedrequest.HttpSessionRequestCache;
import org.springframework.security.web.savedrequest.RequestCache;
import org.springframework.session.config.annotation.web.http.EnableSpringHttpSession;
import org.springframework.session.security.SpringSessionBackedSessionRegistry;

/**
 * What must hold across replicas: sign-in throttling counters ({@link LoginThrottle}) and browser sessions shared by
 * all replicas: Spring Session over {@link MongoSessionRepository}, and Spring Security's
 * session registry on top of it, so ending a user's sessions works whichever replica serves their next request.
 * Boot's session auto-configuration registers the session filter and applies {@code server.servlet.session.*}
 * (cookie {@code CRM_SESSION}: HttpOnly, SameSite=Lax, Secure on TLS; the timeout, {@code CRM_SESSION_TIMEOUT}).
 */
@Configuration(proxyBeanMethods = false)
@EnableSpringHttpSession
@EnableScheduling
class SessionConfiguration {

    /** The idle timeout is server.servlet.session.timeout (CRM_SESSION_TIMEOUT, default in application.yaml). */
    @Bean
    MongoSessionRepository sessionRepository(MongoTemplate mongo, SessionTimeout timeout, Clock clock) {
        Duration idle = Objects.requireNonNull(timeout.getTimeout(), "server.servlet.session.timeout must be set");
        return new MongoSessionRepository(mongo.getCollection(MongoSessionRepository.COLLECTION), idle, clock);
    }

    /** Removes expired sessions and sign-in counters every crm.security.cleanup-every (the first run that late). */
    @Bean
    SchedulingConfigurer securityCleanup(MongoSessionRepository sessions, LoginThrottle throttle,
                                         SecurityProperties properties) {
        Duration every = properties.cleanupEvery();
        return registrar -> {
            registrar.addFixedDelayTask(new FixedDelayTask(sessions::deleteExpired, every, every));
            registrar.addFixedDelayTask(new FixedDelayTask(throttle::deleteExpired, every, every));
        };
    }

    /**
     * The page to return to after signing in is remembered only for a browser's page request: remembering any other
     * anonymous request (a script, a probe, an attack) would store a session document for each.
     * Spring Security's chains pick this bean up.
     */
    @Bean
    RequestCache requestCache() {
        HttpSessionRequestCache cache = new HttpSessionRequestCache();
        cache.setRequestMatcher(request -> "GET".equals(request.getMethod()) && WebSecurity.wantsHtml(request)
                && request.getHeader("X-Requested-With") == null && request.getHeader("HX-Request") == null);
        return cache;
    }

    @Bean
    SessionRegistry sessionRegistry(MongoSessionRepository sessions) {
        return new SpringSessionBackedSessionRegistry<>(sessions);
    }

    @Bean
    LoginThrottle loginThrottle(MongoTemplate mongo, SecurityProperties properties, Clock clock) {
        return new LoginThrottle(mongo.getCollection(LoginThrottle.COLLECTION), properties.rateLimit(), clock);
    }

    @Bean
    CollectionIndexes loginThrottleIndexes() {
        return new CollectionIndexes(LoginThrottle.COLLECTION, List.of(
                new IndexModel(Indexes.ascending(LoginThrottle.EXPIRE_AT),
                        new IndexOptions().name("login_throttle_expiry").expireAfter(0L, TimeUnit.SECONDS))));
    }

    @Bean
    CollectionIndexes sessionCollectionIndexes() {
        return new CollectionIndexes(MongoSessionRepository.COLLECTION, List.of(
                new IndexModel(Indexes.ascending(MongoSessionRepository.PRINCIPAL, MongoSessionRepository.EXPIRE_AT),
                        new IndexOptions().name("sessions_principal")),
                new IndexModel(Indexes.ascending(MongoSessionRepository.USER_ID),
                        new IndexOptions().name("sessions_user")),
                // MongoDB removes expired sessions itself; MongoSessionRepository.deleteExpired covers other stores
                new IndexModel(Indexes.ascending(MongoSessionRepository.EXPIRE_AT),
                        new IndexOptions().name("sessions_expiry").expireAfter(0L, TimeUnit.SECONDS))));
    }
}
