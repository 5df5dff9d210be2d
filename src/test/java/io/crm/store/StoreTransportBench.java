package io.crm.store;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import org.bson.Document;

/**
 * Read cost of the embedded store over its two transports, through the service's driver: the private Unix domain
 * socket (jnr-unixsocket, what the application uses) against TCP loopback (what it used before, and what the
 * {@code --store-only} developer tool still uses). Not a test: run by bench/store-transport.sh.
 *
 * <p>Both stores hold the same seeded contacts (a unique person_id index, as the service has) in their own data
 * directory. Rounds alternate the transports so drift on a shared machine hits both alike; each figure is the
 * median over the rounds.
 */
public final class StoreTransportBench {

    private static final int DOCS = 2_000;

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int ops = args.length > 1 ? Integer.parseInt(args[1]) : 5_000;
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 8;
        Path root = Files.createTempDirectory("store-transport-bench");
        try (EmbeddedStore tcp = EmbeddedStore.start(root.resolve("tcp"), "127.0.0.1", 0);
             EmbeddedStore socket = EmbeddedStore.startPrivate(root.resolve("socket"));
             MongoClient tcpClient = MongoClients.create(tcp.connectionString("bench"));
             MongoClient socketClient = MongoClients.create(socket.connectionString("bench"))) {
            MongoCollection<Document> overTcp = seed(tcpClient);
            MongoCollection<Document> overSocket = seed(socketClient);
            String[] names = {"point read, 1 thread (us/op)", "point read, " + threads + " threads (ops/s)",
                    "100-document read, 1 thread (us/op)"};
            double[][] tcpResults = new double[names.length][rounds];
            double[][] socketResults = new double[names.length][rounds];
            for (int round = -1; round < rounds; round++) { // round -1 warms both up and is not counted
                for (int t = 0; t < 2; t++) {
                    boolean tcpFirst = round % 2 == 0;
                    boolean isTcp = (t == 0) == tcpFirst;
                    MongoCollection<Document> c = isTcp ? overTcp : overSocket;
                    double[] r = {pointReadMicros(c, ops), concurrentOpsPerSecond(c, ops, threads),
                            rangeReadMicros(c, ops / 20)};
                    if (round >= 0) {
                        for (int i = 0; i < r.length; i++) {
                            (isTcp ? tcpResults : socketResults)[i][round] = r[i];
                        }
                    }
                }
            }
            // Median and best round: on a shared machine noise only ever adds time, so the best round is the
            // transport's own cost and the median what a run typically sees.
            System.out.printf(Locale.ROOT, "%-38s %22s %22s %10s%n", rounds + " rounds: median (best)",
                    "TCP loopback", "Unix socket", "socket/TCP");
            for (int i = 0; i < names.length; i++) {
                boolean higherIsBetter = i == 1;
                double t = median(tcpResults[i]);
                double s = median(socketResults[i]);
                double tb = best(tcpResults[i], higherIsBetter);
                double sb = best(socketResults[i], higherIsBetter);
                System.out.printf(Locale.ROOT, "%-38s %11.1f (%8.1f) %11.1f (%8.1f) %4.2f (%4.2f)%n", names[i], t, tb,
                        s, sb, s / t, sb / tb);
            }
        } finally {
            try (var files = Files.walk(root)) {
                files.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static MongoCollection<Document> seed(MongoClient client) {
        MongoCollection<Document> contacts = client.getDatabase("bench").getCollection("contacts");
        contacts.createIndex(Indexes.ascending("person_id"), new IndexOptions().unique(true));
        List<Document> docs = new ArrayList<>();
        for (int i = 0; i < DOCS; i++) {
            docs.add(new Document("person_id", "p-" + i).append("name", "Contact " + i)
                    .append("email", "contact" + i + "@example.com").append("phone", "555-" + i)
                    .append("bucket", i % 20).append("tags", List.of("a", "b")));
        }
        contacts.insertMany(docs);
        return contacts;
    }

    private static double pointReadMicros(MongoCollection<Document> c, int ops) {
        long start = System.nanoTime();
        for (int i = 0; i < ops; i++) {
            if (c.find(Filters.eq("person_id", "p-" + ThreadLocalRandom.current().nextInt(DOCS))).first() == null) {
                throw new IllegalStateException("missing document");
            }
        }
        return (System.nanoTime() - start) / 1_000.0 / ops;
    }

    /** 100 documents per query (bucket is one of 20 values over 2,000 documents), no index: payload-heavy. */
    private static double rangeReadMicros(MongoCollection<Document> c, int ops) {
        long start = System.nanoTime();
        for (int i = 0; i < ops; i++) {
            int n = 0;
            for (Document ignored : c.find(Filters.eq("bucket", i % 20))) {
                n++;
            }
            if (n != 100) {
                throw new IllegalStateException("expected 100 documents, got " + n);
            }
        }
        return (System.nanoTime() - start) / 1_000.0 / ops;
    }

    private static double concurrentOpsPerSecond(MongoCollection<Document> c, int opsPerThread, int threads)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            long start = System.nanoTime();
            List<Future<Double>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                results.add(pool.submit(() -> pointReadMicros(c, opsPerThread)));
            }
            for (Future<Double> f : results) {
                f.get(5, TimeUnit.MINUTES);
            }
            return (double) opsPerThread * threads / ((System.nanoTime() - start) / 1e9);
        } finally {
            pool.shutdownNow();
        }
    }

    private static double best(double[] values, boolean highest) {
        return highest ? Arrays.stream(values).max().orElseThrow() : Arrays.stream(values).min().orElseThrow();
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
