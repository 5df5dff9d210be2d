package io.crm.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.model.Filters;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The application's embedded store is reachable by its own user only: no TCP listener, a 0600 socket in a 0700
 * directory, and a process of another user is refused at connect(); the driver works through the socket and data
 * written by the TCP store (the layout of existing data directories) opens unchanged.
 */
class PrivateStoreTransportTest {

    @TempDir
    Path dataDir;

    @Test
    void privateStoreOpensNoTcpListenerAndItsSocketIsOwnerOnly() throws IOException {
        Set<Long> before = tcpListenersOfThisProcess();
        try (EmbeddedStore store = EmbeddedStore.startPrivate(dataDir)) {
            // No new one; another test's server in this JVM may close one meanwhile, so not "equal".
            assertThat(tcpListenersOfThisProcess()).as("LISTEN sockets of this process").isSubsetOf(before);
            assertThat(store.address()).isNull();
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(store.socket())))
                    .isEqualTo("rw-------");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(store.socket().getParent())))
                    .isEqualTo("rwx------");
            try (MongoClient client = MongoClients.create(store.connectionString("crm_db"))) {
                client.getDatabase("crm_db").getCollection("users").insertOne(new Document("username", "a"));
                assertThat(client.getDatabase("crm_db").getCollection("users").countDocuments()).isEqualTo(1);
            }
        }
    }

    @Test
    void theListenerCheckSeesATcpStore() throws IOException {
        // Control for the test above: the same check does see the developer tool's TCP listener.
        Set<Long> before = tcpListenersOfThisProcess();
        try (EmbeddedStore store = EmbeddedStore.start(dataDir, "127.0.0.1", 0)) {
            Set<Long> added = new HashSet<>(tcpListenersOfThisProcess());
            added.removeAll(before);
            assertThat(added).hasSize(1);
        }
    }

    @Test
    void closingRemovesTheSocketAndItsDirectory() {
        EmbeddedStore store = EmbeddedStore.startPrivate(dataDir);
        Path socket = store.socket();
        store.close();
        assertThat(socket).doesNotExist();
        assertThat(socket.getParent()).doesNotExist();
    }

    @Test
    void anotherUserCannotConnectToTheSocket() throws Exception {
        // Switching to another user needs root (CI runs as root); root itself passes any file permission check.
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root to run a probe as user nobody");
        try (EmbeddedStore store = EmbeddedStore.startPrivate(dataDir)) {
            // curl exits 7 when connect() fails; past connect the store drops the non-MongoDB request (exit 52/56).
            List<String> probe = List.of("curl", "-s", "-o", "/dev/null", "--max-time", "5", "--unix-socket",
                    store.socket().toString(), "http://store/");
            assertThat(run(probe)).as("owner connects").isNotEqualTo(7);
            List<String> asNobody = new java.util.ArrayList<>(List.of("setpriv", "--reuid=65534", "--regid=65534",
                    "--clear-groups"));
            asNobody.addAll(probe);
            assertThat(run(asNobody)).as("user nobody is refused at connect()").isEqualTo(7);
        }
    }

    @Test
    void aDataDirectoryWrittenByTheTcpStoreOpensUnchanged() {
        try (EmbeddedStore store = EmbeddedStore.start(dataDir, "127.0.0.1", 0);
             MongoClient client = MongoClients.create(store.connectionString("crm_db"))) {
            client.getDatabase("crm_db").getCollection("persons").insertOne(new Document("person_id", "1"));
        }
        try (EmbeddedStore store = EmbeddedStore.startPrivate(dataDir);
             MongoClient client = MongoClients.create(store.connectionString("crm_db"))) {
            assertThat(client.getDatabase("crm_db").getCollection("persons").find(Filters.eq("person_id", "1"))
                    .first()).isNotNull();
        }
    }

    private static int run(List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getInputStream().readAllBytes();
        assertThat(process.waitFor(20, TimeUnit.SECONDS)).as("%s finished", command).isTrue();
        return process.exitValue();
    }

    /** Inodes of the TCP sockets in LISTEN state (IPv4 and IPv6) that this process holds open. */
    static Set<Long> tcpListenersOfThisProcess() throws IOException {
        Set<Long> listening = new HashSet<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            List<String> lines = Files.readAllLines(Path.of(table));
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.trim().split("\\s+");
                if ("0A".equals(f[3])) { // st column: 0A = TCP_LISTEN
                    listening.add(Long.parseLong(f[9]));
                }
            }
        }
        Set<Long> mine = new HashSet<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path fd : fds) {
                String target;
                try {
                    target = Files.readSymbolicLink(fd).toString();
                } catch (IOException e) {
                    continue; // closed while listing
                }
                if (target.startsWith("socket:[")) {
                    long inode = Long.parseLong(target.substring(8, target.length() - 1));
                    if (listening.contains(inode)) {
                        mine.add(inode);
                    }
                }
            }
        }
        return mine;
    }
}
