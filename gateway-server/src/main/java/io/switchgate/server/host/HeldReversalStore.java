package io.switchgate.server.host;

import io.switchgate.saf.SafMessage;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Where a node keeps the reversals it holds for requests at a host (see {@link HostAuthorizer}): stored before each
 * request leaves, dropped once the outcome cannot leave money at the host unrecorded, released to the
 * store-and-forward queue when it may. {@link QueueHolds} keeps them in the queue itself ({@code HELD} rows; the
 * database shared by nodes), {@link JournalHolds} in a journal of their own beside the node's file journal.
 */
interface HeldReversalStore extends AutoCloseable {

    /** Completes true once {@code held} is durable, false if it could not be stored (then the request is not sent). */
    CompletableFuture<Boolean> hold(SafMessage held);

    /**
     * As {@link #hold(SafMessage)}, keeping beside it the terminal's request it reverses, for a start after a crash to
     * journal as {@code 91 HOST_ANSWER_LOST} ({@link io.switchgate.route.LostHostAnswer}). Stores that cannot keep it
     * hold the reversal alone.
     */
    default CompletableFuture<Boolean> hold(SafMessage held, io.switchgate.route.LostHostAnswer request) {
        return hold(held);
    }

    /** The request kept with hold {@code id} ({@link #hold(SafMessage, io.switchgate.route.LostHostAnswer)}), or null. */
    default io.switchgate.route.LostHostAnswer requestOf(String id) {
        return null;
    }

    /**
     * The held reversal {@code id} goes to the queue, due now, for {@code why}; durable before it returns.
     *
     * @return false if it is not held (dropped or released already, or never stored): the caller stores a new one
     */
    boolean release(String id, Instant now, String why);

    /** The held reversal {@code id} is not needed. Need not be durable: a start settles what is still held. */
    boolean drop(String id, Instant now, String result);

    /** What this node still holds (at its start: requests that were at a host when it stopped). */
    List<SafMessage> held();

    /**
     * Why nothing can be held now (requests to hosts are then answered {@code 96 REVERSAL_NOT_STORED}), or null: for
     * {@code /health}. The queue's own failures show there already (the store).
     */
    default String problem() {
        return null;
    }

    @Override
    void close();
}
