package io.crm.webhook;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.bson.Document;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;

/**
 * Sends due deliveries; runs on every replica. Each replica claims work from the database one delivery at a time
 * ({@link WebhookDeliveries#claim}) and only while it has room: at most {@code crm.webhooks.concurrency} attempts in
 * flight, and at most {@code crm.webhooks.per-subscription} of any one subscription. So a receiver that takes 10 s
 * per call, or one that is down, occupies a few slots and never the whole pool, and nothing is queued in memory:
 * what is not claimed stays in the database for whichever replica has room. Claims are looked for every
 * {@code crm.webhooks.poll-every}, at once when new deliveries are queued on this replica, and whenever an attempt
 * ends.
 */
public class WebhookDispatcher implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(WebhookDispatcher.class);

    private final WebhookSubscriptions subscriptions;
    private final WebhookDeliveries deliveries;
    private final WebhookSender sender;
    private final Clock clock;
    private final WebhookProperties properties;
    private final MeterRegistry meters;
    /** A claim outlives the longest attempt (connect plus response timeout) with room to write the result. */
    private final Duration claimFor;
    private final Semaphore slots;
    private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    /** As many threads as slots: the slots bound what is submitted, so its queue stays empty. */
    private final ExecutorService workers;
    private final Object signal = new Object();
    private boolean woken;
    private volatile boolean running;
    private Thread loop;

    public WebhookDispatcher(WebhookSubscriptions subscriptions, WebhookDeliveries deliveries, WebhookSender sender,
                             Clock clock, WebhookProperties properties, MeterRegistry meters) {
        this.meters = meters;
        this.subscriptions = subscriptions;
        this.deliveries = deliveries;
        this.sender = sender;
        this.clock = clock;
        this.properties = properties;
        this.claimFor = properties.timeout().multipliedBy(2).plusMinutes(1);
        this.slots = new Semaphore(properties.concurrency());
        AtomicInteger threads = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(properties.concurrency(), task -> {
            Thread thread = new Thread(task, "webhook-delivery-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Look for due deliveries now rather than at the next poll. */
    public void wake() {
        synchronized (signal) {
            woken = true;
            signal.notifyAll();
        }
    }

    /**
     * The least time between two searches for due deliveries when the last one found them all: wakes come with every
     * finished attempt and every relayed batch, and on a store without secondary indexes (the embedded one) each
     * search reads the whole queue, so back-to-back searches would take the store from everything else.
     */
    private static final long MIN_SEARCH_GAP_NANOS = java.time.Duration.ofMillis(20).toNanos();

    private void run() {
        while (running) {
            long searched = System.nanoTime();
            boolean more = false;
            try {
                more = dispatchDue() >= CANDIDATES;
            } catch (RuntimeException e) {
                // the database may be away; the next round tries again
                log.warn("webhook dispatch failed: {}", e.toString());
            }
            long gap = MIN_SEARCH_GAP_NANOS - (System.nanoTime() - searched);
            if (!more && gap > 0) {
                java.util.concurrent.locks.LockSupport.parkNanos(gap);
            }
            synchronized (signal) {
                if (!woken && running) {
                    try {
                        signal.wait(Math.max(1, properties.pollEvery().toMillis()));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
                woken = false;
            }
        }
    }

    /** Due deliveries looked up per search: one search serves that many claims (each a lookup by id). */
    private static final int CANDIDATES = 64;

    /** Claims due deliveries and starts their attempts while there is room; returns how many it started. */
    int dispatchDue() {
        Map<String, Document> active = new LinkedHashMap<>();
        for (Document s : subscriptions.list()) {
            if (WebhookSubscriptions.active(s)) {
                active.put(s.getObjectId("_id").toHexString(), s);
            }
        }
        int started = 0;
        while (running && !active.isEmpty()) {
            List<String> open = new ArrayList<>();
            active.keySet().forEach(id -> {
                if (hasRoom(id)) {
                    open.add(id);
                }
            });
            if (open.isEmpty() || slots.availablePermits() == 0) {
                break;
            }
            List<Document> candidates = deliveries.due(open, clock.instant(), CANDIDATES);
            // as many as there is room for, per subscription and in all; one slot each, held from now on
            Map<String, Integer> planned = new java.util.HashMap<>();
            List<Object> ids = new ArrayList<>();
            for (Document candidate : candidates) {
                String subscriptionId = candidate.getString("subscriptionId");
                AtomicInteger n = inFlight.get(subscriptionId);
                int busy = (n == null ? 0 : n.get()) + planned.getOrDefault(subscriptionId, 0);
                if (!running || busy >= properties.perSubscription()) {
                    continue;
                }
                if (!slots.tryAcquire()) {
                    break;
                }
                planned.merge(subscriptionId, 1, Integer::sum);
                ids.add(candidate.get("_id"));
            }
            int claimed = 0;
            if (!ids.isEmpty()) {
                Instant now = clock.instant();
                String token = UUID.randomUUID().toString();
                List<Document> got;
                try {
                    got = deliveries.claim(ids, now, now.plus(claimFor), token);
                } catch (RuntimeException e) {
                    slots.release(ids.size());
                    throw e;
                }
                // what another replica claimed meanwhile, or is no longer due, gives its slot back
                slots.release(ids.size() - got.size());
                for (Document delivery : got) {
                    start(active.get(delivery.getString("subscriptionId")), delivery, token);
                    claimed++;
                }
            }
            started += claimed;
            if (claimed == 0 || candidates.size() < CANDIDATES) {
                break;
            }
        }
        return started;
    }

    private boolean hasRoom(String subscriptionId) {
        AtomicInteger n = inFlight.get(subscriptionId);
        return n == null || n.get() < properties.perSubscription();
    }

    private void start(Document subscription, Document delivery, String token) {
        String subscriptionId = delivery.getString("subscriptionId");
        inFlight.computeIfAbsent(subscriptionId, k -> new AtomicInteger()).incrementAndGet();
        workers.execute(() -> {
            try {
                attempt(subscription, delivery, token);
            } catch (RuntimeException e) {
                // the claim runs out and the delivery is tried again
                log.warn("webhook delivery {} not recorded: {}", delivery.get("_id"), e.toString());
            } finally {
                inFlight.computeIfPresent(subscriptionId, (k, n) -> n.decrementAndGet() <= 0 ? null : n);
                slots.release();
                wake();
            }
        });
    }

    private void attempt(Document subscription, Document delivery, String token) {
        Instant at = clock.instant();
        WebhookSender.Outcome outcome = sender.send(subscription.getString("url"),
                WebhookSubscriptions.signingSecrets(subscription, at), delivery.getString("eventId"), at,
                delivery.getString("payload"));
        // attempts by outcome (success, retry: will be tried again, failed: given up), with the receiver's latency
        Timer.builder("crm.webhooks.attempts").description("Webhook delivery attempts and their latency")
                .tag("outcome", outcome.success() ? "success" : outcome.retryable() ? "retry" : "failed")
                .register(meters).record(Duration.ofMillis(outcome.latencyMs()));
        Boolean promoteNext = deliveries.finish(delivery, token, outcome, at);
        if (promoteNext == null) {
            return; // another replica took the delivery over; its result counts
        }
        if (promoteNext) {
            // first: until the next delivery of the object is its chain's head, nothing claims it (a crash right
            // here is mended by the webhook-heads job, WebhookDeliveries.repairHeads)
            deliveries.promote(delivery.getString("chain"));
        }
        if (outcome.success()) {
            subscriptions.recordSuccess(subscription, at);
        } else {
            subscriptions.recordFailure(subscription.getObjectId("_id"), at, new Document("at", Date.from(at))
                    .append("deliveryId", delivery.getObjectId("_id").toHexString())
                    .append("eventType", delivery.getString("eventType"))
                    .append("responseCode", outcome.code()).append("error", outcome.error()));
        }
    }

    @Override
    public void start() {
        running = true;
        loop = new Thread(this::run, "webhook-dispatcher");
        loop.setDaemon(true);
        loop.start();
    }

    @Override
    public void stop() {
        running = false;
        wake();
        workers.shutdown();
        try {
            // attempts end within their timeout; an unfinished one is claimed again after its claim runs out
            if (!workers.awaitTermination(properties.timeout().toMillis() + 1000, TimeUnit.MILLISECONDS)) {
                workers.shutdownNow();
            }
            if (loop != null) {
                loop.join(1000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
