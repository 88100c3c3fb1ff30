package io.switchgate.projection;

import io.switchgate.config.Tuning;
import io.switchgate.journal.Durability;
import io.switchgate.store.TransactionStore;

import java.util.concurrent.TimeUnit;

/**
 * When the running gateway saves its tables whole ({@link TransactionStore#saveProjection(boolean)}) and prunes the
 * journal, asked every few hundred milliseconds. A start after a crash writes again every record since the last save
 * that counts (a kill can cost an H2 file rows of any commit since), so the saves bound that work:
 * <ul>
 *   <li>{@link Save#PRUNE}: the retention, every {@code -Dgateway.journal.retentionSeconds} (30; 0: never): a forced
 *       save, then the segments it covers deleted;</li>
 *   <li>{@link Save#FORCED}, with {@code fsync} only: every 30 s or 100,000 records, what a start after a power loss
 *       writes again (a forced save every 10,000 records cost 20-44 % of the 10 x 8 rate, docs/benchmarks.md);</li>
 *   <li>{@link Save#UNFORCED}: every {@code -Dgateway.projection.saveSeconds} (5) or {@code saveRecords} (10,000)
 *       records, pages handed to the operating system only; it counts at a start in the same boot of the system (a
 *       killed process, {@link io.switchgate.store.BootId}), never after a power loss.</li>
 * </ul>
 * Times are {@link System#nanoTime()} values. Not thread-safe: one scheduler thread asks it.
 */
final class SavePace {
    static final String SAVE_SECONDS_PROPERTY = "gateway.projection.saveSeconds";
    static final String SAVE_RECORDS_PROPERTY = "gateway.projection.saveRecords";
    static final long FORCED_SAVE_SECONDS = 30;
    static final long FORCED_SAVE_RECORDS = 100_000;

    enum Save { NONE, UNFORCED, FORCED, PRUNE }

    /**
     * @param pruneEveryNanos the retention's period; 0: never
     * @param forceEveryNanos forced saves' period; 0: none but the retention's
     * @param forceRecords    ... or sooner, once this many records were applied since the last forced save
     * @param saveEveryNanos  unforced saves' period
     * @param saveRecords     ... or sooner, once this many records were applied since the last save of any kind
     */
    record Policy(long pruneEveryNanos, long forceEveryNanos, long forceRecords, long saveEveryNanos, long saveRecords) {
        /** As shipped for {@code durability}, with the operator's properties (a bad value stops the start, named). */
        static Policy of(Durability durability, String retentionProperty) {
            boolean fsync = durability == Durability.FSYNC;
            return new Policy(TimeUnit.SECONDS.toNanos(Tuning.wholeNumber(retentionProperty, 30, 0, 86_400)),
                    fsync ? TimeUnit.SECONDS.toNanos(FORCED_SAVE_SECONDS) : 0, FORCED_SAVE_RECORDS,
                    TimeUnit.SECONDS.toNanos(Tuning.wholeNumber(SAVE_SECONDS_PROPERTY, 5, 1, 86_400)),
                    Tuning.wholeNumber(SAVE_RECORDS_PROPERTY, 10_000, 1, Long.MAX_VALUE));
        }
    }

    private final Policy policy;
    private long prunedAt;
    private long forcedAt;
    private long forcedMark;
    private long savedAt;
    private long savedMark;

    /** Starting at {@code now}, the tables saved up to {@code mark} (the start saves them). */
    SavePace(Policy policy, long now, long mark) {
        this.policy = policy;
        prunedAt = forcedAt = savedAt = now;
        forcedMark = savedMark = mark;
    }

    /** What is due at {@code now} with records up to {@code applied} in the tables; the caller does it, then {@link #done}. */
    Save due(long now, long applied) {
        if (policy.pruneEveryNanos() > 0 && now - prunedAt >= policy.pruneEveryNanos()) return Save.PRUNE;
        if (policy.forceEveryNanos() > 0 && applied > forcedMark
                && (applied - forcedMark >= policy.forceRecords() || now - forcedAt >= policy.forceEveryNanos())) {
            return Save.FORCED;
        }
        if (applied > savedMark && (applied - savedMark >= policy.saveRecords() || now - savedAt >= policy.saveEveryNanos())) {
            return Save.UNFORCED;
        }
        return Save.NONE;
    }

    /** {@code save} was done at {@code now}, the tables saved up to {@code mark}; a prune's or a forced save's counts for all kinds. */
    void done(Save save, long now, long mark) {
        switch (save) {
            case PRUNE:
                prunedAt = now;
                // fall through: the retention's save is forced
            case FORCED:
                forcedAt = now;
                forcedMark = Math.max(forcedMark, mark);
                // fall through: a forced save is a save
            case UNFORCED:
                savedAt = now;
                savedMark = Math.max(savedMark, mark);
                break;
            case NONE:
                break;
        }
    }
}
