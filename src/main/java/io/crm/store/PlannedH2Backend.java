package io.crm.store;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Iterator;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import io.netty.channel.Channel;
import org.h2.mvstore.Cursor;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;

import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.DatabaseResolver;
import de.bwaldvogel.mongo.backend.DocumentComparator;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.QueryParameters;
import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.backend.Utils;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.h2.H2Collection;
import de.bwaldvogel.mongo.backend.h2.H2Database;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.oplog.Oplog;

/**
 * The H2 (MVStore) backend of the embedded store. Each command's writes are in the file before its answer goes out
 * ({@link #handleCommand}), and the planner uses indexes as MongoDB does:
 * <ul>
 *   <li>a filter that binds every key of a unique index ({@code _id} included) with an equality is answered by that
 *   index and the rest of the filter applied to the documents it finds ({@link KeyLookup}). Without it a versioned
 *   replace ({@code {_id, _crm.version}}) or a lookup with an archived condition reads every document;</li>
 *   <li>non-unique, compound and multikey indexes, which mongo-java-server ignores, are kept in maps of the same file
 *   ({@link SecondaryIndex}) and used for finds, counts, updates, deletes, findAndModify and an aggregate's leading
 *   {@code $match} when their leading keys are bound by equality, then by the sort ({@link IndexPlan}).</li>
 * </ul>
 * Every answer is the plain scan's, in the same order; the test suite runs with {@code crossCheck} on, which
 * compares the two on every planned query. Finds run beside each other and beside writes, not one at a time under
 * their collection's lock as in mongo-java-server ({@code PlannedCollection.handleQuery}).
 *
 * <p>The file layout is H2Backend's own (same map names) plus the index maps, so data written before this class
 * existed opens unchanged (its indexes are built on open). The other way round it does not: documents and unique keys
 * are stored in {@link StoredForms}' forms, which the plain backend (and an older version of the service) cannot read.
 */
final class PlannedH2Backend extends H2Backend {

    PlannedH2Backend(String fileName) {
        this(MVStore.open(fileName), false);
    }

    PlannedH2Backend(MVStore store) {
        this(store, false);
    }

    /**
     * With {@code crossCheck}, every query the secondary indexes answer is also answered by the plain scan and a
     * difference (other documents, or another order) fails the command: for tests only, it doubles the work.
     */
    PlannedH2Backend(MVStore store, boolean crossCheck) {
        super(checkIndexMaps(store));
        this.crossCheck = crossCheck;
        this.secondaryIndexesSetting = secondaryIndexes();
        // the indexes the open found empty (an upgrade, or the rebuild after an unclean stop)
        fillPendingIndexes();
        if (!store.isReadOnly()) {
            // every unique index is open, so built in its form: committed with the next write
            StoredForms.markUniqueKeys(store);
        }
    }

    /**
     * The service's store file, with or without secondary indexes ({@code CRM_EMBEDDED_INDEXES}, on by default).
     * Off, non-unique indexes are ignored as mongo-java-server ignores them (every filter reads the collection) and
     * any index maps in the file are removed, so turning them on later rebuilds them from the data. On, a rebuild over
     * 100,000 contacts, 100,000 deals and 300,000 activities (the first start on an older data directory, and every
     * start after an unclean stop) takes about three minutes (BENCHMARKS.md).
     */
    static PlannedH2Backend embedded(String fileName, boolean secondaryIndexes) {
        OPENING_WITH_INDEXES.set(secondaryIndexes);
        try {
            return new PlannedH2Backend(MVStore.open(fileName), false);
        } finally {
            OPENING_WITH_INDEXES.remove();
        }
    }

    /** The setting while the super constructor opens the databases, before this class's fields are assigned. */
    private static final ThreadLocal<Boolean> OPENING_WITH_INDEXES = new ThreadLocal<>();
    /** Null until the constructor assigns it (see {@link #secondaryIndexes()}); no initializer on purpose. */
    private Boolean secondaryIndexesSetting;

    /** Whether non-unique indexes are kept; tests construct the backend directly and get them. */
    private boolean secondaryIndexes() {
        return secondaryIndexesSetting != null ? secondaryIndexesSetting
                : !Boolean.FALSE.equals(OPENING_WITH_INDEXES.get());
    }

    private final boolean crossCheck;
    /** Documents read by queries (the plain scan counts the whole collection): what the planner saves. */
    private final AtomicLong documentsRead = new AtomicLong();

    long documentsRead() {
        return documentsRead.get();
    }

    private void read(long documents) {
        // null while the super constructor opens the databases (and queries their catalogues)
        if (documentsRead != null) {
            documentsRead.addAndGet(documents);
        }
    }

