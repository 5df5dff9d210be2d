package io.crm.store;

import com.mongodb.ConnectionString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.mongodb.autoconfigure.MongoClientSettingsBuilderCustomizer;
import org.springframework.boot.mongodb.autoconfigure.MongoConnectionDetails;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Chooses the store: the MongoDB named by MONGODB_URI / MONGO_URI, or the embedded store. Either way the rest of the
 * application sees one {@link MongoConnectionDetails}, so the driver, Spring Data and the health check are the same.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(StoreProperties.class)
public class StoreConfiguration {

    private static final Logger log = LoggerFactory.getLogger(StoreConfiguration.class);

    @Bean
    MongoConnectionDetails mongoConnectionDetails(StoreProperties properties) {
        StoreProperties.Mongodb mongo = properties.mongodb();
        if (mongo.external()) {
            ConnectionString cs = ConnectionStrings.withDefaultDatabase(mongo.uri(), mongo.defaultDatabase());
            log.info("Store: MongoDB at {}", ConnectionStrings.describe(cs));
            return () -> cs;
        }
        // No TCP port: the store has no authentication, so it is reachable only through a socket of this user.
        EmbeddedStore store = EmbeddedStore.startPrivate(properties.dataDir(), properties.embeddedIndexes());
        ConnectionString cs = new ConnectionString(store.connectionString(mongo.defaultDatabase()));
        log.warn("Store: embedded MongoDB-wire store in {}, on socket {} (for evaluation and small data only; "
                + "set MONGODB_URI to use a real MongoDB)", store.file(), store.socket());
        return new EmbeddedConnectionDetails(store, cs);
    }

    @Bean
    MongoClientSettingsBuilderCustomizer storeTimeouts(StoreProperties properties) {
        StoreProperties.Mongodb mongo = properties.mongodb();
        // Fail fast while the database is away: requests get a 503 instead of hanging (driver default is 30 s).
        return settings -> settings
                .applyToClusterSettings(c -> c.serverSelectionTimeout(
                        mongo.serverSelectionTimeout().toMillis(), TimeUnit.MILLISECONDS))
                .applyToSocketSettings(s -> s
                        .connectTimeout((int) mongo.connectTimeout().toMillis(), TimeUnit.MILLISECONDS)
                        .readTimeout((int) mongo.socketTimeout().toMillis(), TimeUnit.MILLISECONDS));
    }

    /** The embedded store the service runs on, if it does (empty with a MongoDB). */
    public static Optional<EmbeddedStore> embeddedStore(MongoConnectionDetails details) {
        return details instanceof EmbeddedConnectionDetails embedded ? Optional.of(embedded.store())
                : Optional.empty();
    }

    /** Connection details that own the embedded store, so it stops after the MongoClient that uses it. */
    record EmbeddedConnectionDetails(EmbeddedStore store, ConnectionString connectionString)
            implements MongoConnectionDetails, AutoCloseable {

        @Override
        public ConnectionString getConnectionString() {
            return connectionString;
        }

        @Override
        public void close() {
            store.close();
        }
    }
}
