package io.switchgate.txn;

import java.util.ArrayDeque;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * New requests that arrive while the tables are more than the lag limit behind the journal wait here, oldest first,
 * instead of being refused at once: a projection that is merely slower than the answers for a moment (a burst, a
 * database that is itself busy) slows the terminals down rather than declining them. A request that waited longer
 * than the hold ({@value #DEFAULT_HOLD_MILLIS} ms, {@code -Dgateway.projection.holdMillis=N}, 0 refuses at once as
 * before), or finds the hold full (as many as the engine may have queued), is answered {@code 91 PROJECTION_BEHIND}
 * as before: a projection that stopped (its database down) must not hold answers for longer than a terminal waits.
 *
 * <p>Engine thread only, but {@link #size()}, which the engine's tick reads to know whether to look.
 */
final class ProjectionHold {
    static final String HOLD_PROPERTY = "gateway.projection.holdMillis";
    static final long DEFAULT_HOLD_MILLIS = 2_000;

    private final ArrayDeque<Request> waiting = new ArrayDeque<>();
    private final long holdNanos;
    private final int max;
    private volatile int size;

    ProjectionHold(long holdMillis, int max) {
        this.holdNanos = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(holdMillis);
        this.max = max;
    }

    /** Requests waiting now (any thread). */
    int size() {
        return size;
    }

    boolean holding() {
        return !waiting.isEmpty();
    }

    /** @return false if {@code r} cannot wait (holding is off, or the hold is full): refuse it */
    boolean hold(Request r, long nowNanos) {
        if (holdNanos == 0 || waiting.size() >= max) return false;
        r.heldSinceNanos = nowNanos;
        waiting.addLast(r);
        size = waiting.size();
        return true;
    }

    /**
     * Oldest first: each waiting request goes to {@code admit} once the projection is no longer too far behind (or
     * to {@code stopping} if the gateway stops), to {@code expired} once it waited longer than the hold; the rest wait.
     */
    void release(BooleanSupplier tooFarBehind, boolean accepting, long nowNanos, Consumer<Request> admit,
                 Consumer<Request> expired, Consumer<Request> stopping) {
        while (!waiting.isEmpty()) {
            Request r = waiting.peekFirst();
            if (!accepting) {
                waiting.pollFirst();
                stopping.accept(r);
            } else if (!tooFarBehind.getAsBoolean()) {
                waiting.pollFirst();
                admit.accept(r);
            } else if (nowNanos - r.heldSinceNanos > holdNanos) {
                waiting.pollFirst();
                expired.accept(r);
            } else {
                break;
            }
        }
        size = waiting.size();
    }
}