    /**
     * The marker of a clean close: the store version the close commits (see {@link #close}). Named after the
     * entries' form; {@code closedAt} was the marker of the first form.
     */
    private static final String CLOSED_AT = "closedAt.format" + SecondaryIndex.FORMAT;
    private static final String FIRST_FORM_CLOSED_AT = "closedAt";

    /**
     * The index maps are trusted only when the file was last closed by this class: then nothing else (the plain
     * H2Backend of an older version, a restore, a crash between commits) can have changed the data behind them.
     * Otherwise they are dropped here, before H2Database opens the indexes, and each is rebuilt from the data when
     * it is opened (AbstractMongoCollection.addIndex fills an empty index). The marker is removed until the next
     * clean close, so a crash always means a rebuild.
     */
    private static MVStore checkIndexMaps(MVStore store) {
        if (store.isReadOnly()) {
            return store;
        }
        StoredForms.checkUniqueKeys(store);
        MVMap<String, Object> state = store.openMap(SecondaryIndex.STATE_MAP);
        Object closedAt = state.remove(CLOSED_AT);
        state.remove(FIRST_FORM_CLOSED_AT);
        // the close's own commit stores version closedAt; the store opens at the version after the last stored one;
        // without secondary indexes the maps would go stale, so they go now and are rebuilt once they are turned on
        if (!(closedAt instanceof Long version) || version + 1 != store.getCurrentVersion()
                || Boolean.FALSE.equals(OPENING_WITH_INDEXES.get())) {
            SecondaryIndex.dropAll(store);
        }
        return store;
    }

    @Override
    public void close() {
        MVStore store = getMvStore();
        if (!store.isClosed() && !store.isReadOnly() && store.getFileStore() != null) {
            store.openMap(SecondaryIndex.STATE_MAP).put(CLOSED_AT, store.getCurrentVersion());
        }
        super.close();
    }

    /**
     * Writes what a command changed to the file before its answer goes out. H2Backend leaves that to the MVStore's
     * background auto-commit (about every second), so a {@code kill -9} lost up to a second of writes the clients had
     * been told were done (KillUnderLoadIT). A plain write, no fsync: it survives the process dying, not the machine.
     */
    @Override
    public Document handleCommand(Channel channel, String databaseName, String command, Document query) {
        if (command.equals("hello")) {
            // MongoDB 4.4.2's name for isMaster (its primary flag renamed); mongo-java-server knows only the old
            // name, and logged every hello (the service's capability check at start) as an error with a stack trace
            Document answer = handleCommand(channel, databaseName, "isMaster", query);
            answer.put("isWritablePrimary", answer.remove("ismaster"));
            return answer;
        }
        // A drop removes maps that a command beside it may have resolved already, and a read that runs while
        // dropDatabase is between forgetting the database and removing its maps opens a new database over the old
        // maps, which then stay closed under it ("Map ... is closed" on every later command): drops run alone. So
        // does adding or dropping an index: queries read a collection's list of indexes without its lock.
        boolean alone = ALONE.contains(command);
        Lock dropLock = alone ? drops.writeLock() : drops.readLock();
        dropLock.lock();
        try {
            if (readOnly(command, query)) {
                return super.handleCommand(channel, databaseName, command, query);
            }
            gate.readLock().lock();
            try {
                return super.handleCommand(channel, databaseName, command, query);
            } finally {
                try {
                    // also after a failed command: an ordered insertMany may have written part of its documents
                    if (getMvStore().hasUnsavedChanges()) {
                        commitWrites();
                    }
                } finally {
                    gate.readLock().unlock();
                }
                if (alone) {
                    // the filling below reads documents only: queries may run beside it
                    drops.readLock().lock();
                    dropLock.unlock();
                    dropLock = drops.readLock();
                }
                // a createIndexes (or the first command, after an open that found indexes to rebuild) answers once
                // its indexes are filled
                fillPendingIndexes();
            }
        } finally {
            dropLock.unlock();
        }
    }

    /**
     * Indexes waiting to be filled, by collection (see {@link SecondaryIndex#pending()}). No initializer on purpose:
     * the collections opened by the super constructor register here before this class's initializers would run.
     */
    private Map<PlannedCollection, List<SecondaryIndex>> pendingIndexes;

    private synchronized void pending(PlannedCollection collection, SecondaryIndex index) {
        if (pendingIndexes == null) {
            pendingIndexes = new LinkedHashMap<>();
        }
        pendingIndexes.computeIfAbsent(collection, c -> new ArrayList<>()).add(index);
    }

