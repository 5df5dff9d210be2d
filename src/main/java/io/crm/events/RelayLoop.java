package io.crm.events;

import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;

/**
 * Runs the relay on its own thread: right after a write of this process raised the {@link EventSignal}, otherwise
 * every poll interval. Stops with the application (after the web server, so events of the last requests still go
 * out if this replica holds the lease).
 */
class RelayLoop implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(RelayLoop.class);

    private final EventRelay relay;
    private final EventSignal signal;
    private final Duration pollEvery;
    private volatile Thread thread;
    private volatile boolean running;

    RelayLoop(EventRelay relay, EventSignal signal, Duration pollEvery) {
        this.relay = relay;
        this.signal = signal;
        this.pollEvery = pollEvery;
    }

    @Override
    public void start() {
        running = true;
        Thread t = new Thread(this::loop, "event-relay");
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    private void loop() {
        long failures = 0;
        while (running) {
            try {
                signal.await(failures == 0 ? pollEvery.toMillis() : Math.min(5_000, pollEvery.toMillis() << failures));
                if (!running) {
                    return;
                }
                relay.runOnce();
                failures = 0;
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // the store may be unreachable or a consumer failing: nothing is lost, the events stay pending
                failures = Math.min(failures + 1, 6);
                log.warn("event relay failed, retrying: {}", String.valueOf(e));
            }
        }
    }

    @Override
    public void stop() {
        running = false;
        signal.raise();
        Thread t = thread;
        if (t != null) {
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Stops after the web server (whose lifecycles have phases DEFAULT_PHASE - 1024 and - 2048). */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 4096;
    }
}
