package io.crm.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.net.SocketTimeoutException;
import java.util.List;

import com.mongodb.MongoSocketReadTimeoutException;
import com.mongodb.ServerAddress;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.IndexModel;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.data.mongodb.core.MongoTemplate;

/**
 * A new index on a large collection can take longer to build than the driver's socket timeout, and the store goes on
 * building it after the client gave up. Startup must go on too (a restart would only wait again), and a unique index
 * not yet built must not be trusted to refuse duplicates.
 */
@ExtendWith(OutputCaptureExtension.class)
class IndexInitializerTimeoutTest {

    @Test
    @SuppressWarnings("unchecked")
    void aBuildThatOutlastsTheSocketTimeoutLetsStartupGoOnWithoutTrustingTheIndex(CapturedOutput output) {
        MongoTemplate mongo = mock(MongoTemplate.class);
        MongoCollection<Document> large = mock(MongoCollection.class);
        MongoCollection<Document> small = mock(MongoCollection.class);
        when(mongo.getCollection("large")).thenReturn(large);
        when(mongo.getCollection("small")).thenReturn(small);
        when(large.createIndexes(anyList())).thenThrow(new MongoSocketReadTimeoutException(
                "Timeout while receiving message", new ServerAddress(), new SocketTimeoutException("Read timed out")));
        IndexModel largeKey = new IndexModel(Indexes.ascending("key"),
                new IndexOptions().name("large_key").unique(true));
        IndexModel smallKey = new IndexModel(Indexes.ascending("key"),
                new IndexOptions().name("small_key").unique(true));
        UniqueIndexes unique = new UniqueIndexes();

        new IndexInitializer(mongo, List.of(new CollectionIndexes("large", List.of(largeKey)),
                new CollectionIndexes("small", List.of(smallKey))), unique).afterSingletonsInstantiated();

        verify(small).createIndexes(List.of(smallKey));
        assertThat(unique.enforced("small", "small_key")).isTrue();
        assertThat(unique.enforced("large", "large_key")).as("looked up until a start finds it built").isFalse();
        assertThat(output.getAll()).contains("Indexes on large were still being built")
                .contains("(1 still being built by the store)");
    }
}