    /**
     * Fills every pending index, one pass per collection (each document read once for all its indexes), with the
     * gate held exclusively: no write runs during the pass, so no entry of a document's older version can be left.
     * Writes before it already keep the pending indexes' entries of what they touch; adding those again changes
     * nothing (an entry is its values and the document's position).
     */
    private void fillPendingIndexes() {
        Map<PlannedCollection, List<SecondaryIndex>> work;
        synchronized (this) {
            if (pendingIndexes == null || pendingIndexes.isEmpty()) {
                return;
            }
            work = pendingIndexes;
            pendingIndexes = null;
        }
        gate.writeLock().lock();
        try {
            work.forEach(PlannedCollection::fill);
            getMvStore().commit();
        } finally {
            gate.writeLock().unlock();
        }
    }

    private final ReentrantReadWriteLock drops = new ReentrantReadWriteLock();

    /** Commands that remove or rename maps, or change a collection's indexes: each runs alone. */
    private static final Set<String> ALONE = Set.of("drop", "dropDatabase", "dropIndexes", "renameCollection",
            "createIndexes");

    /**
     * Every command that may write holds this shared for its whole run; a snapshot takes it exclusively for an
     * instant, so the version it copies never holds half of a command (a document without its unique-index entry).
     * Reads pass by, so a snapshot never waits for a long query (a scan of a large collection takes seconds here).
     */
    private final ReentrantReadWriteLock gate = new ReentrantReadWriteLock();

    /** Commands that never change data, as the driver names them. */
    private static final Set<String> READS = Set.of("find", "getMore", "count", "distinct", "listCollections",
            "listIndexes", "listDatabases", "dbStats", "collStats", "ping", "hello", "isMaster", "ismaster",
            "buildInfo", "buildinfo", "getParameter", "killCursors", "endSessions", "whatsmyuri", "connectionStatus",
            "serverStatus", "hostInfo", "getLog", "getCmdLineOpts", "getFreeMonitoringStatus", "saslStart");

    static boolean readOnly(String command, Document query) {
        if (command.equals("aggregate")) {
            // a pipeline writes only through a final $out or $merge stage
            return !(query.get("pipeline") instanceof List<?> stages) || stages.isEmpty()
                    || !(stages.get(stages.size() - 1) instanceof Document last)
                    || !(last.containsKey("$out") || last.containsKey("$merge"));
        }
        return READS.contains(command);
    }

    /** Marks each snapshot's version in the file; H2Backend only reads maps named {@code databases.*}/{@code meta.*}. */
    private static final String SNAPSHOT_MAP = "crm.snapshots";
    private static final int COPY_COMMIT_EVERY = 5_000;

    /**
     * Copies the store as of one committed version into a new MVStore file at {@code target}, while commands go on:
     * commands are held back only while the version is fixed (waiting for the ones in flight, one commit), and the
     * copy then reads that version, which the store keeps until the copy is done (as H2 does for its own snapshots).
     */
    StoreSnapshot snapshot(Path target) {
        MVStore store = getMvStore();
        long pauseStarted = System.nanoTime();
        MVStore.TxCounter pinned;
        List<String> names;
        gate.writeLock().lock();
        try {
            // A change of our own, so the commit below closes a version even when every command was committed.
            store.<String, Long>openMap(SNAPSHOT_MAP).put("last", System.currentTimeMillis());
            pinned = store.registerVersionUsage();
            store.commit();
            // the maps of that version: one created later is not in it. Index maps stay behind: the copy's
            // indexes are rebuilt from its data when it is opened (checkIndexMaps).
            names = store.getMapNames().stream().filter(name -> !name.equals(SNAPSHOT_MAP))
                    .filter(name -> !SecondaryIndex.isIndexMap(name)).toList();
        } finally {
            gate.writeLock().unlock();
        }
        long pauseNanos = System.nanoTime() - pauseStarted;
        Map<String, Long> documents;
        try {
            MVStore copy = new MVStore.Builder().fileName(target.toString()).autoCommitDisabled().open();
            try {
                long copied = 0;
                for (String name : names) {
                    if (!store.hasMap(name)) {
                        // its old version is not reachable by name any more; a backup without it would be a lie
                        throw new IllegalStateException("collection map " + name + " was dropped during the backup: "
                                + "take another one");
                    }
                    MVMap<Object, Object> source = store.openMap(name).openVersion(pinned.version);
                    // in the source's own form (documents as BSON, compact unique keys), which the copy's format
                    // map says
                    MVMap<Object, Object> into = copy.openMap(name, new MVMap.Builder<Object, Object>()
                            .keyType(source.getKeyType()).valueType(source.getValueType()));
                    Cursor<Object, Object> cursor = source.cursor(null);
                    while (cursor.hasNext()) {
                        Object key = cursor.next();
                        into.put(key, cursor.getValue());
                        if (++copied % COPY_COMMIT_EVERY == 0) {
                            copy.commit();
                        }
                    }
                }
                copy.commit();
                documents = documents(copy);
            } finally {
                copy.close();
            }
        } finally {
            store.deregisterVersionUsage(pinned);
        }
        return new StoreSnapshot(pinned.version, pauseNanos, documents);
    }

