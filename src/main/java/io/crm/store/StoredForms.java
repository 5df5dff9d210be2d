package io.crm.store;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.WriteBuffer;
import org.h2.mvstore.type.ObjectDataType;

import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.bson.MinKey;
import de.bwaldvogel.mongo.bson.ObjectId;
import de.bwaldvogel.mongo.wire.bson.BsonDecoder;
import de.bwaldvogel.mongo.wire.bson.BsonEncoder;

/**
 * How the embedded store keeps documents and index keys in its file. H2Backend stores both with H2's
 * {@link ObjectDataType}, which writes a document through Java serialization (about 30 us to read a contact back,
 * 11 us to write it, twice the bytes) and, since a unique index's key ({@link KeyValue}) is not {@link Comparable},
 * serializes both keys again on every comparison of a lookup (about 29 us per lookup at 20,000 keys;
 * bench/stored-forms.sh). Here:
 * <ul>
 *   <li>{@link Documents}: a document as its BSON bytes behind a tag of its own, read back by mongo-java-server's own
 *   BSON decoder (the one every command's documents come through), about 3 us. A value in the older form (written
 *   by H2Backend or an earlier version) is still read as it was, so a data file upgrades document by document as
 *   documents are written: no migration pass.</li>
 *   <li>{@link Ids}: a document's {@code _id} as a data map's key and a unique index's value, an ObjectId in its 12
 *   bytes; read in either form, ordered as before.</li>
 *   <li>{@link UniqueKeys}: a unique index's key in a compact tagged form, compared value by value as mongo-java-server
 *   compares values. A map in the older order cannot be read in this one, so unique-index maps written before are
 *   emptied once when the store opens and rebuilt from the data ({@link #checkUniqueKeys}).</li>
 * </ul>
 * The tags sit in a range ObjectDataType never writes, so every older value is told apart by its first byte.
 */
final class StoredForms {

    /** Kept in the file beside the data (a snapshot copies it), so a copy says its own form. */
    static final String FORMAT_MAP = "crm.format";
    private static final String UNIQUE_KEYS = "uniqueKeys";
    private static final int UNIQUE_KEYS_FORM = 2;

    /** ObjectDataType's tags end at 119 (byte arrays of up to 15 bytes). */
    private static final byte BSON_DOCUMENT = 126;
    private static final byte COMPACT_KEY = 125;
    private static final byte COMPACT_OBJECT_ID = 124;

    private StoredForms() {
    }

    /** A collection's data map ({@code databases.<namespace>}), keyed by {@code _id}, in this form. */
    static MVMap<Object, Document> data(MVStore store, String name) {
        return store.openMap(name, new MVMap.Builder<Object, Document>().keyType(new Ids()).valueType(new Documents()));
    }

    /** A unique index's map ({@code <namespace>._index_<name>}): compact keys, positions as ids. */
    static MVMap<Object, Object> uniqueIndex(MVStore store, String name) {
        return store.openMap(name, new MVMap.Builder<Object, Object>().keyType(new UniqueKeys()).valueType(new Ids()));
    }

    /** The value type of a collection's data map. */
    static final class Documents extends ObjectDataType {

        @Override
        public void write(WriteBuffer buffer, Object value) {
            if (value instanceof Document document) {
                byte[] bson = bson(document);
                if (bson != null) {
                    buffer.put(BSON_DOCUMENT).putVarInt(bson.length).put(bson);
                    return;
                }
            }
            super.write(buffer, value);
        }

        private static byte[] bson(Document document) {
            ByteBuf buffer = Unpooled.buffer(256);
            try {
                BsonEncoder.encodeDocument(document, buffer);
                byte[] bytes = new byte[buffer.readableBytes()];
                buffer.readBytes(bytes);
                return bytes;
            } catch (RuntimeException unencodable) {
                // a value BSON has no type for: kept in the older form, which takes any serializable value
                return null;
            } finally {
                buffer.release();
            }
        }

