package io.crm.store;

import java.util.ArrayList;
import java.util.List;

import com.mongodb.ConnectionString;
import com.mongodb.ReadConcern;
import com.mongodb.WriteConcern;

/** Small, pure helpers around MongoDB connection strings (unit-tested without Spring). */
public final class ConnectionStrings {

    private ConnectionStrings() {
    }

    /**
     * Returns the URI with {@code defaultDatabase} as its database when it names none, so the database always comes
     * from the URI ("database name from the URI, default crm_db").
     */
    public static ConnectionString withDefaultDatabase(String uri, String defaultDatabase) {
        ConnectionString parsed = new ConnectionString(uri);
        if (parsed.getDatabase() != null && !parsed.getDatabase().isBlank()) {
            return parsed;
        }
        int schemeEnd = uri.indexOf("://") + 3;
        int slash = uri.indexOf('/', schemeEnd);
        int query = uri.indexOf('?', schemeEnd);
        String rebuilt;
        if (slash >= 0 && (query < 0 || slash < query)) {
            rebuilt = uri.substring(0, slash + 1) + defaultDatabase + uri.substring(slash + 1);
        } else if (query >= 0) {
            rebuilt = uri.substring(0, query) + "/" + defaultDatabase + uri.substring(query);
        } else {
            rebuilt = uri + "/" + defaultDatabase;
        }
        return new ConnectionString(rebuilt);
    }

    /**
     * Hosts, database and the replica-set options (replicaSet, w, readConcernLevel, retryWrites, the ones
     * docs/operations.md "Replica set" asks for) when given: safe to log, the user and password never appear.
     */
    public static String describe(ConnectionString connectionString) {
        List<String> options = new ArrayList<>();
        if (connectionString.getRequiredReplicaSetName() != null) {
            options.add("replicaSet=" + connectionString.getRequiredReplicaSetName());
        }
        WriteConcern w = connectionString.getWriteConcern();
        if (w != null && w.getWObject() != null) {
            options.add("w=" + w.getWObject());
        }
        ReadConcern readConcern = connectionString.getReadConcern();
        if (readConcern != null && readConcern.getLevel() != null) {
            options.add("readConcernLevel=" + readConcern.getLevel().getValue());
        }
        if (connectionString.getRetryWritesValue() != null) {
            options.add("retryWrites=" + connectionString.getRetryWritesValue());
        }
        String where = String.join(",", connectionString.getHosts()) + "/" + connectionString.getDatabase();
        return options.isEmpty() ? where : where + " (" + String.join(", ", options) + ")";
    }
}