    /**
     * Documents per collection namespace ({@code database.collection}) in a store: the sizes of H2Database's data maps
     * ({@code databases.<namespace>}), without its own {@code system.*} catalogue.
     */
    static Map<String, Long> documents(MVStore store) {
        Map<String, Long> documents = new TreeMap<>();
        for (String name : store.getMapNames()) {
            if (name.startsWith(DATA_MAP_PREFIX) && !name.contains(".system.")) {
                documents.put(name.substring(DATA_MAP_PREFIX.length()), StoredForms.data(store, name).sizeAsLong());
            }
        }
        return documents;
    }

    private static final String DATA_MAP_PREFIX = "databases.";

    private final ReentrantLock commitLock = new ReentrantLock();
    private final AtomicLong writes = new AtomicLong();
    private volatile long committedWrites;

    /**
     * Group commit: the command's changes are done, so any commit that starts from now on holds them. Commands that
     * finish while another commit runs wait for it and then need one commit between them all, not one each.
     */
    private void commitWrites() {
        long mine = writes.incrementAndGet();
        commitLock.lock();
        try {
            if (committedWrites < mine) {
                long upTo = writes.get();
                getMvStore().commit();
                committedWrites = upTo;
            }
        } finally {
            commitLock.unlock();
        }
    }

    @Override
    protected MongoDatabase openOrCreateDatabase(String databaseName) {
        return new PlannedDatabase(databaseName, getMvStore(), getCursorRegistry());
    }

    /*
     * An inner class on purpose: H2Database opens the existing collections from its constructor, i.e. before a field
     * of this subclass would be assigned, and the enclosing backend (whose MVStore is set before any database is
     * opened) is available there because javac assigns the outer instance before calling the super constructor.
     * The fields of the backend are read only when queries run, after its constructor.
     */
    private final class PlannedDatabase extends H2Database {

        PlannedDatabase(String databaseName, MVStore store, CursorRegistry cursors) {
            super(databaseName, store, cursors);
        }

        @Override
        protected MongoCollection<Object> openOrCreateCollection(String collectionName, CollectionOptions options) {
            String namespace = getFullCollectionNamespace(collectionName);
            MVStore store = getMvStore();
            // The map names H2Database uses, so files written by the plain backend keep their data.
            MVMap<Object, Document> data = StoredForms.data(store, "databases." + namespace);
            MVMap<String, Object> meta = store.openMap("meta." + namespace);
            return new PlannedCollection(this, collectionName, options, data, meta, cursorRegistry);
        }

        /** A unique index's map, opened here first so H2Database finds it with its compact key form. */
        @Override
        protected Index<Object> openOrCreateUniqueIndex(String collectionName, String indexName, List<IndexKey> keys,
                boolean sparse) {
            // H2Database's own name for it (mapNameForIndex); openMap hands back this instance to it
            StoredForms.uniqueIndex(getMvStore(), getFullCollectionNamespace(collectionName) + "._index_" + indexName);
            return super.openOrCreateUniqueIndex(collectionName, indexName, keys, sparse);
        }

        /** Non-unique indexes: kept in their own map (H2Database would keep nothing, mongo-java-server's default). */
        @Override
        protected Index<Object> openOrCreateSecondaryIndex(String collectionName, String indexName, List<IndexKey> keys,
                boolean sparse) {
            if (!secondaryIndexes()) {
                return super.openOrCreateSecondaryIndex(collectionName, indexName, keys, sparse);
            }
            return new SecondaryIndex(getMvStore(), indexMapName(getFullCollectionNamespace(collectionName), indexName),
                    indexName, keys, sparse);
        }

        @Override
        public void moveCollection(MongoDatabase oldDatabase, MongoCollection<?> collection, String newCollectionName) {
            super.moveCollection(oldDatabase, collection, newCollectionName);
            for (Index<?> index : collection.getIndexes()) {
                if (index instanceof SecondaryIndex secondary) {
                    secondary.rename(indexMapName(getFullCollectionNamespace(newCollectionName), index.getName()));
                }
            }
        }

