package io.switchgate.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * Puts sealed batches into segment files: one positional write per batch (two when the batch crosses into a new
 * segment), a force after it with {@link Durability#FSYNC}, and the roll to a new preallocated segment when the next
 * record does not fit. Used by the writer thread only. Every failure is an {@link IOException} whose message says
 * which operation failed on which file; it is never retried (see {@link JournalStoppedException}).
 */
final class SegmentAppender implements AutoCloseable {
    private final SegmentFiles files;
    private final long segmentBytes;
    private final boolean fsync;
    /** Makes the next segment ahead of time; fsync only (with write, a new segment is sparse and costs nothing). */
    private final SegmentPreallocator preallocator;
    private FileChannel channel;
    private Path path;
    /**
     * First sequence of the segment being appended to. Written by the writer thread only after the segment's file
     * exists, read by {@link JournalWriter#pruneThrough} on other threads: every segment before it has a successor.
     */
    private volatile long currentFirst;
    // Read by the writer thread only; JournalWriter publishes them.
    long forces;
    long forceNanos;
    long maxForceNanos;
    private long capacity;
    private long position;

    private SegmentAppender(SegmentFiles files, JournalOptions options) throws IOException {
        this.files = files;
        this.segmentBytes = options.segmentBytes();
        this.fsync = options.durability() == Durability.FSYNC;
        this.preallocator = fsync ? new SegmentPreallocator(files, segmentBytes) : null;
    }

    /** Continues the recovered tail segment at its end, or creates the first segment of an empty journal. */
    static SegmentAppender open(SegmentFiles files, JournalOptions options, JournalRecovery.Recovered at) throws IOException {
        SegmentAppender a = new SegmentAppender(files, options);
        try {
            if (at.tail() == null) {
                a.channel = files.create(at.lastSequence() + 1, a.segmentBytes, a.fsync);
                a.path = files.pathFor(at.lastSequence() + 1);
                a.currentFirst = at.lastSequence() + 1;
                a.capacity = a.segmentBytes;
            } else {
                a.path = at.tail().path();
                a.currentFirst = at.tail().firstSequence();
                a.channel = files.openForWrite(a.path);
                a.capacity = a.channel.size();
                a.position = at.tailEnd();
            }
            return a;
        } catch (IOException | RuntimeException e) {
            a.close();
            throw e;
        }
    }

    /** Writes the whole batch (forcing it with {@code fsync}); on return every record of it is durable. */
    void write(StagingBuffer batch) throws IOException {
        int from = 0;
        while (from < batch.size()) {
            int n = batch.wholeRecordsWithin(from, capacity - position);
            if (n > 0) {
                writeFully(batch.slice(from, n));
                from += n;
            }
            if (from < batch.size()) {
                // The next record does not fit: what is in this segment must be durable before any record lands in
                // the next one, or a crash could keep the later segment and lose the end of this one.
                force();
                startSegment(batch.sequenceAt(from));
            }
        }
        force();
    }

    private void writeFully(ByteBuffer data) throws IOException {
        try {
            while (data.hasRemaining()) {
                position += channel.write(data, position);
            }
        } catch (IOException e) {
            throw new IOException("write to journal segment " + path + " at offset " + position + " failed", e);
        }
    }

    private void force() throws IOException {
        if (!fsync) {
            return;
        }
        try {
            long t0 = System.nanoTime();
            channel.force(false);
            long t = System.nanoTime() - t0;
            forces++;
            forceNanos += t;
            maxForceNanos = Math.max(maxForceNanos, t);
        } catch (IOException e) {
            throw new IOException("fdatasync (force) of journal segment " + path + " failed", e);
        }
    }

    private void startSegment(long firstSequence) throws IOException {
        Path next = files.pathFor(firstSequence);
        FileChannel old = channel;
        try {
            channel = preallocator != null ? preallocator.take(firstSequence) : files.create(firstSequence, segmentBytes, false);
        } catch (IOException e) {
            throw new IOException("creating journal segment " + next + " (" + segmentBytes + " bytes) failed", e);
        } finally {
            if (old != null) {
                old.close();
            }
        }
        path = next;
        currentFirst = firstSequence;
        capacity = segmentBytes;
        position = 0;
    }

    /** Forces whatever was written, whatever the durability: a clean shutdown leaves nothing to chance. */
    void forceOnClose() throws IOException {
        if (channel != null) {
            channel.force(false);
        }
    }

    Path currentSegment() {
        return path;
    }

    /** First sequence of the segment being appended to; any thread. */
    long currentFirstSequence() {
        return currentFirst;
    }

    @Override
    public void close() throws IOException {
        if (preallocator != null) {
            preallocator.close();
        }
        if (channel != null) {
            channel.close();
        }
    }
}
