package io.crm.security;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.ObjectInputFilter;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import org.bson.Document;
import org.bson.types.Binary;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.core.ConfigurableObjectInputStream;
import org.springframework.core.serializer.support.SerializingConverter;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.session.FindByIndexNameSessionRepository;
import org.springframework.session.MapSession;
import org.springframework.session.Session;

/**
 * Browser sessions in the app's own database ({@value #COLLECTION}), so every replica sees the same sessions and
 * ending one (sign-out, a disabled user, a new role) takes effect everywhere at once. One document per session:
 * its attributes Java-serialized in one binary field (they hold the SecurityContext with a {@link CrmUser}), plus
 * the principal's name and user id (indexed, to find and end a user's sessions) and {@code expireAt} (a TTL index on
 * MongoDB; {@link #deleteExpired()} does the same on stores without TTL support, harmlessly on every replica).
 *
 * <p>A stored session that no longer deserializes (a class changed between releases, a corrupt document) counts as
 * absent: it is deleted and the user signs in again, rather than every request failing.
 */
public class MongoSessionRepository implements FindByIndexNameSessionRepository<MongoSessionRepository.StoredSession> {

    public static final String COLLECTION = "sessions";
    static final String PRINCIPAL = "principal";
    static final String USER_ID = "userId";
    static final String EXPIRE_AT = "expireAt";
    static final String ENDED = "ended";
    private static final String CREATED = "created";
    private static final String ACCESSED = "accessed";
    private static final String MAX_IDLE = "maxIdleSeconds";
    private static final String ATTRIBUTES = "attributes";
    /** SpringSessionBackedSessionInformation.EXPIRED_ATTR (package-private there): the registry's "expired" mark. */
    static final String EXPIRED_ATTR = "org.springframework.session.security.SpringSessionBackedSessionInformation"
            + ".EXPIRED";

