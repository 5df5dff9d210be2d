package io.crm.mail;

import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;

/**
 * A background thread that does one round of work every interval, or at once when woken, on every replica (the work
 * itself claims what it touches in the database). Only with mail on: with mail off nothing is ever queued or due.
 */
abstract class PollingLoop implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(PollingLoop.class);

    private final String name;
    private final MailOutbox outbox;
    private final Object signal = new Object();
    private boolean woken;
    private volatile boolean running;
    private Thread loop;

    PollingLoop(String name, MailOutbox outbox) {
        this.name = name;
        this.outbox = outbox;
    }

    /** One round; a failure is logged and the next round tries again (the database may be away). */
    abstract void round();

    /** The wait between rounds. */
    abstract Duration interval();

    /** Do a round now rather than at the next interval. */
    void wake() {
        synchronized (signal) {
            woken = true;
            signal.notifyAll();
        }
    }

    private void run() {
        while (running) {
            try {
                round();
            } catch (RuntimeException e) {
                log.warn("{} failed, trying again: {}", name, e.toString());
            }
            synchronized (signal) {
                if (!woken && running) {
                    try {
                        signal.wait(Math.max(1, interval().toMillis()));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
                woken = false;
            }
        }
    }

    @Override
    public boolean isAutoStartup() {
        return outbox.enabled();
    }

    @Override
    public void start() {
        running = true;
        loop = new Thread(this::run, name);
        loop.setDaemon(true);
        loop.start();
    }

    @Override
    public void stop() {
        running = false;
        wake();
        if (loop != null) {
            try {
                loop.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
