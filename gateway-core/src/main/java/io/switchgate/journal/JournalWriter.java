package io.switchgate.journal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The append side of the journal: the producer (the ledger thread, later) appends records and gets their sequence at
 * once; a writer thread of the journal's own writes them in batches with group commit: whatever was appended while
 * the previous batch was being written and forced goes out in the next single write and single force. After each
 * batch the durable sequence advances and the {@link DurableListener} hears of it.
 *
 * <p>Two {@link StagingBuffer}s alternate: the producer fills one while the writer writes the other; when the one
 * being filled is full, the producer waits for the swap (back-pressure). Appending copies the payload and allocates
 * nothing.
 *
 * <p>A failed write, force or segment creation stops the journal for good (see {@link JournalStoppedException}): the
 * durable sequence stays where it was known durable, every later append and {@link #awaitDurable} throws, naming
 * the failure. Appending is thread-safe, but sequences are assigned in append order, so one producer is the design.
 *
 * <p>The writer holds its directory's lock from {@link #open} to {@link #close()} ({@link DirectoryLock}); segments
 * whose records were applied elsewhere are deleted by {@link #pruneThrough}, from any thread.
 */
public final class JournalWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JournalWriter.class);

    private final JournalOptions options;
    private final DurableListener listener;
    private final DirectoryLock directoryLock;
    private final SegmentFiles files;
    private final SegmentAppender appender;
    private volatile long firstSequence;
    private final long recoveredLastSequence;
    private final String recoveryCut;
    private final Thread thread;

    private final ReentrantLock lock = new ReentrantLock();
    /** The writer waits here for records (or close). */
    private final Condition work = lock.newCondition();
    /** A producer whose batch is full waits here for the swap. */
    private final Condition space = lock.newCondition();
    /** {@link #awaitDurable} waits here. */
    private final Condition durableAdvanced = lock.newCondition();

    // Guarded by lock.
    private StagingBuffer filling = new StagingBuffer();
    private StagingBuffer spare = new StagingBuffer();
    private long lastAppended;
    private boolean writerIdle;
    /**
     * A batch is being written, by the writer thread or by a producer ({@link #appendWritingIfIdle}): one at a time,
     * so batches reach the file in sequence order and the appender has one user.
     */
    private boolean batchInHand;
    private int producersWaiting;
    private int durableWaiters;

    private volatile long durable;
    /** Published by the writer thread after each batch; read by {@link #stats()}. */
    private volatile JournalStats stats = new JournalStats(0, 0, 0, 0, 0, 0);
    private long batchesWritten;
    private long recordsWritten;
    private long bytesWritten;
    private volatile boolean closing;
    private volatile JournalStoppedException failure;

    /**
     * Serializes {@link #pruneThrough} callers, and pruning with the release of the directory at close: no file is
     * deleted once another writer may have the directory. Never taken by the producer or the writer thread.
     */
    private final ReentrantLock pruneLock = new ReentrantLock();
    // Guarded by pruneLock.
    private boolean released;
    /** First sequence of the oldest segment kept. */
    private long oldestKept;
    /** First sequence of the segment after the oldest, 0 if none was listed yet (then the oldest is the active one). */
    private long afterOldest;

    private JournalWriter(JournalOptions options, DurableListener listener, DirectoryLock directoryLock,
                          SegmentFiles files, SegmentAppender appender, JournalRecovery.Recovered recovered) {
        this.options = options;
        this.listener = listener;
        this.directoryLock = directoryLock;
        this.files = files;
        this.appender = appender;
        this.firstSequence = recovered.firstSequence();
        this.oldestKept = recovered.firstSequence();
        this.recoveredLastSequence = recovered.lastSequence();
        this.recoveryCut = recovered.cut();
        this.lastAppended = recovered.lastSequence();
        this.durable = recovered.lastSequence();
        this.thread = new Thread(this::run, "journal-writer");
        thread.setDaemon(true);
    }

    /**
     * Locks {@code options.dir()} (see {@link DirectoryLock}), recovers the journal in it (see {@link JournalRecovery})
     * and starts its writer thread. The lock is held until {@link #close()}.
     *
     * @throws JournalException "journal directory ... is in use by another gateway process" if another process, or
     *                          another writer of this one, has the directory open; nothing in it was touched then
     */
    public static JournalWriter open(JournalOptions options, DurableListener listener) throws IOException {
        return open(options, listener, ChannelFactory.FILES);
    }

    /** As {@link #open(JournalOptions, DurableListener)}, with the files opened through {@code channels}. */
    public static JournalWriter open(JournalOptions options, DurableListener listener, ChannelFactory channels) throws IOException {
        return open(options, listener, channels, 0);
    }

    /**
     * As {@link #open(JournalOptions, DurableListener, ChannelFactory)}, knowing that records up to {@code knownDurable}
     * were durable before (the projection's mark): recovery refuses a journal whose good records end before it rather
     * than cut them as a torn tail.
     */
    public static JournalWriter open(JournalOptions options, DurableListener listener, ChannelFactory channels, long knownDurable)
            throws IOException {
        // Before recovery: recovery cuts tails and zero-fills, which must never happen under a running writer.
        DirectoryLock dirLock = DirectoryLock.acquire(options.dir());
        try {
            SegmentFiles files = new SegmentFiles(options.dir(), channels);
            JournalRecovery.Recovered recovered = JournalRecovery.recover(options, files, knownDurable);
            SegmentAppender appender = SegmentAppender.open(files, options, recovered);
            JournalWriter w;
            try {
                w = new JournalWriter(options, listener, dirLock, files, appender, recovered);
                w.thread.start();
            } catch (RuntimeException | Error e) {
                appender.close();
                throw e;
            }
            return w;
        } catch (IOException | RuntimeException | Error e) {
            try {
                dirLock.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /**
     * Appends a record of {@code type} (0..65535, the caller's record kind); returns its sequence. It is durable
     * once {@link #durableSequence()} reaches that.
     */
    public long append(int type, byte[] payload) {
        return append(type, payload, 0, payload.length);
    }

    public long append(int type, byte[] payload, int off, int len) {
        return append(type, payload, off, len, false);
    }

    /**
     * As {@link #append(int, byte[], int, int)}; but with {@code write} durability, when the writer thread is idle,
     * the calling thread writes the batch itself before returning (the record is durable then, and the listener was
     * told on this thread). A lightly loaded journal so costs one write(2) and no thread wake-up, which is tens of
     * microseconds on this kind of machine; under load the writer thread is busy and this is a plain append. With
     * {@code fsync} it is always a plain append: an fdatasync is not for the caller's thread to wait on.
     *
     * <p>A failed write stops the journal for good here as on the writer thread ({@link JournalStoppedException} from
     * every later append, the listener's {@code onStopped}); this call still returns the record's sequence, which never
     * becomes durable.
     */
    public long appendWritingIfIdle(int type, byte[] payload, int off, int len) {
        return append(type, payload, off, len, options.durability() == Durability.WRITE);
    }

    private long append(int type, byte[] payload, int off, int len, boolean writeHereIfIdle) {
        checkRecord(type, len);
        StagingBuffer batch = null;
        long seq;
        lock.lock();
        try {
            while (true) {
                checkOpen();
                if (filling.tryAppend(lastAppended + 1, type, payload, off, len)) {
                    break;
                }
                awaitSpace();
            }
            seq = ++lastAppended;
            if (writeHereIfIdle && writerIdle && !batchInHand) {
                batch = takeBatch(); // the writer thread stays parked
            } else {
                wakeWriter();
            }
        } finally {
            lock.unlock();
        }
        if (batch != null) writeHere(batch);
        return seq;
    }

    /** Writes a batch this producer took; a failure stops the journal (and the writer thread, which then ends). */
    private void writeHere(StagingBuffer batch) {
        try {
            write(batch);
        } catch (IOException | RuntimeException | Error e) {
            stop(e);
            lock.lock();
            try {
                batchInHand = false;
                writerIdle = false;
                work.signal(); // it sees the failure, closes the appender and ends
            } finally {
                lock.unlock();
            }
            wakeEveryone();
        }
    }

    /** Appends {@code payload}'s remaining bytes (its position is left as it was). */
    public long append(int type, ByteBuffer payload) {
        checkRecord(type, payload.remaining());
        lock.lock();
        try {
            while (true) {
                checkOpen();
                if (filling.tryAppend(lastAppended + 1, type, payload)) {
                    return appended();
                }
                awaitSpace();
            }
        } finally {
            lock.unlock();
        }
    }

    private void checkRecord(int type, int len) {
        if (type < 0 || type > 0xFFFF) {
            throw new IllegalArgumentException("journal record type " + type + " is outside 0..65535");
        }
        if (len > options.maxPayload()) {
            throw new IllegalArgumentException("journal record payload of " + len + " bytes exceeds the maximum of "
                    + options.maxPayload());
        }
    }

    private long appended() {
        long seq = ++lastAppended;
        wakeWriter();
        return seq;
    }

    /** Caller holds lock. A batch in a producer's hands is followed by the writer thread when it is handed back. */
    private void wakeWriter() {
        if (writerIdle && !batchInHand) {
            writerIdle = false;
            work.signal();
        }
    }

    /** Caller holds lock, with records in {@code filling} and a spare: takes them as the next batch to write. */
    private StagingBuffer takeBatch() {
        batchInHand = true;
        StagingBuffer batch = filling;
        filling = spare;
        spare = null;
        if (producersWaiting > 0) {
            space.signalAll();
        }
        return batch;
    }

    private void awaitSpace() {
        producersWaiting++;
        try {
            space.awaitUninterruptibly();
        } finally {
            producersWaiting--;
        }
    }

    private void checkOpen() {
        JournalStoppedException f = failure;
        if (f != null) {
            throw new JournalStoppedException(f.getMessage(), f.getCause());
        }
        if (closing) {
            throw new JournalStoppedException("journal in " + options.dir() + " is closed", null);
        }
    }

    /** Every record up to this sequence is durable. Starts at the last recovered record's sequence. */
    public long durableSequence() {
        return durable;
    }

    /** The sequence of the last record appended (or recovered). */
    public long lastAppendedSequence() {
        lock.lock();
        try {
            return lastAppended;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Sequence of the oldest record the journal holds (1 for a new journal): the first sequence of its oldest segment,
     * as recovered, then as {@link #pruneThrough} leaves it.
     */
    public long firstSequence() {
        return firstSequence;
    }

    /** Sequence of the last record found when the journal was opened (0 for a new journal). */
    public long recoveredLastSequence() {
        return recoveredLastSequence;
    }

    /** What recovery cut from the tail when the journal was opened, or null if nothing. */
    public String recoveryCut() {
        return recoveryCut;
    }

    /** The failure that stopped the journal, or null while it runs (or after a clean close). */
    public JournalStoppedException failure() {
        return failure;
    }

    /**
     * Blocks until {@code sequence} is durable. For callers that can afford a thread per wait (tests, tools); the
     * ledger uses the {@link DurableListener} instead.
     *
     * @throws JournalStoppedException if the journal stopped before it became durable
     */
    public void awaitDurable(long sequence) throws InterruptedException {
        if (durable >= sequence) {
            return;
        }
        lock.lock();
        try {
            while (durable < sequence) {
                JournalStoppedException f = failure;
                if (f != null) {
                    throw new JournalStoppedException(f.getMessage(), f.getCause());
                }
                if (sequence > lastAppended) {
                    throw new IllegalArgumentException("sequence " + sequence + " was never appended (last " + lastAppended + ")");
                }
                if (closing && !thread.isAlive()) {
                    throw new JournalStoppedException("journal in " + options.dir() + " is closed", null);
                }
                durableWaiters++;
                try {
                    durableAdvanced.await();
                } finally {
                    durableWaiters--;
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Deletes the segments all of whose records have a sequence up to {@code sequence} (records applied elsewhere,
     * e.g. by the projection tailer, and no longer needed for replay), oldest first; returns how many files it
     * deleted. Any thread; the producer and the writer thread never wait for it.
     *
     * <ul>
     *   <li>A segment's last sequence is its successor's first minus one, so only a segment with a successor can go:
     *       the segment being appended to never does.</li>
     *   <li>Nothing beyond {@link #durableSequence()} counts, whatever {@code sequence} says: a record not yet durable
     *       cannot have been applied anywhere.</li>
     *   <li>A {@link JournalReader} that has a deleted segment open reads on (the file lives until it is closed); one
     *       that reaches a deleted segment, or asks for a record in one, fails with "journal records before N were
     *       pruned", never skipping them.</li>
     *   <li>An I/O failure is logged (WARN) and ends this pruning, never thrown: the journal is still whole, only
     *       longer than it might be; what was deleted up to then is counted.</li>
     *   <li>After {@link #close()} nothing is deleted (the directory may be another writer's by then): 0.</li>
     * </ul>
     */
    public int pruneThrough(long sequence) {
        // durable first, then the active segment (inside): if durable covers a segment's last record, the roll past
        // that segment (published before durable advanced) is seen too.
        long through = Math.min(sequence, durable);
        pruneLock.lock();
        try {
            if (released) {
                return 0;
            }
            boolean nothingToDo = afterOldest != 0
                    ? through < afterOldest - 1
                    : appender.currentFirstSequence() == oldestKept;
            if (nothingToDo) {
                // Known without listing the directory: a tailer may call this after every batch it applies.
                return 0;
            }
            return deleteThrough(through);
        } finally {
            pruneLock.unlock();
        }
    }

    private int deleteThrough(long through) {
        List<SegmentFiles.Segment> segments;
        try {
            segments = files.list();
        } catch (IOException | DirectoryIteratorException e) {
            LOG.warn("pruning journal {}: listing its segments failed, nothing deleted: {}", options.dir(), e.toString());
            return 0;
        }
        if (segments.isEmpty()) {
            return 0;
        }
        long active = appender.currentFirstSequence();
        int deleted = 0;
        int i = 0;
        for (; i + 1 < segments.size(); i++) {
            SegmentFiles.Segment seg = segments.get(i);
            long last = segments.get(i + 1).firstSequence() - 1;
            if (last > through || seg.firstSequence() >= active) {
                break;
            }
            try {
                Files.delete(seg.path());
                deleted++;
                // Each deletion durable before the next: were a crash to keep an older segment and lose the deletion
                // of a newer one, recovery would find records missing between them and refuse to open.
                files.forceDirectory();
            } catch (IOException e) {
                LOG.warn("pruning journal {}: deleting segment {} failed, stopping after {} deleted: {}",
                        options.dir(), seg.path().getFileName(), deleted, e.toString());
                if (Files.notExists(seg.path())) {
                    i++;
                }
                break;
            }
        }
        oldestKept = segments.get(i).firstSequence();
        afterOldest = i + 1 < segments.size() ? segments.get(i + 1).firstSequence() : 0;
        firstSequence = oldestKept;
        if (deleted > 0) {
            LOG.info("pruned {} journal segment(s) of {}: records before {} are gone", deleted, options.dir(), oldestKept);
        }
        return deleted;
    }

    private void run() {
        StagingBuffer batch;
        try {
            while ((batch = nextBatch()) != null) {
                write(batch);
            }
            if (failure == null) appender.forceOnClose();
        } catch (IOException | RuntimeException | Error e) {
            stop(e);
        } finally {
            try {
                appender.close();
            } catch (IOException e) {
                LOG.warn("closing journal segment {}: {}", appender.currentSegment(), e.toString());
            }
            wakeEveryone();
        }
    }

    /**
     * Writes one batch (the writer thread's, or a producer's: whoever holds it), then hands the buffer back. The
     * durable sequence moves before the hand-back, so it only ever grows; the listener hears after it.
     */
    private void write(StagingBuffer batch) throws IOException {
        batch.seal();
        appender.write(batch);
        long seq = batch.lastSequence();
        durable = seq;
        count(batch);
        batch.clear();
        returnBuffer(batch);
        notifyDurable(seq);
    }

    /**
     * Waits for records and takes them (swapping in the spare buffer); null once closing and nothing is left, or
     * once the journal stopped (a producer's write failed).
     */
    private StagingBuffer nextBatch() {
        lock.lock();
        try {
            while (filling.isEmpty() || batchInHand) {
                if (failure != null || closing && !batchInHand) {
                    return null;
                }
                writerIdle = true;
                work.awaitUninterruptibly();
            }
            writerIdle = false;
            if (failure != null) {
                return null;
            }
            return takeBatch();
        } finally {
            lock.unlock();
        }
    }

    private void returnBuffer(StagingBuffer empty) {
        lock.lock();
        try {
            spare = empty;
            batchInHand = false;
            if (durableWaiters > 0) {
                durableAdvanced.signalAll();
            }
            if (writerIdle && (!filling.isEmpty() || closing)) {
                // A producer wrote this batch while the writer thread waited: records appended meanwhile are its.
                writerIdle = false;
                work.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Counts a written batch. Publishing a fresh record per batch is one small allocation per batch, not per record;
     * under load batches are hundreds of records.
     */
    private void count(StagingBuffer batch) {
        batchesWritten++;
        recordsWritten += batch.count();
        bytesWritten += batch.size();
        stats = new JournalStats(batchesWritten, recordsWritten, bytesWritten, appender.forces, appender.forceNanos,
                appender.maxForceNanos);
    }

    /** Counters of the writer thread, as of the last batch written. */
    public JournalStats stats() {
        return stats;
    }

    private void notifyDurable(long seq) {
        try {
            listener.onDurable(seq);
        } catch (RuntimeException e) {
            LOG.error("journal durable listener failed at sequence {}", seq, e);
        }
    }

    private void stop(Throwable cause) {
        String why = cause instanceof IOException && cause.getCause() != null
                ? cause.getMessage() + ": " + cause.getCause()
                : String.valueOf(cause);
        JournalStoppedException f = new JournalStoppedException("journal stopped for good: " + why
                + "; records up to sequence " + durable + " are durable, later ones may not be; appends fail from now on"
                + " (restart to recover the journal from disk)", cause);
        LOG.error(f.getMessage(), cause);
        try {
            // before anyone hears of the stop: the records after durable are answered as refused from then on, so the
            // next start must cut them even if they reached the disk (StopMark)
            StopMark.write(options.dir(), durable);
        } catch (IOException | RuntimeException e) {
            LOG.error("journal in {}: the stop mark could not be written ({}): the next start keeps whatever records after"
                    + " sequence {} reached the disk, though they were answered as refused", options.dir(), e.toString(), durable);
        }
        // The listener hears first, so whoever sees an append fail can count on the listener knowing already.
        try {
            listener.onStopped(f);
        } catch (RuntimeException e) {
            LOG.error("journal stop listener failed", e);
        }
        failure = f;
    }

    private void wakeEveryone() {
        lock.lock();
        try {
            space.signalAll();
            durableAdvanced.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** True if {@code t} is this journal's writer thread (where the appends' futures complete). */
    public boolean isWriterThread(Thread t) {
        return t == thread;
    }

    /**
     * Writes (and forces) what was appended, stops the writer thread, then releases the directory's lock (also when
     * the journal had stopped on a failure: the writer thread has ended either way). Appends after close fail.
     * Returns normally even if the journal had stopped on a failure; {@link #failure()} tells.
     */
    @Override
    public void close() {
        lock.lock();
        try {
            closing = true;
            work.signal();
        } finally {
            lock.unlock();
        }
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        releaseDirectory();
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void releaseDirectory() {
        pruneLock.lock();
        try {
            released = true;
            directoryLock.close();
        } catch (IOException e) {
            LOG.warn("releasing the lock of journal directory {}: {}", options.dir(), e.toString());
        } finally {
            pruneLock.unlock();
        }
    }
}
