package io.switchgate.saf;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The store-and-forward queue: messages a host must receive even though it did not answer when they were
 * first due (reversal advices of timed-out requests, undo of host-approved transactions).
 *
 * <p>Durable: {@link #enqueue} returns only when the message is committed. Several gateway nodes may drain one
 * queue: {@link #lease} hands a message to one node at a time for the lease duration; a node that dies while
 * sending leaves it to another once its lease runs out. {@link #markDone} and {@link #reschedule} only act for
 * the node holding the lease (a node whose lease ran out and was taken over changes nothing).
 */
public interface SafQueue extends AutoCloseable {

    /** Stores a new message; committed before it returns. */
    void enqueue(SafMessage message);

    /**
     * Stores new messages, all or none, committed (durable) before it returns: one commit for many (the reversals
     * held for requests about to go to a host, gathered while the previous commit ran). The default stores them one
     * by one.
     */
    default void enqueueAll(List<SafMessage> messages) {
        for (SafMessage m : messages) enqueue(m);
    }

    /**
     * As {@link #enqueueAll(List)}, keeping beside some of them (held reversals, by id) a line of text the queue does
     * not read: the terminal's request each reverses ({@link io.switchgate.route.LostHostAnswer#toText}), for a start
     * after a crash to journal. A queue that cannot keep it stores the messages alone.
     */
    default void enqueueAll(List<SafMessage> messages, java.util.Map<String, String> keptBeside) {
        enqueueAll(messages);
    }

    /** What {@link #enqueueAll(List, java.util.Map)} kept beside message {@code id}, or null. */
    default String keptBeside(String id) {
        return null;
    }

    /**
     * Leases up to {@code max} due messages ({@code nextAttemptAt <= now}, pending, not leased by anyone or with an
     * expired lease) to {@code node} until {@code now + lease}, oldest due first.
     */
    List<SafMessage> lease(String node, Instant now, int max, Duration lease);

    /** The host answered: the message is delivered. False if {@code node} no longer holds the lease. */
    boolean markDone(String id, String node, Instant now, String result);

    /**
     * As {@link #markDone}, for a message the host refused for good (a final code, not "try again"): it is kept as
     * {@link SafMessage.Status#REFUSED} (never pruned, never sent again) so that {@code /api/saf} and the metrics show
     * it until an operator has settled it with the acquirer. Counted delivered, it vanished from every view once its
     * row was pruned, the sale it should have undone standing at the host (a black-box audit).
     */
    boolean markRefused(String id, String node, Instant now, String result);

    /** The messages hosts refused for good, oldest first. */
    List<SafMessage> listRefused(int limit);

    /** How many messages hosts refused for good. */
    long refusedCount();

    /** Not delivered this time: attempts + 1, due again at {@code next}, lease released. False if not held by {@code node}. */
    boolean reschedule(String id, String node, Instant next, Instant now, String result);

    /** Not sent this time (host unreachable, circuit open): due again at {@code next}, attempts unchanged, lease released. */
    boolean postpone(String id, String node, Instant next, Instant now, String result);

    /**
     * Releases every lease {@code node} holds (a node starting again after a crash: node ids are unique, so these
     * leases belong to its previous life and nobody is sending them). Returns how many.
     */
    int releaseLeases(String node, Instant now);

    /**
     * A {@link SafMessage.Status#HELD held} reversal becomes due now, for {@code why} (the host's answer is unknown,
     * or its approval was not recorded). Need not be durable: after a crash the start settles held messages again.
     *
     * @return false if it is not held (released or cancelled already, or never stored)
     */
    boolean releaseHeld(String id, Instant now, String why);

    /**
     * A held reversal is not needed (the host declined, or its approval is recorded): DONE with {@code result}, never
     * sent. Need not be durable (see {@link #releaseHeld}).
     *
     * @return false if it is not held
     */
    boolean cancelHeld(String id, Instant now, String result);

    /** The reversals {@code node} holds: at its start, those of requests it had at a host when it stopped. */
    List<SafMessage> held(String node);

    /** Pending messages (all hosts). */
    long depth();

    /** Pending messages of one host. */
    long depth(String host);

    /** Creation time of the oldest pending message, if any. */
    Optional<Instant> oldestPending();

    /** Age of the oldest pending message at {@code now} (zero when the queue is empty). */
    default Duration oldestAge(Instant now) {
        return oldestPending().map(t -> t.isAfter(now) ? Duration.ZERO : Duration.between(t, now)).orElse(Duration.ZERO);
    }

    /** Pending messages per host (hosts with none left out): what a start checks against the configured hosts. */
    default java.util.Map<String, Long> depthByHost() {
        java.util.Map<String, Long> out = new java.util.TreeMap<>();
        for (SafMessage m : listPending(Integer.MAX_VALUE)) out.merge(m.host(), 1L, Long::sum);
        return out;
    }

    /** Pending messages, oldest first, at most {@code limit} (for the admin API). */
    List<SafMessage> listPending(int limit);

    Optional<SafMessage> find(String id);

    /**
     * Deletes up to {@code max} {@link SafMessage.Status#DONE DONE} messages last changed before {@code before}
     * (delivered, or held and no longer needed): without it the table keeps a row for every held reversal for ever.
     * Pending and held messages are never touched. Need not be durable: a row a crash brings back is DONE still, and
     * goes in a later round.
     *
     * @return how many were deleted (fewer than {@code max}: nothing older is left)
     */
    int deleteDone(Instant before, int max);

    @Override
    default void close() {
    }

    /** Backoff before attempt {@code attempts + 1}: base * 2^attempts, capped. */
    static Duration backoff(int attempts, Duration base, Duration cap) {
        long ms = base.toMillis();
        for (int i = 0; i < attempts && ms < cap.toMillis(); i++) ms *= 2;
        return Duration.ofMillis(Math.min(ms, cap.toMillis()));
    }
}
