package io.switchgate.store;

import java.util.concurrent.CompletableFuture;

/**
 * Where the engine commits its decisions: a change set is submitted without blocking, and its future completes once
 * the set is durable (the terminal's answer waits for that). Two implementations:
 * {@link GroupCommitWriter} (the database is the journal: PostgreSQL, or an H2 store several nodes share) and the
 * file journal's {@code io.switchgate.projection.JournalCommitWriter} (one node: the journal file is the commit point,
 * the tables follow as its projection).
 */
public interface CommitWriter extends AutoCloseable {

    /**
     * Queues a change set; never blocks. The future completes normally once the set is durable, or exceptionally
     * when it was not committed: {@link ConcurrentUpdateException} (another node changed a row it read: decide again),
     * or a {@link StoreException} naming why the journal could not take it.
     */
    CompletableFuture<Void> submit(ChangeSet set);

    /**
     * As {@link #submit}, from a caller that has nothing else to do meanwhile (the engine deciding a lone request on
     * the event loop): a writer may then make the set durable on the calling thread, if it would otherwise wake a
     * thread of its own to do so. The future may be complete when this returns.
     */
    default CompletableFuture<Void> submitWritingIfIdle(ChangeSet set) {
        return submit(set);
    }

    /**
     * True once this writer has stopped for good (a failed write or force): nothing more will be committed, so nothing
     * that would need a commit to stand should be started (a request sent to a host, say).
     */
    default boolean stoppedForGood() {
        return false;
    }

    /** Counters for metrics. */
    GroupCommitStats stats();

    /** Sets submitted and not yet durable. */
    int queueDepth();

    boolean isClosed();

    /** Makes everything already submitted durable (or fails it), then stops. Idempotent. */
    @Override
    void close();
}