        @Override
        public Object read(ByteBuffer buffer) {
            if (buffer.get(buffer.position()) != BSON_DOCUMENT) {
                return super.read(buffer);
            }
            buffer.get();
            int length = DataUtils.readVarInt(buffer);
            ByteBuffer bson = buffer.slice(buffer.position(), length);
            buffer.position(buffer.position() + length);
            return BsonDecoder.decodeBson(Unpooled.wrappedBuffer(bson));
        }

        @Override
        public int getMemory(Object value) {
            return estimate(value);
        }
    }

    /**
     * Keys of a data map and values of a unique index's map: a document's {@code _id}, an ObjectId in its 12 bytes
     * behind a tag of its own (ObjectDataType Java-serialized it, and read every key of a page that way). Compared as
     * ObjectDataType compares, so a map's order is the same in either form and older pages stay valid beside new ones.
     */
    static final class Ids extends ObjectDataType {

        @Override
        public void write(WriteBuffer buffer, Object id) {
            if (id instanceof ObjectId objectId) {
                buffer.put(COMPACT_OBJECT_ID).put(objectId.toByteArray());
                return;
            }
            super.write(buffer, id);
        }

        @Override
        public Object read(ByteBuffer buffer) {
            if (buffer.get(buffer.position()) != COMPACT_OBJECT_ID) {
                return super.read(buffer);
            }
            buffer.get();
            byte[] bytes = new byte[12];
            buffer.get(bytes);
            return new ObjectId(bytes);
        }

        @Override
        public int getMemory(Object id) {
            return id instanceof ObjectId ? 48 : estimate(id);
        }
    }

    /** The key type of a unique index's map: {@code KeyValue -> position}. */
    static final class UniqueKeys extends ObjectDataType {

        @Override
        public void write(WriteBuffer buffer, Object key) {
            if (!(key instanceof KeyValue values)) {
                super.write(buffer, key);
                return;
            }
            buffer.put(COMPACT_KEY).putVarInt(values.size());
            for (Object value : values) {
                writeValue(buffer, value);
            }
        }

        @Override
        public Object read(ByteBuffer buffer) {
            if (buffer.get(buffer.position()) != COMPACT_KEY) {
                return super.read(buffer);
            }
            buffer.get();
            Object[] values = new Object[DataUtils.readVarInt(buffer)];
            for (int i = 0; i < values.length; i++) {
                values[i] = readValue(buffer);
            }
            return new KeyValue(values);
        }

        @Override
        public int compare(Object a, Object b) {
            if (a instanceof KeyValue x && b instanceof KeyValue y) {
                int n = Math.min(x.size(), y.size());
                for (int i = 0; i < n; i++) {
                    int cmp = SecondaryIndex.EntryOrder.value(x.get(i), y.get(i));
                    if (cmp != 0) {
                        return cmp;
                    }
                }
                return Integer.compare(x.size(), y.size());
            }
            return super.compare(a, b);
        }

        @Override
        public int getMemory(Object key) {
            return estimate(key);
        }
    }

    /**
     * Unique-index maps ({@code <database>.<collection>._index_<name>}) in the older key order are removed before the
     * databases open, which then rebuild each from the data as they do for an index they find empty; the file is
     * marked by {@link #markUniqueKeys} once they are rebuilt, so a crash before that rebuilds them again.
     */
    static void checkUniqueKeys(MVStore store) {
        MVMap<String, Object> format = store.openMap(FORMAT_MAP);
        if (Integer.valueOf(UNIQUE_KEYS_FORM).equals(format.get(UNIQUE_KEYS))) {
            return;
        }
        for (String name : store.getMapNames()) {
            if (uniqueIndexMap(name)) {
                store.removeMap(name);
            }
        }
    }

    static void markUniqueKeys(MVStore store) {
        store.<String, Object>openMap(FORMAT_MAP).put(UNIQUE_KEYS, UNIQUE_KEYS_FORM);
    }

