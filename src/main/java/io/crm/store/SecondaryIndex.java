package io.crm.store;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReferenceArray;

import org.h2.mvstore.Cursor;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.WriteBuffer;
import org.h2.mvstore.type.ObjectDataType;

import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.backend.Missing;
import de.bwaldvogel.mongo.backend.Utils;
import de.bwaldvogel.mongo.backend.ValueComparator;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.bson.MinKey;

/**
 * A non-unique (optionally compound, multikey, sparse) index of the embedded store, kept in an MVMap of the store
 * file beside the collection's data map. mongo-java-server ignores such indexes (it keeps an {@code EmptyIndex}), so
 * without this every list, filter and count reads the whole collection.
 *
 * <p>One map entry per combination of the document's key values: the key is {@code [v1, ..., vn, position]} with
 * each value normalized as mongo-java-server compares values (numbers as doubles, a missing field as null), an array
 * contributing one entry per distinct element (an empty array one entry with {@link MinKey}, so every document has at
 * least one entry unless the index is sparse and the document has none of the keys). Entries are ordered by
 * {@link ValueComparator} per value, in the declared direction of each key, and then by position in the order of the
 * collection's data map: the order the plain scan returns documents in, so a walk over equal values yields them as a
 * stable sort would. The value of an entry is unused.
 *
 * <p>The planner ({@link PlannedH2Backend}) walks these maps; {@link #canHandle} says no, so mongo-java-server's own
 * planner never asks this index for positions. {@link #multikey(int)} tells whether any document ever had an array at
 * that key (kept in the store's {@code indexes:state} map, never reset while the map lives, as MongoDB does): a sort
 * can walk only keys that are not multikey, since an array sorts by its elements, not by one entry.
 */
final class SecondaryIndex extends Index<Object> {

    /**
     * Prefix of the index maps' names: {@code index:<database>.<collection>.<index>}. A ':' cannot be in a database
     * name, so H2Database's drop of a database (every map named {@code <database>.*}) never takes these.
     */
    static final String MAP_PREFIX = "index:";
    /** Per index map the bit mask of its multikey keys; also the clean-close marker (see PlannedH2Backend). */
    static final String STATE_MAP = "indexes:state";
    /**
     * The entries' stored form ({@link EntryOrder}); part of the clean-close marker's name, so a file closed by a
     * version that wrote another form has its index maps rebuilt, and an older version (which looks for its own
     * marker) rebuilds the maps this one wrote.
     */
    static final int FORMAT = 2;

    private static final String ID = "_id";

    private final MVStore store;
    private String mapName;
    private final MVMap<Object, Boolean> map;
    private final MVMap<String, Object> state;
    private final EntryOrder order;
    private volatile int multikeyMask;
    /** Per key, its {@link TextColumn} once a query asked for it; kept by every write after that. */
    private final AtomicReferenceArray<TextColumn> columns;

    SecondaryIndex(MVStore store, String mapName, String name, List<IndexKey> keys, boolean sparse) {
        super(name, keys, sparse);
        this.store = store;
        this.mapName = mapName;
        this.order = new EntryOrder(keys.stream().map(IndexKey::isAscending).toList());
        this.map = store.openMap(mapName, new MVMap.Builder<Object, Boolean>().keyType(order));
        this.state = store.openMap(STATE_MAP);
        this.multikeyMask = state.get(mapName) instanceof Integer mask ? mask : 0;
        this.columns = new AtomicReferenceArray<>(keys.size());
    }

    /**
     * The text column of key {@code i}, built from the index's entries the first time it is asked for; null while
     * the key is multikey (an entry holds one element of an array, not the document's value). The column is
     * published before the entries are read, under its write lock: a write from then on waits for the build and then
     * sets its own value over what the build read; a write before it is in the entries the build reads.
     */
    TextColumn column(int i) {
        TextColumn column = columns.get(i);
        if (column != null || multikey(i)) {
            return column;
        }
        synchronized (columns) {
            column = columns.get(i);
            if (column != null) {
                return column;
            }
            column = new TextColumn();
            column.lockForBuild();
            try {
                columns.set(i, column);
                int width = keys().size();
                Cursor<Object, Boolean> cursor = map.cursor(null);
                while (cursor.hasNext()) {
                    Object[] entry = (Object[]) cursor.next();
                    column.set(entry[width], entry[i]);
                }
            } finally {
                column.unlockAfterBuild();
            }
            return column;
        }
    }

    /** The document at {@code position} is now {@code document} (null: gone) in every column built so far. */
    private void keepColumns(Document document, Object position) {
        for (int i = 0; i < columns.length(); i++) {
            TextColumn column = columns.get(i);
            if (column == null) {
                continue;
            }
            if (document == null) {
                column.remove(position);
            } else {
                column.set(position, Utils.getSubdocumentValueCollectionAware(document, keys().get(i)));
            }
        }
    }

    MVMap<Object, Boolean> map() {
        return map;
    }

    EntryOrder order() {
        return order;
    }

    boolean sparse() {
        return isSparse();
    }

    /** Whether any document had an array (or nested array path) at key {@code i} of this index. */
    boolean multikey(int i) {
        return (multikeyMask & (1 << i)) != 0;
    }

