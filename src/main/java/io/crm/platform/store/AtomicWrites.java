package io.crm.platform.store;

import java.util.Set;
import java.util.function.Supplier;

import de.bwaldvogel.mongo.bson.Document;

/**
 * mongo-java-server runs commands from different connections at the same time and does not make a conditional write
 * atomic (it matches, then writes), so two "replace if still at version N" could both succeed. MongoDB guarantees
 * single-document atomicity; the embedded store gets the same guarantee by running write commands one at a time.
 */
public final class AtomicWrites {

    private static final Set<String> WRITES = Set.of("insert", "update", "delete", "findAndModify", "findandmodify");

    private final Object lock = new Object();

    public Document run(String command, Supplier<Document> call) {
        if (!WRITES.contains(command)) {
            return call.get();
        }
        synchronized (lock) {
            return call.get();
        }
    }
}
