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
 * its errors are read in row order for errors.csv. Duplicate matching uses the resources' unique key indexes.
 */
@Configuration(proxyBeanMethods = false)
public class ImportIndexes {

    @Bean
    CollectionIndexes importErrorIndexes() {
        return new CollectionIndexes(ImportService.ERRORS, List.of(
                new IndexModel(Indexes.ascending("importId", "row", "_id"),
                        new IndexOptions().name("import_errors_row"))));
    }
}
