package io.crm.support;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import io.crm.platform.IndexCoverage;
import io.crm.store.CollectionIndexes;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonString;
import org.bson.BsonValue;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.mongodb.autoconfigure.MongoClientSettingsBuilderCustomizer;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * Records every query-like command the service sends to MongoDB while the integration tests run (a driver
 * {@link CommandListener}), so {@link ApiTest} can fail a test class whose requests ran a query no declared index
 * serves (see {@link IndexCoverage}). Commands issued on a test thread (the tests' own setup and assertions, and the
 * application's start-up, which runs on the test thread) are not the service's request work and are left out.
 * Shapes are recorded once (values replaced by '?'), so the registry stays small however long the suite runs.
 */
public final class RecordedCommands {

    /** A recorded command shape: an example command, how often the shape was sent, and the test class it came in. */
    public record Recorded(String shape, BsonDocument example, AtomicInteger count, String testClass) {
    }

    private static final Map<String, Recorded> SEEN = new ConcurrentHashMap<>();
    private static final List<Recorded> PENDING = Collections.synchronizedList(new ArrayList<>());
    private static final Set<Thread> TEST_THREADS = Collections.synchronizedSet(
            Collections.newSetFromMap(new WeakHashMap<>()));
    private static volatile String currentTestClass = "(unknown)";
    private static volatile List<CollectionIndexes> declared;
    private static volatile List<BsonDocument> capture;

    private RecordedCommands() {
    }

    /** The listener; registered on the service's MongoClient by {@link Recording}. */
    public static final CommandListener LISTENER = new CommandListener() {
        @Override
        public void commandStarted(CommandStartedEvent event) {
            if (!IndexCoverage.CHECKED.contains(event.getCommandName()) || TEST_THREADS.contains(Thread.currentThread())) {
                return;
            }
            // the event's document is only valid during the callback: copy what is kept
            BsonDocument command = event.getCommand();
            BsonValue target = command.get(event.getCommandName());
            List<BsonDocument> sink = capture;
            if (sink != null) {
                sink.add(command.clone());
            }
            String shape = event.getDatabaseName() + "." + (target != null && target.isString()
                    ? target.asString().getValue() : "?") + " " + normalise(command, false).asDocument().toJson();
            SEEN.compute(shape, (key, existing) -> {
                if (existing != null) {
                    existing.count().incrementAndGet();
                    return existing;
                }
                Recorded recorded = new Recorded(key, command.clone(), new AtomicInteger(1), currentTestClass);
                PENDING.add(recorded);
                return recorded;
            });
        }
    };

    /** Marks the calling thread as a test thread and names the test class whose requests follow. */
    public static void startClass(String testClass) {
        TEST_THREADS.add(Thread.currentThread());
        currentTestClass = testClass;
    }

    /** Marks the calling thread as a test thread: what it sends to MongoDB is test work, not service work. */
    public static void ignoreCurrentThread() {
        TEST_THREADS.add(Thread.currentThread());
    }

    /**
     * Every checked command (not only new shapes) from now until {@link #stopCapture()}, for tests that must see
     * their own commands whatever ran before them.
     */
    public static void startCapture() {
        capture = Collections.synchronizedList(new ArrayList<>());
    }

    public static List<BsonDocument> stopCapture() {
        List<BsonDocument> captured = capture;
        capture = null;
        return captured == null ? List.of() : new ArrayList<>(captured);
    }

    /** The shapes first seen since the last drain; they are handed over once. */
    public static List<Recorded> drain() {
        synchronized (PENDING) {
            List<Recorded> out = new ArrayList<>(PENDING);
            PENDING.clear();
            return out;
        }
    }

    /** The application's declared indexes, captured when the test context started (null before). */
    public static List<CollectionIndexes> declaredIndexes() {
        return declared;
    }

    /** Fails with every violation among the shapes first seen since the last drain. */
    public static void assertIndexServed(String testClass) {
        List<Recorded> recorded = drain();
        if (declared == null || recorded.isEmpty()) {
            return;
        }
        IndexCoverage coverage = IndexCoverage.of(declared);
        List<String> problems = new ArrayList<>();
        for (Recorded r : recorded) {
            coverage.check(r.example()).forEach(v -> problems.add(v + "  [" + r.example().toJson() + "]"));
        }
        if (!problems.isEmpty()) {
            throw new AssertionError("Index coverage (every query needs a declared index): during " + testClass + " the service sent "
                    + problems.size() + " quer" + (problems.size() == 1 ? "y" : "ies")
                    + " that no declared index serves; declare an index (a CollectionIndexes bean) or change the "
                    + "query:\n  " + String.join("\n  ", problems));
        }
    }

    /** The command with every value replaced by '?' (keys, operators and sort directions kept): its shape. */
    static BsonValue normalise(BsonValue value, boolean keepNumbers) {
        if (value.isDocument()) {
            BsonDocument out = new BsonDocument();
            value.asDocument().forEach((k, v) -> {
                // $db, lsid, $clusterTime and friends vary per call, and the new content of a write (update, u)
                // holds free-form fields: none of them says anything about the query
                if (!Set.of("$db", "lsid", "$clusterTime", "txnNumber", "$readPreference", "update", "u")
                        .contains(k)) {
                    out.put(k, normalise(v, keepNumbers || k.equals("sort") || k.equals("$sort")));
                }
            });
            return out;
        }
        if (keepNumbers && value.isNumber()) {
            return value;
        }
        if (value.isArray()) {
            BsonArray out = new BsonArray();
            for (BsonValue element : value.asArray()) {
                BsonValue shape = normalise(element, keepNumbers);
                if (!out.contains(shape)) {
                    out.add(shape);
                }
            }
            return out;
        }
        return new BsonString("?");
    }

    /** Registers the listener on the service's MongoClient and captures the declared indexes. */
    @TestConfiguration(proxyBeanMethods = false)
    public static class Recording {

        @Bean
        MongoClientSettingsBuilderCustomizer recordCommands(ObjectProvider<CollectionIndexes> indexes) {
            return settings -> {
                declared = indexes.orderedStream().toList();
                settings.addCommandListener(LISTENER);
            };
        }
    }
}