    /** Whether any key of this index is multikey. */
    boolean anyMultikey() {
        return multikeyMask != 0;
    }

    List<String> fields() {
        return keys();
    }

    /** The entries of a document: every combination of its (normalized) key values, each ending in position. */
    Set<List<Object>> entries(Document document, Object position) {
        List<String> fields = keys();
        List<List<Object>> perKey = new ArrayList<>(fields.size());
        boolean anyValue = false;
        int arrays = 0;
        for (int i = 0; i < fields.size(); i++) {
            Object value = Utils.getSubdocumentValueCollectionAware(document, fields.get(i));
            anyValue |= !(value instanceof Missing);
            if (value instanceof Collection<?> elements) {
                arrays |= 1 << i;
                perKey.add(elements.isEmpty() ? List.of(MinKey.getInstance()) : distinct(elements));
            } else {
                perKey.add(java.util.Collections.singletonList(normalized(value)));
            }
        }
        if (isSparse() && !anyValue) {
            return Set.of();
        }
        if ((arrays & ~multikeyMask) != 0) {
            markMultikey(arrays);
        }
        Set<List<Object>> entries = new LinkedHashSet<>();
        combine(perKey, 0, new ArrayList<>(), Missing.ofNullable(position), entries);
        return entries;
    }

    private synchronized void markMultikey(int arrays) {
        multikeyMask |= arrays;
        state.put(mapName, multikeyMask);
    }

    private static List<Object> distinct(Collection<?> elements) {
        Set<Object> values = new LinkedHashSet<>();
        for (Object element : elements) {
            values.add(normalized(element));
        }
        return new ArrayList<>(values);
    }

    /** mongo-java-server's value normalization (package-private there), reached through KeyValue. */
    static Object normalized(Object value) {
        if (value instanceof Missing) {
            return null;
        }
        return new KeyValue(java.util.Arrays.asList(value)).normalized().get(0);
    }

    private static void combine(List<List<Object>> perKey, int i, List<Object> prefix, Object position,
            Set<List<Object>> into) {
        if (i == perKey.size()) {
            List<Object> entry = new ArrayList<>(prefix);
            entry.add(position);
            into.add(entry);
            return;
        }
        for (Object value : perKey.get(i)) {
            prefix.add(value);
            combine(perKey, i + 1, prefix, position, into);
            prefix.remove(prefix.size() - 1);
        }
    }

    private static Object positionOf(Document document) {
        return Missing.ofNullable(document.get(ID));
    }

    @Override
    public Object getPosition(Document document) {
        // positions come from the _id index; a non-unique index cannot name one
        return null;
    }

    @Override
    public void checkAdd(Document document, MongoCollection<Object> collection) {
        // nothing to refuse: not unique, and arrays in two keys are indexed as their cross product
    }

    @Override
    public void add(Document document, Object position, MongoCollection<Object> collection) {
        for (List<Object> entry : entries(document, position)) {
            map.put(entry.toArray(), Boolean.TRUE);
        }
        keepColumns(document, position);
    }

    @Override
    public Object remove(Document document) {
        Object position = positionOf(document);
        for (List<Object> entry : entries(document, position)) {
            map.remove(entry.toArray());
        }
        keepColumns(null, position);
        // the same position the _id index reports, which the caller checks
        return position;
    }

    @Override
    public boolean canHandle(Document query) {
        return false;
    }

    @Override
    public Iterable<Object> getPositions(Document query) {
        throw new UnsupportedOperationException("planned by PlannedH2Backend, not by mongo-java-server");
    }

    @Override
    public long getCount() {
        return map.sizeAsLong();
    }

    /**
     * Not usable by the planner until filled: mongo-java-server fills an empty index with two passes over the
     * collection per index (about 70 indexes at an upgrade or after an unclean stop), so an empty one of a non-empty
     * collection is left {@code pending} and filled with its collection's other pending indexes in one pass
     * ({@link PlannedH2Backend}); writes meanwhile keep the entries of what they touch.
     */
    private volatile boolean pending;

    boolean pending() {
        return pending;
    }

    void pending(boolean pending) {
        this.pending = pending;
    }

    @Override
    public boolean isEmpty() {
        // a pending index reports itself filled, so AbstractMongoCollection.addIndex leaves the filling to us
        return !pending && map.isEmpty();
    }

    @Override
    public long getDataSize() {
        return getCount();
    }

    @Override
    public void checkUpdate(Document oldDocument, Document newDocument, MongoCollection<Object> collection) {
        // not unique: an update cannot conflict
    }

    @Override
    public void updateInPlace(Document oldDocument, Document newDocument, Object position,
            MongoCollection<Object> collection) {
        Set<List<Object>> before = entries(oldDocument, position);
        Set<List<Object>> after = entries(newDocument, position);
        for (List<Object> entry : before) {
            if (!after.contains(entry)) {
                map.remove(entry.toArray());
            }
        }
        for (List<Object> entry : after) {
            if (!before.contains(entry)) {
                map.put(entry.toArray(), Boolean.TRUE);
            }
        }
        keepColumns(newDocument, position);
    }