    private static final Logger log = LoggerFactory.getLogger(MongoSessionRepository.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    /** The longest a session without a signed-in user is kept idle. */
    static final Duration ANONYMOUS_IDLE = Duration.ofMinutes(30);

    private final MongoCollection<Document> sessions;
    private final Duration maxInactive;
    private final Clock clock;
    private final SerializingConverter serializer = new SerializingConverter();

    public MongoSessionRepository(MongoCollection<Document> sessions, Duration maxInactive, Clock clock) {
        this.sessions = sessions;
        this.maxInactive = maxInactive;
        this.clock = clock;
    }

    @Override
    public StoredSession createSession() {
        // 256 random bits (Spring Session's default, a UUID, has 122)
        byte[] id = new byte[32];
        RANDOM.nextBytes(id);
        MapSession session = new MapSession(Base64.getUrlEncoder().withoutPadding().encodeToString(id));
        session.setCreationTime(clock.instant());
        session.setLastAccessedTime(session.getCreationTime());
        session.setMaxInactiveInterval(maxInactive);
        return new StoredSession(session, null, null, clock);
    }

    @Override
    public void save(StoredSession session) {
        Instant accessed = session.getLastAccessedTime();
        if (session.storedId == null || !session.storedId.equals(session.getId())) {
            // new, or a new id (session fixation protection at sign-in): a new document; the old id stops working
            sessions.insertOne(fullDocument(session));
            if (session.storedId != null) {
                sessions.deleteOne(Filters.eq("_id", session.storedId));
            }
        } else if (session.changed) {
            Document full = fullDocument(session);
            full.remove("_id");
            full.remove(CREATED);
            Document update = new Document("$set", full);
            if (!full.containsKey(PRINCIPAL)) {
                update.append("$unset", new Document(PRINCIPAL, "").append(USER_ID, ""));
            }
            // an update, never an upsert: a session ended meanwhile (by another replica) stays ended
            sessions.updateOne(Filters.eq("_id", session.getId()), update);
        } else if (session.storedAccess == null || Duration.between(session.storedAccess, accessed)
                .compareTo(touchEvery(session)) >= 0) {
            sessions.updateOne(Filters.eq("_id", session.getId()), Updates.combine(
                    Updates.set(ACCESSED, Date.from(accessed)), Updates.set(EXPIRE_AT, expireAt(session))));
        } else {
            return;
        }
        session.storedId = session.getId();
        session.storedAccess = accessed;
        session.changed = false;
    }

    /**
     * Requests only move the idle deadline forward; writing that on every request would cost a write per page view,
     * so it is written once it moved by a tenth of the timeout (at most a minute): the timeout stays that exact.
     */
    private static Duration touchEvery(Session session) {
        Duration tenth = session.getMaxInactiveInterval().dividedBy(10);
        return tenth.compareTo(Duration.ofMinutes(1)) < 0 ? tenth : Duration.ofMinutes(1);
    }

    @Override
    public StoredSession findById(String id) {
        if (id == null || id.isEmpty() || id.length() > 200) {
            return null;
        }
        Document document = sessions.find(Filters.eq("_id", id)).first();
        return document == null ? null : load(document);
    }

    @Override
    public void deleteById(String id) {
        sessions.deleteOne(Filters.eq("_id", id));
    }

    @Override
    public Map<String, StoredSession> findByIndexNameAndIndexValue(String indexName, String indexValue) {
        if (!PRINCIPAL_NAME_INDEX_NAME.equals(indexName) || indexValue == null) {
            return Map.of();
        }
        Map<String, StoredSession> found = new LinkedHashMap<>();
        for (Document document : sessions.find(Filters.and(Filters.eq(PRINCIPAL, indexValue),
                Filters.gt(EXPIRE_AT, Date.from(clock.instant()))))) {
            StoredSession session = load(document);
            if (session != null) {
                found.put(session.getId(), session);
            }
        }
        return found;
    }

    /**
     * Ends every session of this user on every replica: the next request with one of them is signed out (and told
     * so, as {@link org.springframework.security.web.session.ConcurrentSessionFilter} does for expired sessions).
     * A flag rather than a rewrite of the attributes, so a request in flight on that session cannot undo it.
     */
    public long endAllOf(String userId) {
        return sessions.updateMany(Filters.eq(USER_ID, userId), Updates.set(ENDED, true)).getModifiedCount();
    }

    /** Removes expired sessions (every crm.security.cleanup-every); several replicas doing it at once is harmless. */
    public long deleteExpired() {
        return sessions.deleteMany(Filters.lt(EXPIRE_AT, Date.from(clock.instant()))).getDeletedCount();
    }

    private StoredSession load(Document document) {
        String id = document.getString("_id");
        Date expireAt = document.getDate(EXPIRE_AT);
        if (expireAt == null || !expireAt.toInstant().isAfter(clock.instant())) {
            deleteById(id);
            return null;
        }
        Map<String, Object> attributes;
        try {
            @SuppressWarnings("unchecked")
            Map<String, Object> read = (Map<String, Object>) deserialize(document.get(ATTRIBUTES, Binary.class)
                    .getData());
            attributes = read;
        } catch (RuntimeException unreadable) {
            // typically a class that changed between releases: the session is gone, the user signs in again
            log.info("Session {}... could not be read ({}); treated as ended", id.substring(0, Math.min(6,
                    id.length())), unreadable.getClass().getSimpleName());
            deleteById(id);
            return null;
        }
        MapSession session = new MapSession(id);
        session.setCreationTime(document.getDate(CREATED).toInstant());
        Instant accessed = document.getDate(ACCESSED).toInstant();
        session.setLastAccessedTime(accessed);
        session.setMaxInactiveInterval(Duration.ofSeconds(document.get(MAX_IDLE, Number.class).longValue()));
        attributes.forEach(session::setAttribute);
        if (Boolean.TRUE.equals(document.getBoolean(ENDED))) {
            // Spring Security's sign for an expired session: ConcurrentSessionFilter signs it out
            session.setAttribute(EXPIRED_ATTR, Boolean.TRUE);
        }
        return new StoredSession(session, id, accessed, clock);
    }

    /**
     * Java deserialization limited to the JDK, Spring and our own classes, so a document planted in the collection
     * cannot instantiate arbitrary classes on the classpath.
     */
    static Object deserialize(byte[] bytes) {
        try (ConfigurableObjectInputStream in = new ConfigurableObjectInputStream(new ByteArrayInputStream(bytes),
                MongoSessionRepository.class.getClassLoader())) {
            in.setObjectInputFilter(SERIAL_FILTER);
            return in.readObject();
        } catch (IOException | ClassNotFoundException e) {
            throw new IllegalStateException("unreadable session", e);
        }
    }

    private static final ObjectInputFilter SERIAL_FILTER = ObjectInputFilter.Config.createFilter(
            "maxdepth=30;maxrefs=10000;maxbytes=1048576;java.**;jakarta.servlet.**;org.springframework.**;"
                    + "io.crm.**;!*");

    private Document fullDocument(StoredSession session) {
        Map<String, Object> attributes = new HashMap<>();
        for (String name : session.getAttributeNames()) {
            attributes.put(name, session.getAttribute(name));
        }
        Document document = new Document("_id", session.getId())
                .append(CREATED, Date.from(session.getCreationTime()))
                .append(ACCESSED, Date.from(session.getLastAccessedTime()))
                .append(MAX_IDLE, session.getMaxInactiveInterval().toSeconds())
                .append(EXPIRE_AT, expireAt(session))
                .append(ATTRIBUTES, new Binary(serializer.convert(attributes)));
        Authentication authentication = authentication(session);
        if (authentication != null) {
            document.append(PRINCIPAL, authentication.getName());
            if (authentication.getPrincipal() instanceof CrmUser user) {
                document.append(USER_ID, user.id());
            }
        }
        return document;
    }

    private static Authentication authentication(Session session) {
        Object context = session.getAttribute(HttpSessionSecurityContextRepository.SPRING_SECURITY_CONTEXT_KEY);
        return context instanceof SecurityContext security ? security.getAuthentication() : null;
    }

    /**
     * The idle deadline. A session nobody signed in to (the sign-in page's CSRF token, a remembered page) keeps at
     * most {@link #ANONYMOUS_IDLE}: a bot fetching the sign-in page in a loop cannot fill the collection for hours.
     */
    private static Date expireAt(Session session) {
        Duration idle = session.getMaxInactiveInterval();
        if (authentication(session) == null && idle.compareTo(ANONYMOUS_IDLE) > 0) {
            idle = ANONYMOUS_IDLE;
        }
        return Date.from(session.getLastAccessedTime().plus(idle));
    }

    /** A session as loaded: what is stored, and whether anything but the access time changed since. */
    public static final class StoredSession implements Session {

        private final MapSession delegate;
        private final Clock clock;
        private String storedId;
        private Instant storedAccess;
        private boolean changed;

        StoredSession(MapSession delegate, String storedId, Instant storedAccess, Clock clock) {
            this.delegate = delegate;
            this.storedId = storedId;
            this.storedAccess = storedAccess;
            this.clock = clock;
        }

        @Override
        public String getId() {
            return delegate.getId();
        }

        @Override
        public String changeSessionId() {
            changed = true;
            // the same strength as new sessions
            byte[] id = new byte[32];
            RANDOM.nextBytes(id);
            String next = Base64.getUrlEncoder().withoutPadding().encodeToString(id);
            delegate.setId(next);
            return next;
        }

        @Override
        public <T> T getAttribute(String name) {
            return delegate.getAttribute(name);
        }

        @Override
        public Set<String> getAttributeNames() {
            return delegate.getAttributeNames();
        }

        @Override
        public void setAttribute(String name, Object value) {
            // a getAttribute-then-mutate (the saved request, flash maps) is written back by setAttribute as well
            changed = true;
            delegate.setAttribute(name, value);
        }

        @Override
        public void removeAttribute(String name) {
            changed = true;
            delegate.removeAttribute(name);
        }

        @Override
        public Instant getCreationTime() {
            return delegate.getCreationTime();
        }

        /**
         * Spring Session's filter passes the system time; the access is taken from the service's clock instead, the
         * one expiry is checked against, so a session's idle deadline and its expiry are measured on one clock.
         */
        @Override
        public void setLastAccessedTime(Instant lastAccessedTime) {
            delegate.setLastAccessedTime(clock.instant());
        }

        @Override
        public Instant getLastAccessedTime() {
            return delegate.getLastAccessedTime();
        }

        @Override
        public void setMaxInactiveInterval(Duration interval) {
            changed = changed || !interval.equals(delegate.getMaxInactiveInterval());
            delegate.setMaxInactiveInterval(interval);
        }

        @Override
        public Duration getMaxInactiveInterval() {
            return delegate.getMaxInactiveInterval();
        }

        @Override
        public boolean isExpired() {
            Duration idle = delegate.getMaxInactiveInterval();
            return !idle.isNegative() && !delegate.getLastAccessedTime().plus(idle).isAfter(clock.instant());
        }
    }
}
