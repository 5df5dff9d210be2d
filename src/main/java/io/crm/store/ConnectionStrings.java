package io.crm.store;

import com.mongodb.ConnectionString;

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

    /** Hosts and database only: safe to log, the password never appears. */
    public static String describe(ConnectionString connectionString) {
        return String.join(",", connectionString.getHosts()) + "/" + connectionString.getDatabase();
    }
}
