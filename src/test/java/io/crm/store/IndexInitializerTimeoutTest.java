package io.crm.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.net.SocketTimeoutException;
import java.util.List;

import com.mongodb.MongoCommandException;
import com.mongodb.MongoSocketReadTimeoutException;
import org.bson.BsonDocument;
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

    @Test
    @SuppressWarnings("unchecked")
    void overDuplicateDataTheIndexBuiltOneAtATimeMayStillOutlastTheTimeout(CapturedOutput output) {
        MongoTemplate mongo = mock(MongoTemplate.class);
        MongoCollection<Document> persons = mock(MongoCollection.class);
        when(mongo.getCollection("persons")).thenReturn(persons);
        IndexModel external = new IndexModel(Indexes.ascending("person_id"),
                new IndexOptions().name("persons_external").unique(true));
        IndexModel email = new IndexModel(Indexes.ascending("email"),
                new IndexOptions().name("persons_email").unique(true));
        IndexModel name = new IndexModel(Indexes.ascending("name"), new IndexOptions().name("persons_name"));
        when(persons.createIndexes(List.of(external, email, name))).thenThrow(duplicateKey());
        when(persons.createIndexes(List.of(external))).thenThrow(duplicateKey());
        when(persons.createIndexes(List.of(email))).thenThrow(new MongoSocketReadTimeoutException(
                "Timeout while receiving message", new ServerAddress(), new SocketTimeoutException("Read timed out")));
        UniqueIndexes unique = new UniqueIndexes();

        new IndexInitializer(mongo, List.of(new CollectionIndexes("persons", List.of(external, email, name))), unique)
                .afterSingletonsInstantiated();

        verify(persons).createIndexes(List.of(name));
        assertThat(unique.enforced("persons", "persons_external")).isFalse();
        assertThat(unique.enforced("persons", "persons_email")).as("looked up until a start finds it built").isFalse();
        assertThat(output.getAll()).contains("Unique index persons_external on persons")
                .contains("Index persons_email on persons was still being built")
                .contains("Ensured 1 indexes on 1 collections (1 unique indexes skipped because of duplicate data)"
                        + " (1 still being built by the store)");
    }

    @Test
    @SuppressWarnings("unchecked")
    void anyOtherFailureStopsStartup() {
        MongoTemplate mongo = mock(MongoTemplate.class);
        MongoCollection<Document> persons = mock(MongoCollection.class);
        when(mongo.getCollection("persons")).thenReturn(persons);
        IndexModel external = new IndexModel(Indexes.ascending("person_id"),
                new IndexOptions().name("persons_external").unique(true));
        MongoCommandException unauthorized = new MongoCommandException(
                BsonDocument.parse("{ok: 0, code: 13, errmsg: 'not authorized'}"), new ServerAddress());
        when(persons.createIndexes(anyList())).thenThrow(unauthorized);

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new IndexInitializer(mongo,
                List.of(new CollectionIndexes("persons", List.of(external))), new UniqueIndexes())
                .afterSingletonsInstantiated()).isSameAs(unauthorized);
        verify(persons, never()).listIndexes();
    }

    private static MongoCommandException duplicateKey() {
        return new MongoCommandException(BsonDocument.parse("{ok: 0, code: 11000, errmsg: 'E11000 duplicate key'}"),
                new ServerAddress());
    }
}