        /**
         * mongo-java-server runs a pipeline over every document of the collection and filters in its $match stage;
         * a leading $match is handed to the collection (see {@link PlannedCollection#queryAllAsStream}) so the
         * indexes choose the documents the pipeline starts from. The stage itself still runs, on fewer documents.
         */
        @Override
        public Document handleCommand(Channel channel, String command, Document query, DatabaseResolver resolver,
                Oplog oplog) {
            if (!command.equals("aggregate") || !(query.get("pipeline") instanceof List<?> stages) || stages.isEmpty()
                    || !(stages.get(0) instanceof Document first) || first.size() != 1
                    || !(first.get("$match") instanceof Document match) || !(query.get(command) instanceof String)) {
                return super.handleCommand(channel, command, query, resolver, oplog);
            }
            LEADING_MATCH.set(new LeadingMatch(getFullCollectionNamespace((String) query.get(command)), match));
            try {
                return super.handleCommand(channel, command, query, resolver, oplog);
            } finally {
                LEADING_MATCH.remove();
            }
        }

        @Override
        public void drop(Oplog oplog) {
            super.drop(oplog);
            SecondaryIndex.dropAll(getMvStore(), getDatabaseName() + ".");
        }
    }

    /** The leading $match of the aggregate this thread runs, for the collection it names; taken once. */
    private record LeadingMatch(String namespace, Document filter) {
    }

    private static final ThreadLocal<LeadingMatch> LEADING_MATCH = new ThreadLocal<>();

    private static String indexMapName(String namespace, String indexName) {
        return SecondaryIndex.MAP_PREFIX + namespace + "." + indexName;
    }

    /** 1 or -1 for a sort on {@code _id} alone, else 0. */
    private static int idOrder(Document orderBy) {
        if (orderBy == null || orderBy.size() != 1 || !(orderBy.get("_id") instanceof Number direction)) {
            return 0;
        }
        return Double.compare(direction.doubleValue(), 0);
    }

    /**
     * Index entries one fill pass may hold in memory (about 150 bytes each): a quarter of the heap. At 100,000
     * documents and a 600 MiB heap a pass takes about seven indexes.
     */
    private static long fillBudget() {
        long override = fillBudgetOverride;
        return override > 0 ? override : Math.max(100_000, Runtime.getRuntime().maxMemory() / 4 / 150);
    }

    /** A test's small budget, so that a fill puts its entries in many rounds; 0: the quarter of the heap above. */
    static volatile long fillBudgetOverride;

    /** A document of a sorted collect and the place it came in. */
    private record Ranked(Document document, long arrival) {
    }

    /** Thrown by an index walk that finds what it cannot order; the query then takes another plan. */
    private static class Unplannable extends RuntimeException {

        Unplannable() {
            super(null, null, false, false);
        }
    }

    /** A walk read past its budget: the walk's fallback answers, else the scan. */
    private static final class WalkGaveUp extends Unplannable {
    }

    private final class PlannedCollection extends H2Collection {

        private final MVMap<Object, Document> data;

        PlannedCollection(MongoDatabase database, String name, CollectionOptions options,
                MVMap<Object, Document> data, MVMap<String, Object> meta, CursorRegistry cursors) {
            super(database, name, options, data, meta, cursors);
            this.data = data;
        }

        /**
         * An index build that fails (a unique index over duplicates) leaves the entries it had made in the index's
         * map, and H2Database reopens that map on the next createIndexes: an index that is "not empty" is taken as
         * built, so a retry "created" the unique index over the duplicates with half its entries. The failed build's
         * entries go, so a retry builds (and refuses) again.
         */
        @Override
        public void addIndex(Index<Object> index) {
            boolean existed = getIndexes().stream().anyMatch(known -> known.getName().equals(index.getName()));
            if (!existed && index instanceof SecondaryIndex secondary && secondary.isEmpty() && !data.isEmpty()) {
                secondary.pending(true);
                pending(this, secondary);
            }
            try {
                super.addIndex(index);
            } catch (RuntimeException e) {
                if (!existed) {
                    if (index instanceof SecondaryIndex secondary) {
                        secondary.map().clear();
                    } else {
                        // H2Database's name for a unique index's map
                        getMvStore().openMap(getFullName() + "._index_" + index.getName()).clear();
                    }
                }
                throw e;
            }
        }

        /**
         * Fills {@code indexes}; then the planner may use them. Each pass over the documents gathers the entries of
         * as many indexes as {@link #fillBudget} holds, sorts each index's entries and puts them in that order: put
         * in the documents' order they land all over the map, and every automatic commit of the store rewrote pages
         * across it (a rebuild at 100,000 records grew the file past 17 GB without finishing).
         */
        void fill(List<SecondaryIndex> indexes) {
            List<SecondaryIndex> live = indexes.stream().filter(i -> getIndexes().contains(i)).toList();
            long documents = Math.max(1, data.sizeAsLong());
            List<SecondaryIndex> pass = new ArrayList<>();
            long held = 0;
            for (SecondaryIndex index : live) {
                // a multikey key (tags) gives a few entries per document
                long entries = documents * (index.anyMultikey() ? 3 : 1);
                if (!pass.isEmpty() && held + entries > fillBudget()) {
                    fillPass(pass);
                    pass.clear();
                    held = 0;
                }
                pass.add(index);
                held += entries;
            }
            if (!pass.isEmpty()) {
                fillPass(pass);
            }
            indexes.forEach(index -> index.pending(false));
        }

