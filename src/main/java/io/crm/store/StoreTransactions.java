package io.crm.store;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import com.mongodb.ClientSessionOptions;
import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoClientException;
import com.mongodb.MongoException;
import com.mongodb.MongoWriteException;
import com.mongodb.ReadConcern;
import com.mongodb.ReadPreference;
import com.mongodb.TransactionOptions;
import com.mongodb.WriteConcern;
import com.mongodb.client.ClientSession;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.stereotype.Component;

/**
 * The one way to run an operation that writes several documents as one logical change (a contact merge, an import
 * batch). On a store with multi-document transactions (a replica set, a sharded cluster: {@link StoreCapabilities},
 * or {@code CRM_MONGODB_TRANSACTIONS=on}) the operation runs in one transaction through the driver's
 * {@link ClientSession#withTransaction} (majority write concern, snapshot reads; transient errors retried by the
 * driver), so a failure leaves nothing of it. Elsewhere (the embedded store, a standalone) it runs step by step as
 * before, every step idempotent, so repeating a cut-short operation finishes it.
 *
 * <p>The operation's code stays the same either way: while it runs in a transaction its session is bound to the
 * thread, and every collection wrapped by {@link #sessionAware} (every record store's, the import's) passes it to
 * each read and write. Its outbox signals wait for the commit ({@link #afterCommit}).
 */
@Component
public class StoreTransactions {

    private static final Logger log = LoggerFactory.getLogger(StoreTransactions.class);

    /** Majority writes survive a failover; snapshot reads see one consistent state, and the transaction's writes. */
    static final TransactionOptions OPTIONS = TransactionOptions.builder()
            .writeConcern(WriteConcern.MAJORITY).readConcern(ReadConcern.SNAPSHOT)
            .readPreference(ReadPreference.primary()).build();

    private static final ThreadLocal<Bound> CURRENT = new ThreadLocal<>();

    private final MongoClient client;
    private final StoreCapabilities.TransactionsMode mode;
    private volatile StoreCapabilities detected = StoreCapabilities.NOT_DETECTED;

    public StoreTransactions(MongoClient client, StoreProperties properties) {
        this.client = client;
        this.mode = properties.mongodb().transactions();
    }

    /** At start-up: detect once and say so; a store that is down then is asked again at first use. */
    @EventListener(ApplicationReadyEvent.class)
    void detectAtStartup() {
        StoreCapabilities capabilities = capabilities();
        if (capabilities.detected()) {
            log.info("Store capabilities: {} (CRM_MONGODB_TRANSACTIONS={})", capabilities.toMap(),
                    mode.name().toLowerCase(java.util.Locale.ROOT));
        } else {
            log.warn("Store capabilities: not detected, the store is not reachable; detected at first use");
        }
    }

    /** What the store can do, with the operator's override applied; {@code unknown} while it was never reached. */
    public StoreCapabilities capabilities() {
        StoreCapabilities known = detected;
        if (!known.detected()) {
            known = detect();
            detected = known;
        }
        return known.overridden(mode);
    }

    /** {@link #capabilities()} without asking the store (for /ready while the store is down). */
    public StoreCapabilities known() {
        return detected.overridden(mode);
    }

    private StoreCapabilities detect() {
        try {
            return StoreCapabilities.fromHello(hello());
        } catch (MongoException e) {
            log.warn("store capabilities not detected: {}", e.getClass().getSimpleName());
            return StoreCapabilities.NOT_DETECTED;
        }
    }

    private Document hello() {
        var admin = client.getDatabase("admin");
        try {
            return admin.runCommand(new Document("hello", 1));
        } catch (com.mongodb.MongoCommandException e) {
            // servers before 4.4.2 and the embedded store know only the legacy name; the answer is the same
            return admin.runCommand(new Document("isMaster", 1));
        }
    }

    /** Whether {@link #run} uses a transaction now. */
    public boolean transactional() {
        return capabilities().transactions();
    }

    /**
     * Runs {@code work} as one logical change: in one transaction when the store has them (see the class comment),
     * else as it is. Inside another {@code run} it joins that one. {@code work} may run more than once (the driver
     * retries a transaction that met a transient error), so it must read what it needs itself and keep no state
     * from an earlier attempt. A transaction that cannot commit leaves nothing and is a {@link Failed} (503).
     */
    public <T> T run(Supplier<T> work) {
        if (CURRENT.get() != null || !transactional()) {
            return work.get();
        }
        return inTransaction(work);
    }

    /** {@link #run(Supplier)} for work without a result. */
    public void run(Runnable work) {
        run(() -> {
            work.run();
            return null;
        });
    }

