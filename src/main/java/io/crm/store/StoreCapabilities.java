package io.crm.store;

import java.util.LinkedHashMap;
import java.util.Map;

import org.bson.Document;

/**
 * What the MongoDB the service runs on can do, read from its {@code hello} answer: its topology and whether it runs
 * multi-document transactions (a replica set from 4.0, a sharded cluster from 4.2, both only with sessions, i.e. when
 * {@code logicalSessionTimeoutMinutes} is present). Pure: unit-tested from {@code hello} documents.
 *
 * @param topology     {@code replicaSet}, {@code sharded}, {@code standalone}, or {@code unknown} (not reached yet)
 * @param setName      the replica set's name (null otherwise)
 * @param transactions whether multi-document transactions are supported
 */
public record StoreCapabilities(String topology, String setName, boolean transactions) {

    public static final String REPLICA_SET = "replicaSet";
    public static final String SHARDED = "sharded";
    public static final String STANDALONE = "standalone";
    public static final String UNKNOWN = "unknown";

    /** Wire versions (hello's maxWireVersion) of MongoDB 4.0 and 4.2. */
    static final int WIRE_4_0 = 7;
    static final int WIRE_4_2 = 8;

    /** The store could not be asked yet (it was not reachable). */
    public static final StoreCapabilities NOT_DETECTED = new StoreCapabilities(UNKNOWN, null, false);

    /** From a {@code hello} (or legacy {@code isMaster}) answer. */
    public static StoreCapabilities fromHello(Document hello) {
        boolean sessions = hello.get("logicalSessionTimeoutMinutes") instanceof Number;
        int wire = hello.get("maxWireVersion") instanceof Number n ? n.intValue() : 0;
        if ("isdbgrid".equals(hello.get("msg"))) {
            return new StoreCapabilities(SHARDED, null, sessions && wire >= WIRE_4_2);
        }
        if (hello.get("setName") instanceof String setName) {
            return new StoreCapabilities(REPLICA_SET, setName, sessions && wire >= WIRE_4_0);
        }
        return new StoreCapabilities(STANDALONE, null, false);
    }

    public boolean detected() {
        return !UNKNOWN.equals(topology);
    }

    /** This, with transactions as an operator's override says ({@code on}/{@code off}; {@code auto}: as detected). */
    public StoreCapabilities overridden(TransactionsMode mode) {
        return switch (mode) {
            case AUTO -> this;
            case ON -> new StoreCapabilities(topology, setName, true);
            case OFF -> new StoreCapabilities(topology, setName, false);
        };
    }

    /** For /ready and the start-up log: {@code {"topology": "replicaSet", "setName": "rs0", "transactions": true}}. */
    public Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("topology", topology);
        if (setName != null) {
            map.put("setName", setName);
        }
        map.put("transactions", transactions);
        return map;
    }

    /** {@code CRM_MONGODB_TRANSACTIONS}: whether multi-document operations run in a transaction. */
    public enum TransactionsMode {
        /** when the store supports them (detected at start-up, or at first use when it was down then) */
        AUTO,
        /** always (an operation fails on a store without them) */
        ON,
        /** never: the step-by-step path, each step idempotent */
        OFF
    }
}
