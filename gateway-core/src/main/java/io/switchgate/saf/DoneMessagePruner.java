package io.switchgate.saf;

import io.switchgate.config.Tuning;

import java.time.Duration;
import java.time.Instant;

/**
 * Keeps the store-and-forward table from growing for ever: every held reversal leaves a row (a shared database holds
 * one per host sale or refund), and every delivered reversal one more, all {@code DONE} once settled. A round deletes
 * those last changed more than the retention ago, in chunks of one short statement each, so a large backlog neither
 * holds locks long nor takes a round without end; what a round leaves goes in the next.
 *
 * <p>The retention is long (30 days as shipped, {@code -Dgateway.saf.doneRetentionDays}; 0 keeps every row): a DONE
 * row is what an operator reads when a host asks about a reversal, and a day at least is kept whatever is set, far
 * beyond the store's own log of recent inserts, which could otherwise bring a deleted row back as pending.
 */
public final class DoneMessagePruner {
    public static final String RETENTION_PROPERTY = "gateway.saf.doneRetentionDays";
    static final int CHUNK = 10_000;
    static final int CHUNKS_PER_ROUND = 100;

    private final SafQueue queue;
    private final Duration retention;

    public DoneMessagePruner(SafQueue queue, Duration retention) {
        if (retention.compareTo(Duration.ofDays(1)) < 0) {
            throw new IllegalArgumentException("a DONE message is kept at least a day, not " + retention);
        }
        this.queue = queue;
        this.retention = retention;
    }

    /** The retention the operator set, in days: 30 unless {@code -Dgateway.saf.doneRetentionDays} says; 0: keep all. */
    public static long retentionDays() {
        return Tuning.wholeNumber(RETENTION_PROPERTY, 30, 0, 36_500);
    }

    public Duration retention() {
        return retention;
    }

    /** Deletes DONE messages older than the retention at {@code now}; at most a round's worth. @return how many */
    public long pruneOnce(Instant now) {
        Instant before = now.minus(retention);
        long deleted = 0;
        for (int i = 0; i < CHUNKS_PER_ROUND; i++) {
            int n = queue.deleteDone(before, CHUNK);
            deleted += n;
            if (n < CHUNK) break;
        }
        return deleted;
    }
}