    /** The collection was renamed: its index map follows it. */
    synchronized void rename(String newMapName) {
        store.renameMap(map, newMapName);
        Object mask = state.remove(mapName);
        if (mask != null) {
            state.put(newMapName, mask);
        }
        mapName = newMapName;
    }

    @Override
    public void drop() {
        for (int i = 0; i < columns.length(); i++) {
            columns.set(i, null);
        }
        state.remove(mapName);
        store.removeMap(map);
    }

    static boolean isIndexMap(String name) {
        return name.startsWith(MAP_PREFIX) || name.equals(STATE_MAP);
    }

    /** Removes every index map and its state: they are rebuilt from the data when the indexes are opened. */
    static void dropAll(MVStore store) {
        for (String name : store.getMapNames()) {
            if (name.startsWith(MAP_PREFIX)) {
                store.removeMap(name);
            }
        }
        store.openMap(STATE_MAP).clear();
    }

    static void dropAll(MVStore store, String namespacePrefix) {
        MVMap<String, Object> state = store.openMap(STATE_MAP);
        for (String name : store.getMapNames()) {
            if (name.startsWith(MAP_PREFIX + namespacePrefix)) {
                state.remove(name);
                store.removeMap(name);
            }
        }
    }

    /**
     * A bound for a cursor over the entries whose first values equal {@code prefix}: before all of them
     * ({@code high == false}) or after all of them. Never stored.
     */
    record Probe(Object[] prefix, boolean high) {
    }

    /**
     * The order of entries: values by mongo-java-server's {@link ValueComparator} in each key's direction, then the
     * position in the order of the data map's keys (H2's {@link ObjectDataType}), so equal values keep the plain
     * scan's order.
     *
     * <p>Stored compactly: a count, then each value in {@link StoredForms}' tagged form (an ObjectId in 12 bytes, a
     * string in UTF-8, a number in 8), keeping its exact Java type, since the last one is the data map's key.
     * ObjectDataType alone wrote an ObjectId through Java serialization and estimated the memory of every key by
     * serializing it again (BENCHMARKS.md, "The embedded store at 100,000 records"). The form is the file's
     * {@link #FORMAT}: maps written in another one are rebuilt when the store opens.
     */
    static final class EntryOrder extends ObjectDataType {

        private static final ObjectDataType POSITIONS = new ObjectDataType();

        private final boolean[] ascending;

        EntryOrder(List<Boolean> ascending) {
            this.ascending = new boolean[ascending.size()];
            for (int i = 0; i < this.ascending.length; i++) {
                this.ascending[i] = ascending.get(i);
            }
        }

        @Override
        public void write(WriteBuffer buffer, Object entry) {
            Object[] values = (Object[]) entry;
            buffer.putVarInt(values.length);
            for (Object value : values) {
                StoredForms.writeValue(buffer, value);
            }
        }

        @Override
        public Object read(ByteBuffer buffer) {
            Object[] values = new Object[DataUtils.readVarInt(buffer)];
            for (int i = 0; i < values.length; i++) {
                values[i] = StoredForms.readValue(buffer);
            }
            return values;
        }

        /** An estimate for the store's cache (ObjectDataType's serializes unknown types to measure them). */
        @Override
        public int getMemory(Object entry) {
            return StoredForms.estimate(entry);
        }

        @Override
        public int compare(Object a, Object b) {
            if (a instanceof Probe probe) {
                return probe(probe, (Object[]) b);
            }
            if (b instanceof Probe probe) {
                return -probe(probe, (Object[]) a);
            }
            Object[] x = (Object[]) a;
            Object[] y = (Object[]) b;
            int cmp = compareValues(x, y, ascending.length);
            return cmp != 0 ? cmp : positions(x[ascending.length], y[ascending.length]);
        }

        private int probe(Probe probe, Object[] entry) {
            int cmp = compareValues(probe.prefix(), entry, probe.prefix().length);
            return cmp != 0 ? cmp : probe.high() ? 1 : -1;
        }

        /** Compares the first {@code n} values. */
        int compareValues(Object[] x, Object[] y, int n) {
            return compareValues(x, y, 0, n);
        }

        /** Compares the values from key {@code from} to key {@code to} (exclusive). */
        int compareValues(Object[] x, Object[] y, int from, int to) {
            for (int i = from; i < to; i++) {
                int cmp = value(x[i], y[i]);
                if (cmp != 0) {
                    return ascending[i] ? cmp : -cmp;
                }
            }
            return 0;
        }

        static int positions(Object a, Object b) {
            return POSITIONS.compare(a, b);
        }

        /**
         * Values of one key. Elements that are themselves arrays (nested arrays) come after every other value and
         * compare as lists among themselves, so the order stays total; a scalar lookup never equals them.
         */
        static int value(Object a, Object b) {
            boolean listA = a instanceof Collection<?>;
            boolean listB = b instanceof Collection<?>;
            if (listA || listB) {
                if (listA && listB) {
                    return ValueComparator.ascWithoutListHandling().compare(a, b);
                }
                return listA ? 1 : -1;
            }
            return ValueComparator.asc().compare(a, b);
        }
    }
}
