package io.crm.imports;

import java.util.List;

import com.mongodb.client.model.IndexModel;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import io.crm.store.CollectionIndexes;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Every query of imports is served by one of these (see docs/indexes.md). An import's status is read by {@code _id};
 * its errors are read in row order for errors.csv. Duplicate matching uses the resources' unique key indexes. The
 * stale-imports job looks for running imports by their last heartbeat.
 */
@Configuration(proxyBeanMethods = false)
public class ImportIndexes {

    @Bean
    CollectionIndexes importErrorIndexes() {
        return new CollectionIndexes(ImportService.ERRORS, List.of(
                new IndexModel(Indexes.ascending("importId", "row", "_id"),
                        new IndexOptions().name("import_errors_row"))));
    }

    @Bean
    CollectionIndexes importStatusIndexes() {
        return new CollectionIndexes(ImportService.COLLECTION, List.of(
                new IndexModel(Indexes.ascending("status", "heartbeatAt"),
                        new IndexOptions().name("imports_status_heartbeat"))));
    }

    /** Marks imports whose replica went away as failed, once for the fleet (a leased job). */
    @Bean
    io.crm.jobs.LeasedJob staleImports(ImportService imports, io.crm.jobs.JobsProperties jobs) {
        return new io.crm.jobs.LeasedJob() {
            @Override
            public String name() {
                return "stale-imports";
            }

            @Override
            public java.time.Duration every() {
                return jobs.importsEvery();
            }

            /**
             * A run is one indexed update, done in well under a second: a replica that dies during one need not keep
             * the others from the sweep for the default lease (2 min). 30 s is the shortest the lease renewal allows.
             */
            @Override
            public java.time.Duration lease() {
                return java.time.Duration.ofSeconds(30);
            }

            @Override
            public String run() {
                return "marked " + imports.failStale() + " stale imports failed";
            }
        };
    }
}