        /**
         * One pass over the documents for these indexes. The pass was planned from an estimate of entries per
         * document; a document can give many more (a multikey index over several arrays gives their product), so
         * what is held is counted as it comes, and whenever it reaches the budget the entries so far are put (each
         * index's sorted) and dropped: a rebuild at 500,000 records ran out of a 600 MiB heap without this.
         */
        private void fillPass(List<SecondaryIndex> pass) {
            List<List<Object[]>> entries = new ArrayList<>();
            pass.forEach(index -> entries.add(new ArrayList<>()));
            long budget = fillBudget();
            long[] held = {0};
            streamAllDocumentsWithPosition().forEach(entry -> {
                for (int i = 0; i < pass.size(); i++) {
                    for (List<Object> values : pass.get(i).entries(entry.getDocument(), entry.getPosition())) {
                        entries.get(i).add(values.toArray());
                        held[0]++;
                    }
                }
                if (held[0] >= budget) {
                    putSorted(pass, entries);
                    held[0] = 0;
                }
            });
            putSorted(pass, entries);
        }

        /** Puts each index's gathered entries in the index's order, and empties the lists. */
        private void putSorted(List<SecondaryIndex> pass, List<List<Object[]>> entries) {
            for (int i = 0; i < pass.size(); i++) {
                SecondaryIndex index = pass.get(i);
                List<Object[]> sorted = entries.get(i);
                sorted.sort(index.order()::compare);
                MVMap<Object, Boolean> map = index.map();
                for (Object[] entry : sorted) {
                    map.put(entry, Boolean.TRUE);
                }
                // let the collector take this index's entries before the next one's are put
                entries.set(i, new ArrayList<>());
            }
        }

        /**
         * A query without the collection's lock, which mongo-java-server holds for every find: one long query (the
         * pipeline totals over every open deal, seconds here) held each other query and write of its collection
         * behind it. The maps it reads are H2's, safe to read while another thread writes; a document changed
         * between its index entry and its read is filtered again by the query, so a query never answers a document
         * that does not match. Writes keep the lock; the list of indexes changes only with a command that runs alone.
         * The same selector forms as AbstractMongoCollection.handleQuery.
         */
        @Override
        public QueryResult handleQuery(QueryParameters parameters) {
            Document selector = parameters.getQuerySelector();
            Document query;
            Document orderBy;
            if (selector.containsKey("query")) {
                query = (Document) selector.get("query");
                orderBy = (Document) selector.get("orderby");
            } else if (selector.containsKey("$query")) {
                query = (Document) selector.get("$query");
                orderBy = (Document) selector.get("$orderby");
            } else {
                query = selector;
                orderBy = null;
            }
            return queryDocuments(query, orderBy, parameters.getNumberToSkip(), parameters.getLimit(),
                    parameters.getBatchSize(), parameters.getProjection());
        }

        @Override
        protected Document getDocument(Object position) {
            read(1);
            return super.getDocument(position);
        }

        /**
         * What an aggregate starts from: the documents its leading $match may select (in the data map's order, as
         * the scan has them), when an index plan exists for it; else every document.
         */
        @Override
        public Stream<Document> queryAllAsStream() {
            LeadingMatch match = LEADING_MATCH.get();
            if (match != null && match.namespace().equals(getFullName())) {
                LEADING_MATCH.remove();
                IndexPlan plan = IndexPlan.choose(getIndexes(), match.filter(), null);
                if (plan != null && crossCheck) {
                    return StreamSupport.stream(queryDocuments(match.filter(), null, 0, 0, 0, null).spliterator(),
                            false);
                }
                List<Object> termed = plan != null ? plan.termCandidates(Integer.MAX_VALUE) : null;
                if (termed != null) {
                    // the total of a search by text: the documents that hold the term, not every entry tested
                    return termed.stream().map(this::getDocument).filter(Objects::nonNull);
                }
                if (plan != null && !plan.walk()) {
                    // streamed, one document at a time, as the scan streams: the $match stage still filters them
                    // (a list of the candidates first held every open deal of the pipeline totals at once)
                    return plan.collectPositions().stream().map(this::getDocument).filter(Objects::nonNull);
                }
            }
            return super.queryAllAsStream();
        }

        /** The plain scan: reads every document. */
        @Override
        protected QueryResult matchDocuments(Document query, Document orderBy, int skip, int limit, int batchSize,
                Document projection) {
            read(data.sizeAsLong());
            return super.matchDocuments(query, orderBy, skip, limit, batchSize, projection);
        }