    private <T> T inTransaction(Supplier<T> work) {
        ClientSession session;
        try {
            session = client.startSession(ClientSessionOptions.builder().defaultTransactionOptions(OPTIONS).build());
        } catch (MongoClientException e) {
            log.error("a transaction could not start ({}): is CRM_MONGODB_TRANSACTIONS=on set for a store without "
                    + "transactions?", e.getMessage());
            throw new Failed(e);
        }
        boolean[] bodyDone = {false};
        List<Runnable> committed = new ArrayList<>();
        try (session) {
            T result = session.withTransaction(() -> {
                bodyDone[0] = false;
                Bound bound = new Bound(session, new ArrayList<>());
                CURRENT.set(bound);
                try {
                    T value = work.get();
                    committed.clear();
                    committed.addAll(bound.afterCommit());
                    bodyDone[0] = true;
                    return value;
                } finally {
                    CURRENT.remove();
                }
            }, OPTIONS);
            committed.forEach(Runnable::run);
            return result;
        } catch (MongoWriteException | MongoBulkWriteException e) {
            // a write refused for what it writes (not for the transaction): as without a transaction
            throw e;
        } catch (MongoException e) {
            // a transaction that kept meeting transient errors, a commit that failed, a store that refuses
            // transactions (CRM_MONGODB_TRANSACTIONS=on on a standalone): nothing was stored
            log.warn("a transaction did not commit ({}, code {}{})", e.getClass().getSimpleName(), e.getCode(),
                    bodyDone[0] ? ", at commit" : "");
            throw new Failed(e);
        }
    }

    /** The session of the transaction running on this thread, if any. */
    public static Optional<ClientSession> current() {
        Bound bound = CURRENT.get();
        return bound == null ? Optional.empty() : Optional.of(bound.session());
    }

    /**
     * Runs {@code action} now, or, inside a transaction, once it has committed (never for an attempt that did not):
     * for signals to other parts of the process about data they could not see before the commit.
     */
    public static void afterCommit(Runnable action) {
        Bound bound = CURRENT.get();
        if (bound == null) {
            action.run();
        } else {
            bound.afterCommit().add(action);
        }
    }

    /**
     * The collection, passing the transaction's session (when one is bound to the calling thread) to every method
     * that takes one; without a transaction it behaves exactly as {@code collection}.
     */
    @SuppressWarnings("unchecked")
    public static <T> MongoCollection<T> sessionAware(MongoCollection<T> collection) {
        if (Proxy.isProxyClass(collection.getClass())
                && Proxy.getInvocationHandler(collection) instanceof SessionRouting) {
            return collection;
        }
        return (MongoCollection<T>) Proxy.newProxyInstance(MongoCollection.class.getClassLoader(),
                new Class<?>[]{MongoCollection.class}, new SessionRouting(collection));
    }

    private record Bound(ClientSession session, List<Runnable> afterCommit) {
    }

    /** A transaction that did not commit (or could not start): nothing of the operation was stored. */
    public static final class Failed extends DataAccessResourceFailureException {
        Failed(Throwable cause) {
            super("the transaction did not commit", cause);
        }
    }

    /** Routes {@code m(args)} to {@code m(session, args)} while a session is bound. */
    private record SessionRouting(MongoCollection<?> target) implements InvocationHandler {

        private static final Map<Method, Optional<Method>> WITH_SESSION = new ConcurrentHashMap<>();

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            Bound bound = CURRENT.get();
            Object[] arguments = args == null ? new Object[0] : args;
            Method chosen = method;
            if (bound != null && method.getDeclaringClass() != Object.class) {
                Optional<Method> overload = WITH_SESSION.computeIfAbsent(method, SessionRouting::overload);
                if (overload.isPresent()) {
                    chosen = overload.get();
                    Object[] withSession = new Object[arguments.length + 1];
                    withSession[0] = bound.session();
                    System.arraycopy(arguments, 0, withSession, 1, arguments.length);
                    arguments = withSession;
                }
            }
            Object result;
            try {
                result = chosen.invoke(target, arguments);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
            // with* methods (withWriteConcern, ...) return another collection: it routes too
            return result instanceof MongoCollection<?> other && method.getName().startsWith("with")
                    ? sessionAware(other) : result;
        }

        private static Optional<Method> overload(Method method) {
            Class<?>[] params = method.getParameterTypes();
            if (params.length > 0 && params[0] == ClientSession.class) {
                return Optional.empty();
            }
            Class<?>[] withSession = new Class<?>[params.length + 1];
            withSession[0] = ClientSession.class;
            System.arraycopy(params, 0, withSession, 1, params.length);
            try {
                return Optional.of(MongoCollection.class.getMethod(method.getName(), withSession));
            } catch (NoSuchMethodException e) {
                return Optional.empty();
            }
        }
    }
}
