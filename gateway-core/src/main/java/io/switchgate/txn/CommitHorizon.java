package io.switchgate.txn;

import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * Before which instant every commit the engine submitted has completed: what lets the working set forget a row while
 * commits are in flight. A row changed before that instant is in the store (or, with a projection, on its way to the
 * tables, which {@link EngineState} checks apart), so reading it back from there gives its newest version.
 *
 * <p>Commits are counted by epoch, an epoch being the time between two sweeps: the engine thread counts a commit into
 * the open epoch when it submits it ({@link #submitted}), and whichever thread completes it counts it out
 * ({@link #completed}), in any order. Each sweep closes the open epoch at its instant ({@link #advance}); once every
 * epoch up to a closed one has no commit in flight, every commit submitted before its close has completed. This
 * replaces a fixed minimum age (10 s), which held 10 s of rows in the heap whatever the rate (two million at the
 * decision's 200,000 a second, ~1.4 GB) and still could not tell a commit that took longer.
 *
 * <p>Rows carry the instant of the engine step that decided them, and a commit is submitted in that same step, which
 * the sweep never splits: a row stamped before a close was submitted in that epoch or an earlier one, as long as the
 * clock does not go back. For when it does (a step of the system clock), each epoch also keeps the oldest stamp of the
 * commits counted into it, and the horizon is never after the oldest stamp of an epoch with a commit in flight.
 */
final class CommitHorizon {
    /** Epochs open or waiting at once; a sweep a second makes this four minutes of commits that never complete. */
    private static final int EPOCHS = 256;

    private final AtomicIntegerArray inFlight = new AtomicIntegerArray(EPOCHS);
    private final long[] closedAt = new long[EPOCHS];
    /** The oldest row stamp counted into each epoch (engine thread). */
    private final long[] oldestStamp = new long[EPOCHS];
    /** The open epoch, counted from 0 (engine thread). */
    private long open;
    /** The oldest epoch that may still have commits in flight (engine thread). */
    private long oldest;
    /** The close of the newest epoch that, with every one before it, has no commit in flight. */
    private long drained = Long.MIN_VALUE;
    private long completeBeforeMillis = Long.MIN_VALUE;

    CommitHorizon() {
        java.util.Arrays.fill(oldestStamp, Long.MAX_VALUE);
    }

    /**
     * Counts a commit into the open epoch (engine thread), once the writer took it; pass what it returns to
     * {@link #completed}, which may then run at once.
     *
     * @param stampMillis the instant the rows it changes carry (the deciding step's)
     */
    int submitted(long stampMillis) {
        int slot = (int) (open % EPOCHS);
        if (stampMillis < oldestStamp[slot]) oldestStamp[slot] = stampMillis;
        inFlight.incrementAndGet(slot);
        return slot;
    }

    /** Counts a commit out, whether it succeeded or failed (any thread). */
    void completed(int slot) {
        inFlight.decrementAndGet(slot);
    }

    /**
     * Closes the open epoch at {@code nowMillis} (engine thread, at each sweep).
     *
     * @return the instant before which every submitted commit has completed ({@link Long#MIN_VALUE}: none known yet)
     */
    long advance(long nowMillis) {
        if (open - oldest < EPOCHS - 1) {
            closedAt[(int) (open % EPOCHS)] = nowMillis;
            open++;
            oldestStamp[(int) (open % EPOCHS)] = Long.MAX_VALUE;
        }
        // else every slot is taken by an epoch with commits in flight: the open one goes on (its close comes later,
        // which only makes the horizon later, never wrong)
        while (oldest < open && inFlight.get((int) (oldest % EPOCHS)) == 0) {
            drained = closedAt[(int) (oldest % EPOCHS)];
            oldest++;
        }
        long horizon = drained;
        for (long e = oldest; e <= open; e++) {
            int slot = (int) (e % EPOCHS);
            if (inFlight.get(slot) > 0) horizon = Math.min(horizon, oldestStamp[slot]);
        }
        completeBeforeMillis = horizon;
        return horizon;
    }

    /** As of the last {@link #advance}. */
    long completeBeforeMillis() {
        return completeBeforeMillis;
    }

    /** Commits counted in and not yet out (any thread; for tests and metrics). */
    int inFlight() {
        int n = 0;
        for (int i = 0; i < EPOCHS; i++) n += inFlight.get(i);
        return n;
    }
}