        /**
         * A write (it holds the collection's lock) changes the documents its query found in place before it puts
         * them back: those are the instances the data map holds, which a query beside it may be reading (a find of
         * k = 0 answered a document a concurrent update had just set to k = 2). A write gets copies of its own.
         */
        @Override
        protected QueryResult queryDocuments(Document query, Document orderBy, int skip, int limit, int batchSize,
                Document projection) {
            QueryResult result = answer(query, orderBy, skip, limit, batchSize, projection);
            if (!Thread.holdsLock(this)) {
                return result;
            }
            List<Document> copies = new ArrayList<>();
            result.forEach(document -> copies.add(document.cloneDeeply()));
            return new QueryResult(copies, result.getCursorId());
        }

        private QueryResult answer(Document query, Document orderBy, int skip, int limit, int batchSize,
                Document projection) {
            List<Index<Object>> indexes = getIndexes();
            for (Index<Object> index : indexes) {
                if (index.canHandle(query)) {
                    return super.queryDocuments(query, orderBy, skip, limit, batchSize, projection);
                }
            }
            for (Index<Object> index : indexes) {
                if (!index.isUnique()) {
                    continue;
                }
                List<String> keys = index.getKeys().stream().map(IndexKey::getKey).toList();
                Document lookup = KeyLookup.boundKeys(query, keys).filter(index::canHandle).orElse(null);
                if (lookup != null) {
                    // matchDocuments applies the whole query to each document found, then sorts and pages.
                    return matchDocuments(query, index.getPositions(lookup), orderBy, skip, limit, batchSize,
                            projection);
                }
            }
            IndexPlan plan = IndexPlan.choose(indexes, query, orderBy);
            if (plan == null && idOrder(orderBy) == 0) {
                return super.queryDocuments(query, orderBy, skip, limit, batchSize, projection);
            }
            if (!crossCheck) {
                QueryResult result = run(plan, query, orderBy, skip, limit, batchSize, projection);
                return result != null ? result
                        : super.queryDocuments(query, orderBy, skip, limit, batchSize, projection);
            }
            // count() runs without the collection's lock; holding it keeps writes out between the two answers
            synchronized (this) {
                QueryResult planned = run(plan, query, orderBy, skip, limit, 0, projection);
                List<Document> expected = list(super.queryDocuments(query, orderBy, skip, limit, 0, projection));
                if (planned == null) {
                    return createQueryResult(expected, batchSize);
                }
                List<Document> actual = list(planned);
                if (!actual.equals(expected)) {
                    throw new IllegalStateException("index plan " + plan + " on " + getFullName() + " answered "
                            + actual + " where the scan answers " + expected + " (filter " + query + ", sort "
                            + orderBy + ", skip " + skip + ", limit " + limit + ")");
                }
                return createQueryResult(actual, batchSize);
            }
        }

        private static List<Document> list(QueryResult result) {
            List<Document> documents = new ArrayList<>();
            result.forEach(documents::add);
            return documents;
        }

        /**
         * The plan's answer (with no plan: the data map walked in its key order for an {@code _id} sort), or null
         * when its walk met what it cannot order (then the caller scans).
         */
        private QueryResult run(IndexPlan plan, Document query, Document orderBy, int skip, int limit, int batchSize,
                Document projection) {
            try {
                // a term (a name, an email): the documents the index's text column finds it in, read and sorted as
                // a collect's candidates, instead of testing it on every entry; a common one fills a walk's page
                List<Object> termed = plan == null ? null
                        : plan.termCandidates(plan.walk() && limit > 0 ? TERM_CANDIDATES : Integer.MAX_VALUE);
                if (termed != null) {
                    return collected(termed, query, orderBy, skip, limit, batchSize, projection);
                }
                int idOrder = idOrder(orderBy);
                if (plan == null || !plan.walk() && idOrder != 0) {
                    // Sorted by _id alone: the data map's keys are the _ids, in _id order while every one is an
                    // ObjectId, so a page reads from one end and stops after skip + limit matches instead of
                    // sorting every candidate (a scan sorted the whole collection in memory: out of heap at 100,000
                    // contacts for the latest person of GET /stats)
                    Iterator<Object> positions = plan == null ? keys(idOrder < 0)
                            : inOrder(plan.collectPositions(), idOrder < 0);
                    Stream<Document> documents = StreamSupport.stream(Spliterators.spliteratorUnknownSize(positions,
                            Spliterator.ORDERED), false).map(position -> {
                                if (!(position instanceof de.bwaldvogel.mongo.bson.ObjectId)) {
                                    throw new Unplannable();
                                }
                                return getDocument(position);
                            }).filter(Objects::nonNull);
                    return matchDocumentsFromStream(documents, query, null, skip, limit, batchSize, projection);
                }
                if (plan.walk()) {
                    // already in the sort's order: filter, skip and stop after limit matches, reading no further.
                    // A walk whose filter refuses most of what it reads (a rare search term) reads one document at a
                    // time in index order, several times the cost of the scan's sequential read here (0.5 s against
                    // 60 ms for 5,000 contacts): past a budget the scan answers instead.
                    long budget = limit > 0 ? WALK_BUDGET + 16L * (skip + limit) : Long.MAX_VALUE;
                    long[] read = {0};
                    Stream<Document> documents = StreamSupport.stream(Spliterators.spliteratorUnknownSize(
                            plan.walkPositions((position, sortFields) -> {
                                if (++read[0] > budget) {
                                    throw new WalkGaveUp();
                                }
                                return document(position, sortFields);
                            }), Spliterator.ORDERED), false).filter(Objects::nonNull);
                    try {
                        return matchDocumentsFromStream(documents, query, null, skip, limit, batchSize, projection);
                    } catch (WalkGaveUp e) {
                        // the candidates of every index that binds part of the filter, when there is such a
                        // collect (a custom property and a stage that no record has together: none), else the scan
                        return plan.fallback() == null ? null
                                : run(plan.fallback(), query, orderBy, skip, limit, batchSize, projection);
                    }
                }
                return collected(plan.collectPositions(), query, orderBy, skip, limit, batchSize, projection);
            } catch (Unplannable e) {
                return null;
            }
        }

