package io.crm.events;

/** The actor of the current request; the security layer supplies it, plain tests pass a fixed one. */
@FunctionalInterface
public interface Actors {

    Actor current();

    static Actors fixed(Actor actor) {
        return () -> actor;
    }
}
