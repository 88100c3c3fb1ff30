package io.switchgate.projection;

import io.switchgate.journal.JournalCorruptException;
import io.switchgate.journal.JournalException;
import io.switchgate.journal.JournalReader;
import io.switchgate.store.ChangeSet;
import io.switchgate.store.StoreException;
import io.switchgate.store.TransactionStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * Makes a {@link TransactionStore} the projection of a journal (issue 14): reads the journal's change-set records
 * ({@link ChangeSetCodec#RECORD_TYPE}) from the store's mark on, up to the journal's durable sequence, and applies
 * them in batches through {@link TransactionStore#applyProjected}, which moves the mark in the same transaction.
 *
 * <p>Idempotent: the store's mark is the only truth of what is applied. The tailer starts from it, and the store moves
 * it only from the sequence the batch follows (compare-and-set), so a restart re-applies exactly what the store lacks
 * and a tailer with a stale idea of the mark (a second one, or one whose commit was in doubt) applies nothing twice.
 * Records of other types are skipped, but the mark passes them.
 *
 * <p>Two ways to run: {@link #catchUp()} (a call: everything durable now), or {@link #start()} (a thread that follows
 * the journal: catches up, then parks for {@code idleParkNanos} or until {@link #wakeUp()}). Only records up to the
 * durable sequence are read: a record past it may still be half written.
 *
 * <p>Failures: a record that does not decode ({@link ChangeSetFormatException}) or a corrupt journal stops the thread
 * for good ({@link #failure()}): retrying cannot help, and skipping would lose money movements from the tables. A
 * store failure (database down) is retried by the thread after {@code retryNanos}, from the store's mark as it is then.
 * A failure the store can mend ({@link TransactionStore#repairAfter}: an H2 index a kill left short of rows, met by a
 * write of the running projection) is mended there and then, and the batch is applied again at once.
 */
public final class ProjectionTailer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ProjectionTailer.class);

    private final Path journalDir;
    private final LongSupplier durableSequence;
    private final TransactionStore store;
    private final int maxBatch;
    private final long idleParkNanos;
    private final long retryNanos;

    /** Guards {@link #catchUp()}: one pass at a time. */
    private final Object passLock = new Object();
    /** The journal reader passes share (under passLock), positioned just after record {@link #readerAt}; or null. */
    private JournalReader reader;
    private long readerAt;
    /** Notified whenever {@link #applied} moves, for {@link #awaitApplied}. */
    private final Object progress = new Object();
    private volatile long applied;
    private volatile RuntimeException failure;
    private volatile boolean stopping;
    /** Repairs since the last pass that succeeded (following thread only): damage that comes back is not mended forever. */
    private int repairsInARow;
    /** Set (before waiters are told) when the thread ends: for good on a failure, or closed. */
    private volatile boolean threadEnded;
    private volatile Thread thread;

    /**
     * @param durableSequence the journal's durable sequence ({@code JournalWriter::durableSequence}); nothing past it is read
     * @param maxBatch        journal records per store transaction, at most
     */
    public ProjectionTailer(Path journalDir, LongSupplier durableSequence, TransactionStore store, int maxBatch) {
        this(journalDir, durableSequence, store, maxBatch, TimeUnit.MILLISECONDS.toNanos(1), TimeUnit.SECONDS.toNanos(1));
    }

    public ProjectionTailer(Path journalDir, LongSupplier durableSequence, TransactionStore store, int maxBatch,
                            long idleParkNanos, long retryNanos) {
        if (maxBatch < 1) throw new IllegalArgumentException("maxBatch must be >= 1, not " + maxBatch);
        this.journalDir = journalDir;
        this.durableSequence = durableSequence;
        this.store = store;
        this.maxBatch = maxBatch;
        this.idleParkNanos = idleParkNanos;
        this.retryNanos = retryNanos;
        this.applied = store.projectedSequence();
    }

    /** The journal sequence of the last record the store has (as this tailer last knew it). */
    public long appliedSequence() {
        return applied;
    }

    /** Journal records durable but not yet in the store: for {@code /health} and {@code /metrics}. */
    public long lag() {
        return Math.max(0, durableSequence.getAsLong() - applied);
    }

    /** What stopped the following thread for good, or the last store failure it is retrying; null if none. */
    public RuntimeException failure() {
        return failure;
    }

    /**
     * At start, before {@link #catchUp}: every record the store counts as applied since it last saved its files whole
     * ({@link TransactionStore#saveProjection}; from where the store says, or the last {@code maxBatch} records at the
     * mark if it cannot say; those the journal still holds) written once more, rows by key and events where missing,
     * without moving the mark ({@link TransactionStore#reapplyProjectedRows}), {@code chunk} records per store
     * transaction. An H2 file can come back from a kill with its mark moved but rows of its commits missing, not only
     * of the last one: writing rows again as they already are costs a few seconds of records at most (the tables are
     * saved every few seconds, see {@link FileJournal}), and a record the journal no longer holds was in a file a
     * save had written whole.
     *
     * @return the records read again
     */
    public long reapplySinceSaved(int chunk) {
        if (chunk < 1) throw new IllegalArgumentException("chunk must be >= 1, not " + chunk);
        synchronized (passLock) {
            long mark = applied;
            if (mark <= 0) return 0;
            try {
                long batchFrom = store.projectedBatchFrom();
                long from = Math.max(Math.max(1, batchFrom > 0 ? batchFrom : mark - maxBatch + 1),
                        JournalReader.firstSequence(journalDir));
                if (from > mark) return 0;
                List<ChangeSet> sets = new ArrayList<>(Math.min(chunk, 4096));
                try (JournalReader r = JournalReader.open(journalDir, from)) {
                    long seq = from - 1;
                    while (seq < mark && r.next()) {
                        seq = r.sequence();
                        if (seq > mark) break;
                        if (r.type() == ChangeSetCodec.RECORD_TYPE) sets.add(decode(seq, r));
                        if (sets.size() >= chunk) {
                            store.reapplyProjectedRows(sets);
                            sets.clear();
                        }
                    }
                    if (seq < mark) {
                        throw new JournalException("journal in " + journalDir + " ends at sequence " + seq
                                + " but the store holds records up to " + mark);
                    }
                }
                store.reapplyProjectedRows(sets);
                return mark - from + 1;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the journal in " + journalDir + " again before " + mark, e);
            }
        }
    }

    /** Journal records per store transaction, at most (outside the start's catch-up). */
    int maxBatch() {
        return maxBatch;
    }

    /**
     * Applies every record up to the journal's durable sequence as it is when called.
     *
     * @return the number of journal records this call applied (of every type the mark passed; not those the store
     *         turned out to have already)
     * @throws ChangeSetFormatException a change-set record that does not decode (named by its sequence)
     * @throws StoreException the store failed; what it committed before stays, the rest is
     *                                            applied by the next call
     */
    public long catchUp() {
        return catchUpInBatchesOf(maxBatch);
    }

    /**
     * As {@link #catchUp}, with up to {@code batchRecords} records per store transaction: the start's catch-up, where
     * larger batches write each card and batch row once for many records (a transaction's rows are written at their
     * last version only) and nothing waits on the batch meanwhile.
     */
    public long catchUpInBatchesOf(int batchRecords) {
        if (batchRecords < 1) throw new IllegalArgumentException("batchRecords must be >= 1, not " + batchRecords);
        synchronized (passLock) {
            try {
                long target = durableSequence.getAsLong();
                long count = 0;
                while (applied < target) count += pass(target, batchRecords);
                return count;
            } finally {
                // a catch-up after close (the last one, at the gateway's close) keeps no reader: it held the segment
                // open after close, one file descriptor more per start and close of an embedding program (an audit)
                if (stopping) closeReader();
            }
        }
    }

    /**
     * One reader from the mark to {@code target}, or until the store says it already had a batch.
     *
     * @return the records applied
     */
    private long pass(long target, int maxBatch) {
        long after = applied;
        List<ChangeSet> batch = new ArrayList<>(Math.min(maxBatch, 1024));
        long count = 0;
        boolean clean = false;
        try {
            JournalReader reader = readerAfter(after);
            long last = after;
            int records = 0;
            while (last < target) {
                if (!reader.next()) {
                    throw new JournalException("journal in " + journalDir + " ends at sequence " + last
                            + " but is durable up to " + target);
                }
                long seq = reader.sequence();
                if (seq != last + 1) {
                    throw new JournalCorruptException("journal in " + journalDir + ": sequence " + seq + " follows " + last);
                }
                if (reader.type() == ChangeSetCodec.RECORD_TYPE) batch.add(decode(seq, reader));
                last = seq;
                readerAt = seq;
                records++;
                if (records == maxBatch || last == target) {
                    if (!commit(batch, after, last)) return count; // the store had some: start again from its mark
                    count += last - after;
                    after = last;
                    records = 0;
                    batch.clear();
                }
            }
            clean = true;
            return count;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the journal in " + journalDir + " from sequence " + (after + 1), e);
        } finally {
            if (!clean) closeReader(); // a failure: the next pass opens the journal afresh at the store's mark
        }
    }

    /**
     * The reader of the last pass, moved on to the records written since, if it stopped just after {@code after};
     * otherwise a new one. Opening a reader finds its record by reading its segment from the start, so a tailer that
     * opened one per pass read ever more of a 64 MiB segment for every batch (the projection's main CPU cost once).
     */
    private JournalReader readerAfter(long after) throws IOException {
        if (reader != null && readerAt == after) {
            reader.refresh();
            return reader;
        }
        closeReader();
        reader = JournalReader.open(journalDir, after + 1);
        readerAt = after;
        return reader;
    }

    private void closeReader() {
        JournalReader r = reader;
        reader = null;
        if (r == null) return;
        try {
            r.close();
        } catch (IOException e) {
            log.debug("projection tailer: closing the journal reader: {}", e.getMessage());
        }
    }

    private ChangeSet decode(long seq, JournalReader reader) {
        try {
            return ChangeSetCodec.decode(reader.payload());
        } catch (ChangeSetFormatException e) {
            throw new ChangeSetFormatException("journal record " + seq + " in " + journalDir + ": " + e.getMessage());
        }
    }

    /** @return false if the store already had some of this batch (nothing applied); {@link #applied} is its mark then */
    private boolean commit(List<ChangeSet> batch, long after, long last) {
        boolean done;
        try {
            done = store.applyProjected(batch, after, last);
        } catch (RuntimeException e) {
            // The commit may or may not have landed (a lost connection): only the store knows.
            setApplied(readMarkAfterFailure(e));
            throw e;
        }
        if (done) failure = null; // the store takes batches again: a failure being retried is over (before waiters wake)
        setApplied(done ? last : store.projectedSequence());
        return done;
    }

    private long readMarkAfterFailure(RuntimeException cause) {
        try {
            return store.projectedSequence();
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
            return applied;
        }
    }

    private void setApplied(long seq) {
        synchronized (progress) {
            applied = seq;
            progress.notifyAll();
        }
    }

    /**
     * Waits until the store has every record up to {@code seq}, the tailer's thread ended (stopped for good, or closed),
     * or the time is up.
     *
     * @return true if the store has them
     */
    public boolean awaitApplied(long seq, long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        synchronized (progress) {
            while (applied < seq) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || threadEnded) return false;
                TimeUnit.NANOSECONDS.timedWait(progress, left);
            }
            return true;
        }
    }

    /** Starts the thread that follows the journal. */
    public synchronized void start() {
        if (thread != null) throw new IllegalStateException("projection tailer already started");
        Thread t = new Thread(this::follow, "projection-tailer");
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    /**
     * How long the following thread lets durable records gather before it applies them (0, the default: at once). A
     * database commit costs much the same for ten rows as for a thousand (on H2 every commit copies the B-tree pages
     * it touched), so batching the projection is what keeps it cheap beside the answers. Readers that need the tables
     * now call {@link #hurry()}; a full batch ({@code maxBatch}) goes at once.
     */
    public ProjectionTailer linger(java.time.Duration linger) {
        this.lingerNanos = linger.toNanos();
        return this;
    }

    private volatile long lingerNanos;
    private volatile boolean hurry;
    /** When the thread first saw records waiting since its last pass (0: none waiting). Thread only. */
    private long waitingSince;

    /** Ends the thread's park at once (e.g. from a {@code DurableListener}): new records are durable. */
    public void wakeUp() {
        Thread t = thread;
        if (t != null) LockSupport.unpark(t);
    }

    /**
     * New records are durable up to {@code durable} (from the journal's listener): wakes the thread only when they
     * fill a batch, or when it does not linger.
     */
    public void recordsDurable(long durable) {
        if (lingerNanos == 0 || durable - applied >= maxBatch) wakeUp();
    }

    /** Someone waits for the tables: apply what is durable without lingering. */
    public void hurry() {
        hurry = true;
        wakeUp();
    }

    /** True if the thread should wait for more records before its next pass (see {@link #linger}). */
    private boolean lingering() {
        long waiting = durableSequence.getAsLong() - applied;
        if (waiting <= 0) {
            waitingSince = 0;
            return false; // nothing to apply: catchUp() returns at once and the thread idles
        }
        long linger = lingerNanos;
        if (linger == 0 || hurry || waiting >= maxBatch) return false;
        long now = System.nanoTime();
        if (waitingSince == 0) waitingSince = now;
        long left = linger - (now - waitingSince);
        if (left <= 0) return false;
        LockSupport.parkNanos(this, left);
        return true;
    }

    private void follow() {
        while (!stopping) {
            try {
                if (lingering()) continue;
                hurry = false;
                waitingSince = 0;
                if (catchUp() == 0) LockSupport.parkNanos(this, idleParkNanos);
                failure = null;
                repairsInARow = 0;
            } catch (ChangeSetFormatException | JournalCorruptException e) {
                failure = e;
                log.error("projection tailer stopped for good at journal sequence {}: {}", applied, e.getMessage());
                endThread();
                return;
            } catch (RuntimeException e) {
                failure = e;
                if (mended(e)) continue;
                log.warn("projection tailer: {} (retrying from the store's mark, {})", e.getMessage(), applied);
                LockSupport.parkNanos(this, retryNanos);
            }
        }
        endThread();
    }

    /**
     * Has the store mend what made the pass fail, if it can (see {@link TransactionStore#repairAfter}): the running
     * projection meets such damage when a write must change a row a damaged index lacks. Until then the tables fell
     * behind for good and only a restart mended them (new requests meanwhile answered 91 once the lag limit was
     * reached). The rebuild holds the table while it runs (minutes on ten million rows; reads of it wait).
     *
     * @return true if something was mended: apply the batch again at once
     */
    private boolean mended(RuntimeException failure) {
        if (repairsInARow >= io.switchgate.store.RecoveryRepairs.MAX_REPAIRS) return false;
        String repaired;
        try {
            repaired = store.repairAfter(failure);
        } catch (RuntimeException e) {
            log.error("projection tailer: {}", e.getMessage());
            return false;
        }
        if (repaired == null) return false;
        repairsInARow++;
        log.warn("projection tailer: a write met a damaged index, which a kill can leave in an H2 file ({}); rebuilt {}"
                + " from its table's rows, and the projection goes on", failure.getMessage(), repaired);
        return true;
    }

    private void endThread() {
        synchronized (progress) {
            threadEnded = true;
            progress.notifyAll();
        }
    }

    /** Stops the thread (after the batch it is applying, if any); the store stays open. */
    @Override
    public void close() {
        stopping = true;
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (passLock) {
            closeReader();
        }
    }
}