        /** Candidates in the data map's order, then exactly what the plain scan does with its documents. */
        private QueryResult collected(List<Object> positions, Document query, Document orderBy, int skip, int limit,
                int batchSize, Document projection) {
            Stream<Document> documents = positions.stream().map(this::getDocument).filter(Objects::nonNull);
            if (limit > 0 && orderBy != null && !orderBy.isEmpty()) {
                documents = firstInOrder(documents, query, orderBy, skip + limit);
            }
            return matchDocumentsFromStream(documents, query, orderBy, skip, limit, batchSize, projection);
        }

        /**
         * The {@code k} matching documents a stable sort puts first, in the order they came: a page of a sorted
         * collect holds k documents, not every candidate (8 searches at once over 25,000 candidates each were out of
         * heap). Ties keep their arrival order, so the sort that follows gives the full sort's page. A sort value that
         * is an array (sorted by its elements, an order that need not be transitive) leaves the page to the scan.
         */
        private Stream<Document> firstInOrder(Stream<Document> documents, Document query, Document orderBy, int k) {
            Comparator<Document> order = new DocumentComparator(orderBy);
            Comparator<Ranked> byOrderThenArrival = Comparator.<Ranked, Document>comparing(Ranked::document, order)
                    .thenComparingLong(Ranked::arrival);
            PriorityQueue<Ranked> kept = new PriorityQueue<>(k + 1, byOrderThenArrival.reversed());
            long[] arrival = {0};
            documents.filter(document -> documentMatchesQuery(document, query)).forEach(document -> {
                refuseArraySortValues(document, orderBy.keySet());
                kept.add(new Ranked(document, arrival[0]++));
                if (kept.size() > k) {
                    kept.poll();
                }
            });
            return kept.stream().sorted(Comparator.comparingLong(Ranked::arrival)).map(Ranked::document);
        }

        private Iterator<Object> keys(boolean reverse) {
            return reverse ? data.keyIteratorReverse(null) : data.keyIterator(null);
        }

        private static Iterator<Object> inOrder(List<Object> positions, boolean reverse) {
            if (reverse) {
                java.util.Collections.reverse(positions);
            }
            return positions.iterator();
        }

        /**
         * A term in at most this many documents is read from them (a page: about a millisecond per hundred); one in
         * more fills a newest-first page after a few hundred entries of the walk.
         */
        private static final int TERM_CANDIDATES = 256;

        /** Documents a limited walk reads before it leaves the page to the scan (plus 16 per requested one). */
        private static final long WALK_BUDGET = 1_000;

        /** A document the walk reached, refused when one of its sort values is an array (sorted by its elements). */
        private Document document(Object position, List<String> sortFields) {
            Document document = getDocument(position);
            if (document != null) {
                refuseArraySortValues(document, sortFields);
            }
            return document;
        }

        /** An array sort value sorts by its elements, an order the planner does not reproduce: the scan answers. */
        private static void refuseArraySortValues(Document document, Collection<String> sortFields) {
            for (String field : sortFields) {
                if (Utils.getSubdocumentValueCollectionAware(document, field) instanceof Collection<?>) {
                    throw new Unplannable();
                }
            }
        }
    }
}