    static boolean uniqueIndexMap(String name) {
        return name.contains("._index_") && !name.startsWith("databases.") && !name.startsWith("meta.")
                && !SecondaryIndex.isIndexMap(name);
    }

    // One value: a tag and its bytes, keeping the value's exact Java type. Shared by index entries and unique keys.

    private static final byte NULL = 0;
    private static final byte DOUBLE = 1;
    private static final byte LONG = 2;
    private static final byte INT = 3;
    private static final byte STRING = 4;
    private static final byte TRUE = 5;
    private static final byte FALSE = 6;
    private static final byte OBJECT_ID = 7;
    private static final byte INSTANT = 8;
    private static final byte MIN_KEY = 9;
    private static final byte OTHER = 127;

    /** What no tag covers: a sub-document, a nested array, a UUID, a Decimal128 in a unique key. */
    private static final ObjectDataType OTHER_VALUES = new ObjectDataType();

    static void writeValue(WriteBuffer buffer, Object value) {
        if (value == null) {
            buffer.put(NULL);
        } else if (value instanceof String string) {
            buffer.put(STRING).putVarInt(string.length()).putStringData(string, string.length());
        } else if (value instanceof Double number) {
            buffer.put(DOUBLE).putDouble(number);
        } else if (value instanceof ObjectId id) {
            buffer.put(OBJECT_ID).put(id.toByteArray());
        } else if (value instanceof Boolean bool) {
            buffer.put(bool ? TRUE : FALSE);
        } else if (value instanceof Long number) {
            buffer.put(LONG).putLong(number);
        } else if (value instanceof Integer number) {
            buffer.put(INT).putInt(number);
        } else if (value instanceof Instant instant) {
            buffer.put(INSTANT).putLong(instant.getEpochSecond()).putInt(instant.getNano());
        } else if (value instanceof MinKey) {
            buffer.put(MIN_KEY);
        } else {
            buffer.put(OTHER);
            OTHER_VALUES.write(buffer, value);
        }
    }

    static Object readValue(ByteBuffer buffer) {
        byte tag = buffer.get();
        return switch (tag) {
            case NULL -> null;
            case STRING -> DataUtils.readString(buffer, DataUtils.readVarInt(buffer));
            case DOUBLE -> buffer.getDouble();
            case OBJECT_ID -> {
                byte[] bytes = new byte[12];
                buffer.get(bytes);
                yield new ObjectId(bytes);
            }
            case TRUE -> Boolean.TRUE;
            case FALSE -> Boolean.FALSE;
            case LONG -> buffer.getLong();
            case INT -> buffer.getInt();
            case INSTANT -> Instant.ofEpochSecond(buffer.getLong(), buffer.getInt());
            case MIN_KEY -> MinKey.getInstance();
            case OTHER -> OTHER_VALUES.read(buffer);
            default -> throw new IllegalStateException("stored value of unknown tag " + tag);
        };
    }

    /** A rough size in memory, for the store's cache accounting (ObjectDataType serializes a value to measure it). */
    static int estimate(Object value) {
        if (value instanceof String string) {
            return 48 + 2 * string.length();
        }
        if (value instanceof Map<?, ?> map) {
            int memory = 64;
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                memory += 32 + estimate(entry.getKey()) + estimate(entry.getValue());
            }
            return memory;
        }
        if (value instanceof Collection<?> values) {
            int memory = 40;
            for (Object element : values) {
                memory += 8 + estimate(element);
            }
            return memory;
        }
        if (value instanceof KeyValue key) {
            int memory = 40;
            for (Object element : key) {
                memory += 8 + estimate(element);
            }
            return memory;
        }
        if (value instanceof Object[] values) {
            int memory = 24 + 8 * values.length;
            for (Object element : values) {
                memory += estimate(element);
            }
            return memory;
        }
        return 32;
    }
}
