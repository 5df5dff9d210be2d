package io.crm.events;

/**
 * A collection whose documents carry pending events in their outbox ({@link Outbox#PATH}). Declared as a bean by
 * each feature whose changes make events; the relay looks in every one.
 */
public record EventSource(String objectType, String collection) {
}
