package io.crm.mail;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;


/**
 * Sends due outbox messages, one at a time, on every replica (each message is claimed in the database, so replicas
 * share the work and never send a message twice at once). Looks every {@code crm.mail.poll-every}, and at once when
 * this replica queued a message.
 */
public class MailDispatcher extends PollingLoop {

    private static final Logger log = LoggerFactory.getLogger(MailDispatcher.class);
    /** A claim outlives the longest attempt (connect, then the SMTP dialogue's timeouts) with room to spare. */
    static final Duration CLAIM_FOR = Duration.ofMinutes(5);

    private final MailOutbox outbox;
    private final MailDelivery delivery;
    private final Clock clock;
    private final Duration pollEvery;

    MailDispatcher(MailOutbox outbox, MailDelivery delivery, Clock clock, Duration pollEvery) {
        super("mail-dispatcher", outbox);
        this.outbox = outbox;
        this.delivery = delivery;
        this.clock = clock;
        this.pollEvery = pollEvery;
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

    @Override
    void round() {
        sendDue();
    }

    @Override
    Duration interval() {
        return pollEvery;
    }
}
