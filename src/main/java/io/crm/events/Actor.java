package io.crm.events;

/** Who makes a change: a user's id and display name, or the service itself. */
public record Actor(String id, String name) {

    /** Changes the service makes on its own (start-up bootstrap, legacy adoption). */
    public static final Actor SYSTEM = new Actor("system", "system");
}
