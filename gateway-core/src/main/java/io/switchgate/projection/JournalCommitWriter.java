package io.switchgate.projection;

import io.switchgate.journal.DurableListener;
import io.switchgate.journal.JournalOptions;
import io.switchgate.journal.JournalStats;
import io.switchgate.journal.JournalStoppedException;
import io.switchgate.journal.JournalWriter;
import io.switchgate.store.ChangeSet;
import io.switchgate.store.CommitWriter;
import io.switchgate.store.GroupCommitStats;
import io.switchgate.store.StoreException;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The file journal as the engine's commit point (one node): a change set is encoded ({@link ChangeSetCodec}) and
 * appended to the {@link JournalWriter}; its future completes when the journal's durable sequence covers it (after the
 * batch's fdatasync with {@code fsync}, after its write with {@code write}). The tables are not written here: a
 * {@link ProjectionTailer} applies the same records to them afterwards.
 *
 * <p>No version checks: on one node the engine is the only writer, so its decisions are the truth in the order it
 * journals them. (Several nodes on one database keep the database as their journal: {@code GroupCommitWriter}.)
 *
 * <p>Any failure stops this writer for good: a failed write or force stops the journal (PostgreSQL's lesson of 2018:
 * after a failed fsync the kernel may have dropped the pages, so retrying could report durable what is not), and a set
 * that cannot be encoded stops it too, because the engine would otherwise reload state from tables the projection may
 * not have brought up to date yet. Every set not yet durable, and every later one, fails with a {@link StoreException}
 * naming the cause: the engine answers {@code 96} and nothing uncommitted is answered. {@link #failure()} says why.
 *
 * <p>Futures complete on the journal's writer thread (or on the submitting thread, when the record was already durable,
 * as when this thread wrote it: {@link #submitWritingIfIdle}): keep dependent actions short. {@link #submit} waits only when the journal's staging buffers are full (back-pressure).
 */
public final class JournalCommitWriter implements CommitWriter {

    private record Pending(long sequence, CompletableFuture<Void> future) { }

    private final JournalWriter journal;
    /** Appended, not yet durable, in sequence order. Guarded by {@code this}. */
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    /** Reused for every encoding; guarded by {@link #appendLock}. */
    private final PayloadWriter payload = new PayloadWriter(1024);
    private final Object appendLock = new Object();
    private final AtomicLong setsFailed = new AtomicLong();
    private volatile Runnable onDurable = () -> { };
    private volatile StoreException failure;
    private volatile boolean closed;
    private volatile int lastBatch;
    /** The most answers one durable mark released: the group size's maximum ({@code /metrics}; it said 0, an audit). */
    private volatile int maxBatch;

    private JournalCommitWriter(JournalWriter journal) {
        this.journal = journal;
    }

    /** The journal's listener, pointed at the writer once both exist (the journal needs its listener to open). */
    private static final class Holder implements DurableListener {
        volatile JournalCommitWriter writer;

        @Override
        public void onDurable(long seq) {
            JournalCommitWriter w = writer;
            if (w != null) w.journalDurable(seq);
        }

        @Override
        public void onStopped(JournalStoppedException why) {
            JournalCommitWriter w = writer;
            if (w != null) w.stop(new StoreException("journal stopped: " + describe(why), why));
        }
    }

    /**
     * Opens (and recovers: a torn tail is cut) the journal in {@code options.dir()}.
     *
     * @throws IOException if the journal cannot be opened or recovered (inner corruption is refused, never skipped)
     */
    public static JournalCommitWriter open(JournalOptions options) throws IOException {
        return open(options, io.switchgate.journal.ChannelFactory.FILES);
    }

    /** As {@link #open(JournalOptions)}, with the files opened through {@code channels} (tests: a failing disk). */
    public static JournalCommitWriter open(JournalOptions options, io.switchgate.journal.ChannelFactory channels) throws IOException {
        return open(options, channels, 0);
    }

    /** As {@link #open(JournalOptions, io.switchgate.journal.ChannelFactory)}; records up to {@code knownDurable} must be whole. */
    public static JournalCommitWriter open(JournalOptions options, io.switchgate.journal.ChannelFactory channels, long knownDurable)
            throws IOException {
        Holder holder = new Holder();
        JournalWriter journal = JournalWriter.open(options, holder, channels, knownDurable);
        JournalCommitWriter w = new JournalCommitWriter(journal);
        holder.writer = w;
        return w;
    }

    /** Also run (on the journal's thread) whenever records became durable: e.g. wake the projection tailer. */
    public void whenDurable(Runnable action) {
        this.onDurable = action == null ? () -> { } : action;
    }

    public long durableSequence() {
        return journal.durableSequence();
    }

    public long lastAppendedSequence() {
        return journal.lastAppendedSequence();
    }

    public JournalWriter journal() {
        return journal;
    }

    @Override
    public boolean stoppedForGood() {
        return failure != null;
    }

    /** What stopped this writer, or null while it runs. */
    public StoreException failure() {
        return failure;
    }

    @Override
    public CompletableFuture<Void> submit(ChangeSet set) {
        return submit(set, false);
    }

    /** With {@code write} durability and the journal idle, this thread writes the record itself: no wake-up. */
    @Override
    public CompletableFuture<Void> submitWritingIfIdle(ChangeSet set) {
        return submit(set, true);
    }

    private CompletableFuture<Void> submit(ChangeSet set, boolean writeHereIfIdle) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        StoreException stopped = failure;
        if (stopped != null) return fail(f, stopped);
        if (closed) return fail(f, new StoreException("journal is closed"));
        long seq;
        synchronized (appendLock) {
            try {
                ChangeSetCodec.encode(set, payload);
                seq = writeHereIfIdle
                        ? journal.appendWritingIfIdle(ChangeSetCodec.RECORD_TYPE, payload.array(), 0, payload.length())
                        : journal.append(ChangeSetCodec.RECORD_TYPE, payload.array(), 0, payload.length());
            } catch (RuntimeException e) {
                StoreException why = new StoreException("journal stopped: " + describe(e), e);
                stop(why);
                return fail(f, why);
            }
            synchronized (this) {
                pending.addLast(new Pending(seq, f));
            }
        }
        // The journal may have made it durable, or stopped, before it was queued here (the listener found nothing
        // then): stop() sets the failure before it fails what is queued, so one of the two sees this set.
        long durable = journal.durableSequence();
        if (durable >= seq) completeThrough(durable);
        StoreException failed = failure;
        if (failed != null) failPending(failed);
        return f;
    }

    private CompletableFuture<Void> fail(CompletableFuture<Void> f, StoreException why) {
        setsFailed.incrementAndGet();
        f.completeExceptionally(why);
        return f;
    }

    private static String describe(Throwable e) {
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m;
    }

    private void journalDurable(long durableSequence) {
        completeThrough(durableSequence);
        try {
            onDurable.run();
        } catch (RuntimeException ignored) {
            // a wake-up must not stop the journal
        }
    }

    private void completeThrough(long durable) {
        int n = 0;
        while (true) {
            Pending p;
            synchronized (this) {
                p = pending.peekFirst();
                if (p == null || p.sequence() > durable) break;
                pending.pollFirst();
            }
            p.future().complete(null);
            n++;
        }
        if (n > 0) lastBatch = n;
        if (n > maxBatch) maxBatch = n;
    }

    /** Fails everything not yet durable, and everything submitted from now on. */
    private void stop(StoreException why) {
        if (failure == null) failure = why;
        failPending(failure);
    }

    private void failPending(StoreException why) {
        while (true) {
            Pending p;
            synchronized (this) {
                p = pending.pollFirst();
            }
            if (p == null) return;
            setsFailed.incrementAndGet();
            p.future().completeExceptionally(why);
        }
    }

    @Override
    public GroupCommitStats stats() {
        JournalStats s = journal.stats();
        long failedBatches = failure == null ? 0 : 1;
        return new GroupCommitStats(s.batches(), failedBatches, s.records(), s.records(), 0, setsFailed.get(),
                lastBatch, maxBatch, 0, s.forceNanos(), s.maxForceNanos(), queueDepth());
    }

    @Override
    public synchronized int queueDepth() {
        return pending.size();
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    /** Writes (and with {@code fsync} forces) what was appended, completes its futures, and stops. Idempotent. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        synchronized (appendLock) {
            journal.close();
        }
        long durable = journal.durableSequence();
        completeThrough(durable);
        failPending(failure != null ? failure : new StoreException("journal closed before the record was durable"));
    }
}
