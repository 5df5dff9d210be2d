package io.crm.store;

import org.h2.mvstore.MVStore;

import de.bwaldvogel.mongo.MongoBackend;

/**
 * The test suite's store: the embedded store's own backend, in memory, with every query its secondary indexes
 * answer also answered by the plain scan and compared (same documents, same order), so the whole integration suite
 * is the differential test of the planner over the service's real queries.
 */
public final class CrossCheckedStore {

    private CrossCheckedStore() {
    }

    public static MongoBackend inMemory() {
        return new PlannedH2Backend(new MVStore.Builder().open(), true);
    }
}
