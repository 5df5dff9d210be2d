package io.crm.support;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

import com.mongodb.client.MongoDatabase;
import io.crm.events.Actors;
import io.crm.events.EventConsumer;
import io.crm.events.EventRelay;
import io.crm.events.EventSignal;
import io.crm.events.EventSource;
import io.crm.events.EventsProperties;
import io.crm.events.HardDeletes;
import io.crm.events.Outbox;

/**
 * The events machinery without Spring, for tests of plain services: an outbox, the permanent-delete protocol and a
 * relay over {@code database} whose lease is always free (one relay in the test).
 */
public final class PlainEvents {

    public static final EventsProperties PROPERTIES = new EventsProperties(Duration.ofMillis(250),
            Duration.ofSeconds(1), 500, Duration.ofSeconds(10), Duration.ofMinutes(2));

    public final Outbox outbox;
    public final HardDeletes deletes;
    public final EventRelay relay;

    public PlainEvents(MongoDatabase database, Actors actors, Clock clock, List<EventSource> sources,
                       List<EventConsumer> consumers) {
        EventSignal signal = new EventSignal();
        this.outbox = new Outbox(actors, clock, signal);
        this.deletes = new HardDeletes(database.getCollection(HardDeletes.COLLECTION), clock);
        this.relay = new EventRelay(database, sources, consumers, deletes, pass -> {
            pass.run();
            return true;
        }, clock, PROPERTIES, signal, new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
    }

    /** Relays everything pending. */
    public void drain() {
        relay.drain(Duration.ofSeconds(10));
    }
}
