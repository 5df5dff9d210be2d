package io.crm.events;

import java.time.Clock;
import java.util.List;

import com.mongodb.client.model.IndexModel;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import io.crm.store.CollectionIndexes;
import net.javacrumbs.shedlock.core.ClockProvider;
import net.javacrumbs.shedlock.core.DefaultLockingTaskExecutor;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.LockProvider;
import net.javacrumbs.shedlock.core.LockingTaskExecutor;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.mongodb.core.MongoTemplate;

/** The outbox every write puts its events in, and the relay that hands them to the consumers. */
@Configuration(proxyBeanMethods = false)
public class EventsConfiguration {

    /** The name of the relay's lease in ShedLock's collection. */
    static final String RELAY_LEASE = "crm-event-relay";

    @Bean
    EventSignal eventSignal() {
        return new EventSignal();
    }

    @Bean
    Outbox outbox(Actors actors, Clock clock, EventSignal signal) {
        return new Outbox(actors, clock, signal);
    }

    @Bean
    HardDeletes hardDeletes(MongoTemplate mongo, Clock clock) {
        return new HardDeletes(mongo.getCollection(HardDeletes.COLLECTION), clock);
    }

    /** Lets a replica keep what it computed from a whole collection until that collection changes. */
    @Bean
    ChangeTokens changeTokens(MongoTemplate mongo) {
        return new ChangeTokens(mongo.getDb());
    }

    @Bean
    EventRelay eventRelay(MongoTemplate mongo, List<EventSource> sources, ObjectProvider<EventConsumer> consumers,
                          HardDeletes deletes, LockProvider locks, Clock clock, EventsProperties properties,
                          EventSignal signal, io.micrometer.core.instrument.MeterRegistry meters) {
        EventRelay.Lease lease = lease(locks, properties.lease());
        return new EventRelay(mongo.getDb(), sources, consumers.orderedStream().toList(), deletes, lease, clock,
                properties, signal, meters);
    }

    /**
     * The relay's lease over ShedLock: a run happens only while this replica holds {@value #RELAY_LEASE}, for at most
     * {@code atMostFor}; a holder that dies without releasing it is replaced once that time has passed. ShedLock's own
     * (wall) clock, not the service's: a test clock moved days ahead must not stretch the lease.
     */
    static EventRelay.Lease lease(LockProvider locks, java.time.Duration atMostFor) {
        LockingTaskExecutor executor = new DefaultLockingTaskExecutor(locks);
        return pass -> {
            try {
                return executor.executeWithLock(() -> {
                    pass.run();
                    return Boolean.TRUE;
                }, new LockConfiguration(ClockProvider.now(), RELAY_LEASE, atMostFor, java.time.Duration.ZERO))
                        .wasExecuted();
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable e) {
                throw new IllegalStateException(e);
            }
        };
    }

    @Bean
    RelayLoop relayLoop(EventRelay relay, EventSignal signal, EventsProperties properties) {
        return new RelayLoop(relay, signal, properties.pollEvery());
    }

    /** What the relay queries: pending events in every source collection, and delete intents by object. */
    @Bean
    CollectionIndexes deleteIntentIndexes() {
        return new CollectionIndexes(HardDeletes.COLLECTION, List.of(new IndexModel(
                Indexes.ascending("collection", "objectId", "version"), new IndexOptions().name("event_deletes_object"))));
    }

    /** The outbox index of one source collection: only documents with pending events have entries. */
    public static IndexModel outboxIndex(String collection) {
        return new IndexModel(Indexes.ascending(Outbox.AT_PATH), new IndexOptions().name(collection + "_outbox")
                .sparse(true));
    }
}
