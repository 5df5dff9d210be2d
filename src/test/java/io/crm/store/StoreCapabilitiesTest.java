package io.crm.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.crm.store.StoreCapabilities.TransactionsMode;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/** Topology and transaction support from {@code hello} answers as the servers give them. */
class StoreCapabilitiesTest {

    @Test
    void aStandaloneHasNoTransactions() {
        Document hello = Document.parse("{isWritablePrimary: true, maxWireVersion: 21, "
                + "logicalSessionTimeoutMinutes: 30, ok: 1}");
        StoreCapabilities capabilities = StoreCapabilities.fromHello(hello);
        assertThat(capabilities).isEqualTo(new StoreCapabilities("standalone", null, false));
        assertThat(capabilities.toMap()).containsExactly(java.util.Map.entry("topology", "standalone"),
                java.util.Map.entry("transactions", false));
    }

    @Test
    void aReplicaSetPrimaryHasThem() {
        Document hello = Document.parse("{topologyVersion: {counter: 6}, hosts: ['m0:27017', 'm1:27017', 'm2:27017'],"
                + " setName: 'rs0', setVersion: 1, isWritablePrimary: true, secondary: false, primary: 'm0:27017',"
                + " me: 'm0:27017', logicalSessionTimeoutMinutes: 30, minWireVersion: 0, maxWireVersion: 21, ok: 1}");
        StoreCapabilities capabilities = StoreCapabilities.fromHello(hello);
        assertThat(capabilities).isEqualTo(new StoreCapabilities("replicaSet", "rs0", true));
        assertThat(capabilities.toMap()).containsEntry("setName", "rs0").containsEntry("transactions", true);
    }

    @Test
    void aSecondaryAnsweringIsStillTheReplicaSet() {
        Document hello = Document.parse("{setName: 'rs0', isWritablePrimary: false, secondary: true,"
                + " logicalSessionTimeoutMinutes: 30, maxWireVersion: 17}");
        assertThat(StoreCapabilities.fromHello(hello).transactions()).isTrue();
    }

    @Test
    void aMongosHasThemFrom42() {
        Document mongos = Document.parse("{isWritablePrimary: true, msg: 'isdbgrid', maxWireVersion: 8,"
                + " logicalSessionTimeoutMinutes: 30}");
        assertThat(StoreCapabilities.fromHello(mongos)).isEqualTo(new StoreCapabilities("sharded", null, true));
        Document mongos40 = Document.parse("{ismaster: true, msg: 'isdbgrid', maxWireVersion: 7,"
                + " logicalSessionTimeoutMinutes: 30}");
        assertThat(StoreCapabilities.fromHello(mongos40)).isEqualTo(new StoreCapabilities("sharded", null, false));
    }

    @Test
    void oldServersOrNoSessionsHaveNone() {
        Document mongo36 = Document.parse("{ismaster: true, setName: 'rs0', maxWireVersion: 6,"
                + " logicalSessionTimeoutMinutes: 30}");
        assertThat(StoreCapabilities.fromHello(mongo36)).isEqualTo(new StoreCapabilities("replicaSet", "rs0", false));
        Document noSessions = Document.parse("{ismaster: true, setName: 'rs0', maxWireVersion: 21}");
        assertThat(StoreCapabilities.fromHello(noSessions).transactions()).isFalse();
    }

    @Test
    void theOperatorOverrideWinsOverDetection() {
        StoreCapabilities standalone = new StoreCapabilities("standalone", null, false);
        assertThat(standalone.overridden(TransactionsMode.ON).transactions()).isTrue();
        assertThat(standalone.overridden(TransactionsMode.AUTO)).isEqualTo(standalone);
        StoreCapabilities replicaSet = new StoreCapabilities("replicaSet", "rs0", true);
        assertThat(replicaSet.overridden(TransactionsMode.OFF)).isEqualTo(
                new StoreCapabilities("replicaSet", "rs0", false));
        assertThat(StoreCapabilities.NOT_DETECTED.detected()).isFalse();
        assertThat(StoreCapabilities.NOT_DETECTED.toMap()).containsEntry("topology", "unknown");
    }
}
