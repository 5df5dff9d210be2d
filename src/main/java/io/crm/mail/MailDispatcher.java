package io.crm.mail;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;

/**
 * Sends due outbox messages, one at a time, on every replica (each message is claimed in the database, so replicas
 * share the work and never send a message twice at once). Looks every {@code crm.mail.poll-every}, and at once when
 * this replica queued a message.
 */
public class MailDispatcher implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(MailDispatcher.class);
    /** A claim outlives the longest attempt (connect, then the SMTP dialogue's timeouts) with room to spare. */
    static final Duration CLAIM_FOR = Duration.ofMinutes(5);

    private final MailOutbox outbox;
    private final MailDelivery delivery;
    private final Clock clock;
    private final Duration pollEvery;
    private final Object signal = new Object();
    private boolean woken;
    private volatile boolean running;
    private Thread loop;

    MailDispatcher(MailOutbox outbox, MailDelivery delivery, Clock clock, Duration pollEvery) {
        this.outbox = outbox;
        this.delivery = delivery;
        this.clock = clock;
        this.pollEvery = pollEvery;
    }

    /** Look for due messages now rather than at the next poll. */
    void wake() {
        synchronized (signal) {
            woken = true;
            signal.notifyAll();
        }
    }

    /** Sends every message due now; returns how many attempts were made. */
    int sendDue() {
        int attempts = 0;
        String token = MailOutbox.token();
        Document message;
        while ((message = outbox.claim(clock.instant(), clock.instant().plus(CLAIM_FOR), token)) != null) {
            Instant at = clock.instant();
            MailOutbox.Outcome outcome = delivery.send(message);
            if (!outbox.finish(message, token, outcome, at)) {
                log.warn("mail {} was taken over by another replica before its outcome was written",
                        message.get("_id"));
            } else if (!outcome.sent()) {
                log.warn("mail {} not sent ({}): {}", message.get("_id"), outcome.retryable() ? "will retry"
                        : "failed", outcome.error());
            }
            attempts++;
        }
        return attempts;
    }

    private void run() {
        while (running) {
            try {
                sendDue();
            } catch (RuntimeException e) {
                // the database may be away; the next round tries again, nothing is lost
                log.warn("mail dispatch failed: {}", e.toString());
            }
            synchronized (signal) {
                if (!woken && running) {
                    try {
                        signal.wait(Math.max(1, pollEvery.toMillis()));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
                woken = false;
            }
        }
    }

    /** Only with mail on: otherwise nothing is ever queued. */
    @Override
    public boolean isAutoStartup() {
        return outbox.enabled();
    }

    @Override
    public void start() {
        running = true;
        loop = new Thread(this::run, "mail-dispatcher");
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
