package io.crm.events;

import java.util.List;

/**
 * Something the relay hands every event to: the audit log, the event feed, webhook deliveries. The relay calls
 * {@link #accept} with a batch in order (events of one object keep their order; across objects, any order) and
 * clears the events from their records only after every consumer accepted them. A crash or an error in between means
 * the same events come again, so {@code accept} must be idempotent by {@link Event#id()}.
 * <p>
 * An event of action {@code erased} ({@code contact.erased}) is the right-to-erasure request for its object: it
 * comes after every earlier event of that object, and a consumer that keeps personal data of the object (old and
 * new values, payloads) removes it when it accepts the erased event.
 */
public interface EventConsumer {

    /** A short name for logs and metrics ({@code audit}, {@code feed}, {@code webhooks}). */
    String name();

    /** Stores what this consumer keeps of the events; throws to have the whole batch retried later. */
    void accept(List<Event> events);
}
