package io.crm.platform.store;

import java.nio.file.Path;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where the data lives: a real MongoDB when {@code uri} is set, otherwise the embedded store under {@code dataDir}.
 */
@ConfigurationProperties("crm")
public record StoreProperties(Mongodb mongodb, @DefaultValue("./data") Path dataDir) {

    public record Mongodb(String uri,
                          @DefaultValue("crm_db") String defaultDatabase,
                          @DefaultValue("3s") Duration serverSelectionTimeout,
                          @DefaultValue("2s") Duration connectTimeout,
                          @DefaultValue("10s") Duration socketTimeout) {

        public boolean external() {
            return uri != null && !uri.isBlank();
        }
    }
}
