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
 * the sweep never splits: a row stamped before a close was submitted in that epoch or an earlier one. (This takes the
 * clock as not going back, as the row ages always have.)
 */
final class CommitHorizon {
    /** Epochs open or waiting at once; a sweep a second makes this four minutes of commits that never complete. */
    private static final int EPOCHS = 256;

    private final AtomicIntegerArray inFlight = new AtomicIntegerArray(EPOCHS);
    private final long[] closedAt = new long[EPOCHS];
    /** The open epoch, counted from 0 (engine thread). */
    private long open;
    /** The oldest epoch that may still have commits in flight (engine thread). */
    private long oldest;
    private long completeBeforeMillis = Long.MIN_VALUE;

    /** Counts a commit into the open epoch (engine thread); pass what it returns to {@link #completed}. */
    int submitted() {
        int slot = (int) (open % EPOCHS);
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
        }
        // else every slot is taken by an epoch with commits in flight: the open one goes on (its close comes later,
        // which only makes the horizon later, never wrong)
        while (oldest < open && inFlight.get((int) (oldest % EPOCHS)) == 0) {
            completeBeforeMillis = closedAt[(int) (oldest % EPOCHS)];
            oldest++;
        }
        return completeBeforeMillis;
    }

    /** As of the last {@link #advance}. */
    long completeBeforeMillis() {
        return completeBeforeMillis;
    }
}
