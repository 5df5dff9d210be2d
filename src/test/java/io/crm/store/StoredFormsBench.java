package io.crm.store;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.WriteBuffer;
import org.h2.mvstore.type.ObjectDataType;

import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.bson.Decimal128;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.bson.ObjectId;

/**
 * The embedded store's stored forms against H2's ObjectDataType (the older form), side by side in one run after a
 * warm-up (bench/stored-forms.sh; BENCHMARKS.md "The embedded store at 100,000 records"): reading and writing a
 * contact as the service stores it, and a unique-index lookup among 20,000 keys. Not a test.
 */
public final class StoredFormsBench {

    private StoredFormsBench() {
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
        Document contact = contact();
        ObjectDataType older = new ObjectDataType();
        StoredForms.Documents bson = new StoredForms.Documents();
        System.out.printf(Locale.ROOT, "a contact: %d bytes in the older form, %d as BSON%n", size(older, contact),
                size(bson, contact));
        MVMap<Object, Object> olderKeys = new MVStore.Builder().open().openMap("older");
        MVMap<Object, Object> compactKeys = new MVStore.Builder().open().openMap("compact",
                new MVMap.Builder<Object, Object>().keyType(new StoredForms.UniqueKeys()));
        List<KeyValue> keys = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ObjectId id = new ObjectId();
            KeyValue key = new KeyValue(id);
            keys.add(key);
            olderKeys.put(key, id);
            compactKeys.put(key, id);
        }
        java.nio.ByteBuffer olderBytes = written(older, contact);
        java.nio.ByteBuffer bsonBytes = written(bson, contact);
        WriteBuffer buffer = new WriteBuffer();
        for (int round = 1; round <= rounds; round++) {
            double readOlder = perOp(n, () -> older.read(olderBytes.duplicate()));
            double readBson = perOp(n, () -> bson.read(bsonBytes.duplicate()));
            double writeOlder = perOp(n, () -> older.write(buffer.clear(), contact));
            double writeBson = perOp(n, () -> bson.write(buffer.clear(), contact));
            double lookupOlder = perOp(n, new Lookup(olderKeys, keys));
            double lookupCompact = perOp(n, new Lookup(compactKeys, keys));
            System.out.printf(Locale.ROOT, "round %d: read %.2f / %.2f us (%.1fx), write %.2f / %.2f us (%.1fx), "
                    + "unique lookup %.2f / %.2f us (%.1fx)  [older form / new]%n", round, readOlder, readBson,
                    readOlder / readBson, writeOlder, writeBson, writeOlder / writeBson, lookupOlder, lookupCompact,
                    lookupOlder / lookupCompact);
        }
    }

    private static final class Lookup implements Runnable {
        private final MVMap<Object, Object> map;
        private final List<KeyValue> keys;
        private int next;

        Lookup(MVMap<Object, Object> map, List<KeyValue> keys) {
            this.map = map;
            this.keys = keys;
        }

        @Override
        public void run() {
            if (map.get(new KeyValue(keys.get(next++ % keys.size()).get(0))) == null) {
                throw new IllegalStateException("a key went missing");
            }
        }
    }

    private static double perOp(int n, Runnable op) {
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            op.run();
        }
        return (System.nanoTime() - start) / 1e3 / n;
    }

    private static java.nio.ByteBuffer written(ObjectDataType type, Object value) {
        WriteBuffer buffer = new WriteBuffer();
        type.write(buffer, value);
        return buffer.getBuffer().flip();
    }

    private static int size(ObjectDataType type, Object value) {
        return written(type, value).remaining();
    }

    /** A contact in the service's stored shape with ten custom properties (bench/driver seed-scale). */
    private static Document contact() {
        Instant at = Instant.parse("2026-12-05T03:30:00.123Z");
        Document custom = new Document("region", "EMEA").append("tier", "gold").append("segment", "smb")
                .append("source", "web").append("industry", "Banking").append("language", "German")
                .append("score", 42.0).append("seats", 17.0).append("nps", 9.0).append("active", true);
        List<Document> props = new ArrayList<>();
        custom.forEach((k, v) -> props.add(new Document("k", k).append("v", v instanceof String s
                ? s.toLowerCase(Locale.ROOT) : v)));
        Document meta = new Document("createdAt", at).append("updatedAt", at).append("version", 1L)
                .append("archived", false).append("nameKey", "maria garcia 17")
                .append("emailKey", "person17@scale.example").append("ownerId", new ObjectId().getHexData())
                .append("search", "maria garcia 17\u001fperson17@scale.example\u001f+1 555 0100")
                .append("props", props);
        return new Document("_id", new ObjectId()).append("person_id", "scale-17").append("name", "Maria Garcia 17")
                .append("email", "person17@scale.example").append("phone", "+1 555 0100")
                .append("companyId", new ObjectId()).append("tags", List.of("vip", "customer"))
                .append("amount", new Decimal128(new java.math.BigDecimal("1234.50"))).append("custom", custom)
                .append("_crm", meta);
    }
}
