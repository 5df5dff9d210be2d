package io.crm.store;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Runs only the embedded MongoDB-wire store, as its own process: {@code --store-only --port=27017 --data-dir=DIR
 * [--host=127.0.0.1]}. Used by the local rehearsal and the benchmarks so the application talks to its store over the
 * real protocol, as it would to MongoDB. Stops cleanly (flushing its file) on SIGTERM.
 *
 * <p>A developer tool: it listens on TCP without authentication, so every local process (any user) can read and
 * write its data. Run it on a machine of your own with throw-away data; the application's own embedded store is
 * reachable through a private socket only ({@link EmbeddedStore#startPrivate}).
 */
public final class StoreLauncher {

    private StoreLauncher() {
    }

    public static void main(String[] args) {
        String host = option(args, "host", "127.0.0.1");
        int port = Integer.parseInt(option(args, "port", "27017"));
        Path dataDir = Path.of(option(args, "data-dir", System.getenv().getOrDefault("CRM_DATA_DIR", "./data")));
        EmbeddedStore store = EmbeddedStore.start(dataDir, host, port);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            store.close();
            stopped.countDown();
        }, "store-shutdown"));
        System.out.printf("embedded store listening on %s:%d, data in %s%n", store.address().getHostString(),
                store.address().getPort(), store.file());
        System.out.println("WARNING: no authentication: every local user can read and write this store "
                + "(developer tool; the application's own embedded store uses a private socket)");
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static String option(String[] args, String name, String fallback) {
        String prefix = "--" + name + "=";
        for (String arg : args) {
            if (arg.startsWith(prefix)) {
                return arg.substring(prefix.length());
            }
        }
        return fallback;
    }
}
