package io.switchgate.server.host;

import io.switchgate.iso.ActionCodes;
import io.switchgate.policy.Codes;
import io.switchgate.saf.DoneMessagePruner;
import io.switchgate.saf.SafMessage;
import io.switchgate.saf.SafQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * Delivers the store-and-forward queue: every {@code pollMillis} (and at once when a message is stored) it leases
 * due messages for this node, sends each to its host (0420 first, 0421 for repeats) and marks it done when the host
 * answers 0430 (whatever DE 39 says: the host has it). No answer: attempts + 1 and due again after a backoff
 * (base * 2^attempts, capped), for ever. Host unreachable or circuit open: postponed, not counted as an attempt.
 * Messages that were in flight when the host closed the link are sent one at a time afterwards (see
 * {@code linkLosses}). The queue lives in the store, so delivery survives restarts; several nodes may run a sender on one queue (the
 * lease hands each message to one of them at a time).
 */
public final class SafSender implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SafSender.class);

    /**
     * @param pollMillis   how often the queue is polled
     * @param batch        messages leased per poll
     * @param leaseMillis  how long a leased message stays with this node (longer than any host timeout)
     * @param backoffBaseMillis first retry delay
     * @param backoffMaxMillis  longest retry delay
     * @param pruneEveryMillis  how often DONE messages older than the retention are deleted ({@link DoneMessagePruner})
     * @param doneRetention     how long a DONE message is kept (at least a day); null keeps them all
     */
    public record Options(long pollMillis, int batch, long leaseMillis, long backoffBaseMillis, long backoffMaxMillis,
                          long pruneEveryMillis, Duration doneRetention) {
        /** Pruning as shipped: hourly, 30 days. */
        public Options(long pollMillis, int batch, long leaseMillis, long backoffBaseMillis, long backoffMaxMillis) {
            this(pollMillis, batch, leaseMillis, backoffBaseMillis, backoffMaxMillis, 3_600_000, Duration.ofDays(30));
        }

        /** As shipped, the retention as {@code -Dgateway.saf.doneRetentionDays} sets it (read here: a bad value stops the start). */
        public static Options defaults() {
            long days = DoneMessagePruner.retentionDays();
            return new Options(1_000, 50, 60_000, 2_000, 60_000, 3_600_000, days == 0 ? null : Duration.ofDays(Math.max(1, days)));
        }

        /** The same, with the lease at least {@code leaseMillis}. */
        Options withLeaseAtLeast(long leaseMillis) {
            return new Options(pollMillis, batch, Math.max(this.leaseMillis, leaseMillis), backoffBaseMillis, backoffMaxMillis,
                    pruneEveryMillis, doneRetention);
        }
    }

    private final SafQueue queue;
    private final String node;
    private final Map<String, HostAuthorizer> hosts;
    private final Clock clock;
    private final Options options;
    private final ScheduledExecutorService thread;
    private final AtomicBoolean nudged = new AtomicBoolean();
    private final AtomicLong delivered = new AtomicLong();
    /** Stored reversals the host answered with a final refusal (neither 00, 25, nor a "try again"). */
    private final AtomicLong refused = new AtomicLong();
    /**
     * Answers to a stored reversal that mean the host did not take it now: it is sent again, with its backoff. ISO 8583's
     * "try again" codes: 19 re-enter, 68 response received too late, 90 cut-off in progress, 91 issuer or switch
     * inoperative, 92 routing not possible, 96 system malfunction (an audit saw 90 and 68 end a reversal for good).
     */
    static final java.util.Set<String> TRY_AGAIN = java.util.Set.of("19", "68", "90", Codes.HOST_UNAVAILABLE, "92",
            Codes.SYSTEM_MALFUNCTION);
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong pruned = new AtomicLong();
    private final DoneMessagePruner pruner;
    /**
     * Stored messages that were in flight on a link the host closed, by id, with how many times. A host that drops its
     * connection on one message (one it cannot parse, say) takes every message in flight on that link with it: sent
     * together again, the same batch would fail together for ever behind that one. These are sent one at a time, after
     * the others of their lease, those that lost the link the fewest times first, so the one that always loses it
     * delays no other. Kept in memory (a restart finds the culprit again on the first loss); only the sender's thread
     * touches it.
     */
    private final Map<String, Integer> linkLosses = new java.util.HashMap<>();
    private static final int MAX_TRACKED = 10_000;

    public SafSender(SafQueue queue, String node, Map<String, HostAuthorizer> hosts, Clock clock, Options options) {
        this.queue = queue;
        this.node = node;
        this.hosts = Map.copyOf(hosts);
        this.clock = clock;
        this.options = options;
        this.pruner = options.doneRetention() == null ? null : new DoneMessagePruner(queue, options.doneRetention());
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "saf-sender-" + node);
            t.setDaemon(true);
            return t;
        });
    }

    public SafSender start() {
        try {
            int released = queue.releaseLeases(node, clock.instant());
            if (released > 0) log.info("SAF node={} took back {} message(s) it was sending when it stopped", node, released);
        } catch (RuntimeException e) {
            log.warn("SAF node={} cannot release its old leases (they expire on their own): {}", node, e.toString());
        }
        thread.scheduleWithFixedDelay(this::poll, options.pollMillis(), options.pollMillis(), TimeUnit.MILLISECONDS);
        if (pruner != null) {
            thread.scheduleWithFixedDelay(this::prune, options.pruneEveryMillis(), options.pruneEveryMillis(), TimeUnit.MILLISECONDS);
        }
        return this;
    }

    /** Something was stored: look at the queue now rather than at the next poll. */
    public void nudge() {
        if (nudged.compareAndSet(false, true)) {
            try {
                thread.execute(() -> {
                    nudged.set(false);
                    poll();
                });
            } catch (RuntimeException stopped) {
                nudged.set(false);
            }
        }
    }

    public SafQueue queue() {
        return queue;
    }

    /** Messages the hosts acknowledged through this node. */
    /** Stored reversals hosts refused for good and nobody settled yet (logged at WARN each): the queue's, across starts. */
    public long refused() {
        try {
            return queue.refusedCount();
        } catch (RuntimeException e) {
            return refused.get(); // the store unreadable: this run's count
        }
    }

    public long delivered() {
        return delivered.get();
    }

    /** Transmissions (0420 and 0421) this node wrote to a host (not those its link could not write). */
    public long transmissions() {
        return sent.get();
    }

    /** DONE messages this node deleted once their retention ran out. */
    public long pruned() {
        return pruned.get();
    }

    /** On the sender's own thread, between polls: never a delete beside a send of the same node. */
    private void prune() {
        try {
            long n = pruner.pruneOnce(clock.instant());
            if (n > 0) {
                pruned.addAndGet(n);
                log.info("SAF node={} deleted {} DONE message(s) older than {} days", node, n, pruner.retention().toDays());
            }
        } catch (RuntimeException e) {
            log.warn("SAF node={} cannot delete old DONE messages (tried again in {} ms): {}", node, options.pruneEveryMillis(), e.toString());
        }
    }

    private void poll() {
        try {
            for (int round = 0; round < 100; round++) {
                List<SafMessage> due = queue.lease(node, clock.instant(), options.batch(), Duration.ofMillis(options.leaseMillis()));
                if (due.isEmpty()) return;
                long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(options.leaseMillis() / 2);
                List<SafMessage> together = new ArrayList<>(due.size());
                List<SafMessage> alone = new ArrayList<>();
                for (SafMessage m : due) (linkLosses.containsKey(m.id()) ? alone : together).add(m);
                sendAndSettle(together);
                // fewest losses first: a message that lost the link even when sent alone goes after the others
                alone.sort(java.util.Comparator.comparingInt(m -> linkLosses.getOrDefault(m.id(), 0)));
                for (SafMessage m : alone) {
                    if (System.nanoTime() - deadline > 0) {
                        // the lease would run out: due again at once, not counted as an attempt
                        record(() -> queue.postpone(m.id(), node, clock.instant(), clock.instant(), m.lastResult()));
                    } else {
                        sendAndSettle(List.of(m));
                    }
                }
                if (due.size() < options.batch()) return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            log.warn("SAF node={} poll failed: {}", node, e.toString());
        }
    }

    /** Sends {@code batch} at once and records each result here, on this thread (never a database call on an event loop). */
    private void sendAndSettle(List<SafMessage> batch) throws Exception {
        if (batch.isEmpty()) return;
        List<CompletableFuture<HostExchange>> answers = new ArrayList<>(batch.size());
        for (SafMessage m : batch) answers.add(send(m));
        CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).get(options.leaseMillis(), TimeUnit.MILLISECONDS);
        for (int i = 0; i < batch.size(); i++) settle(batch.get(i), answers.get(i).join());
    }

    /** Sends one leased message; null in the future means it was not sent (host unknown or unreachable). */
    private CompletableFuture<HostExchange> send(SafMessage m) {
        HostAuthorizer h = hosts.get(m.host());
        if (h == null || !h.client().available()) return CompletableFuture.completedFuture(null);
        // Counted once written: a link that turns out unable to write (NOT_SENT, e.g. its window full under load) has
        // transmitted nothing, and the message goes again later as if never sent.
        return h.sendStored(m).whenComplete((x, e) -> {
            boolean written = x != null && x.outcome() != HostExchange.Outcome.NOT_SENT
                    && x.outcome() != HostExchange.Outcome.UNPACKABLE;
            if (written) sent.incrementAndGet();
        });
    }

    private void settle(SafMessage m, HostExchange x) {
        Instant now = clock.instant();
        HostAuthorizer h = hosts.get(m.host());
        if (x == null) {
            record(() -> queue.postpone(m.id(), node, later(m.attempts()), now, h == null ? "NO_SUCH_HOST" : "HOST_" + h.state()));
            return;
        }
        switch (x.outcome()) {
            case ANSWERED -> {
                String mti = x.response().getMti();
                if (mti.startsWith("043") && h.answerMacValid(x)) {
                    String result = mti + "/" + x.response().getString(39);
                    String code = ActionCodes.fromWire(h.client().dialect(), mti, x.response().getString(39));
                    if (code == null || TRY_AGAIN.contains(code)) {
                        // "Unavailable" or "malfunction": the host did not take the reversal, and counted delivered it
                        // was never sent again while the sale it undoes stood at the host (a black-box audit: 0430/96)
                        record(() -> queue.reschedule(m.id(), node, later(m.attempts()), now, "TRY_AGAIN " + result));
                        log.info("SAF node={} host={} {} stan {} (original stan {}) not taken: {}, sent again later", node,
                                m.host(), m.mtiToSend(), m.stan(), m.originalStan(), result);
                        return;
                    }
                    boolean taken = Codes.APPROVED.equals(code) || Codes.NO_ORIGINAL.equals(code);
                    // a final refusal is kept as REFUSED (not pruned, shown by /api/saf and gateway_saf_refused) until
                    // settled with the acquirer: counted delivered, it left no trace once its row was pruned
                    record(() -> taken ? queue.markDone(m.id(), node, now, result) : queue.markRefused(m.id(), node, now, result));
                    linkLosses.remove(m.id());
                    delivered.incrementAndGet();
                    if (taken) {
                        log.info("SAF node={} host={} {} stan {} (original stan {}) delivered: {}", node, m.host(),
                                m.mtiToSend(), m.stan(), m.originalStan(), result);
                    } else {
                        // a final refusal: sending it again gets the same answer, so it ends here, loudly
                        refused.incrementAndGet();
                        log.warn("SAF node={} host={} {} stan {} (original stan {}, rrn {}) refused by the host: {}; the "
                                + "original may stand at the host, settle it with the acquirer", node, m.host(),
                                m.mtiToSend(), m.stan(), m.originalStan(), m.rrn(), result);
                    }
                } else {
                    // not the host's answer as far as anyone can tell: sent again, and said (a re-audit found no trace)
                    String why = mti.startsWith("043") ? "BAD_MAC " + mti : "BAD_ANSWER " + mti;
                    record(() -> queue.reschedule(m.id(), node, later(m.attempts()), now, why));
                    log.info("SAF node={} host={} {} stan {} (original stan {}) answered {}: not taken, sent again later",
                            node, m.host(), m.mtiToSend(), m.stan(), m.originalStan(), mti.startsWith("043")
                                    ? mti + " with a MAC that does not verify under the ZAK" : "with a " + mti);
                }
            }
            case NOT_SENT -> record(() -> queue.postpone(m.id(), node, later(m.attempts()), now, "NOT_SENT"));
            case LINK_LOST -> {
                if (linkLosses.size() < MAX_TRACKED || linkLosses.containsKey(m.id())) linkLosses.merge(m.id(), 1, Integer::sum);
                record(() -> queue.reschedule(m.id(), node, later(m.attempts()), now, x.outcome().name()));
            }
            default -> record(() -> queue.reschedule(m.id(), node, later(m.attempts()), now, x.outcome().name()));
        }
    }

    private Instant later(int attempts) {
        return clock.instant().plus(SafQueue.backoff(attempts, Duration.ofMillis(options.backoffBaseMillis()),
                Duration.ofMillis(options.backoffMaxMillis())));
    }

    private void record(BooleanSupplier update) {
        try {
            if (!update.getAsBoolean()) log.warn("SAF node={} lost its lease on a message before settling it", node);
        } catch (RuntimeException e) {
            log.warn("SAF node={} cannot record a delivery result: {}", node, e.toString());
        }
    }

    @Override
    public void close() {
        thread.shutdown();
        try {
            if (!thread.awaitTermination(10, TimeUnit.SECONDS)) thread.shutdownNow();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            thread.shutdownNow();
        }
    }
}
