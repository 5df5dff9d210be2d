package io.crm.platform.health;

import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.stereotype.Component;

/** Answers whether the database responds to a ping within the driver's (short) server-selection timeout. */
@Component
public class DatabasePing {

    private static final Logger log = LoggerFactory.getLogger(DatabasePing.class);

    private final MongoTemplate mongo;

    public DatabasePing(MongoTemplate mongo) {
        this.mongo = mongo;
    }

    public boolean ok() {
        try {
            mongo.executeCommand(new Document("ping", 1));
            return true;
        } catch (RuntimeException e) {
            log.warn("database ping failed: {}", e.getClass().getSimpleName());
            return false;
        }
    }
}
