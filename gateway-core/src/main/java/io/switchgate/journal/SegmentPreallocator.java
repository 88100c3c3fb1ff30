package io.switchgate.journal;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * With {@link Durability#FSYNC}, makes the next segment ahead of time on a thread of its own: a spare file, zero-filled
 * to size and forced, under a name that is not a segment's ({@value #SPARE_NAME}). A roll then only renames it to the
 * segment's name and forces the directory, instead of stalling the writer (and every answer waiting on it) while
 * 64 MiB of zeros go to disk. A spare left by a crash holds no record; it is deleted and made again at the next open.
 */
final class SegmentPreallocator implements AutoCloseable {
    static final String SPARE_NAME = "next-segment.spare";

    private final SegmentFiles files;
    private final long segmentBytes;
    private final Path spare;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "journal-preallocator");
        t.setDaemon(true);
        return t;
    });
    private Future<Path> next;

    SegmentPreallocator(SegmentFiles files, long segmentBytes) throws IOException {
        this.files = files;
        this.segmentBytes = segmentBytes;
        this.spare = files.dir().resolve(SPARE_NAME);
        Files.deleteIfExists(spare);
        next = thread.submit(this::prepare);
    }

    private Path prepare() throws IOException {
        try (FileChannel ch = files.channels().open(spare, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            SegmentFiles.zeroFill(ch, 0, segmentBytes);
            ch.force(true);
        }
        return spare;
    }

    /**
     * Turns the spare into the segment starting at {@code firstSequence} (waiting for it if it is not ready yet), opens
     * it, and starts on the next spare.
     */
    FileChannel take(long firstSequence) throws IOException {
        Path ready;
        try {
            ready = next.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof IOException io ? io : new IOException("preparing the next journal segment failed", cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the next journal segment");
        }
        Path target = files.pathFor(firstSequence);
        Files.move(ready, target, StandardCopyOption.ATOMIC_MOVE);
        files.forceDirectory();
        next = thread.submit(this::prepare);
        return files.openForWrite(target);
    }

    @Override
    public void close() {
        thread.shutdownNow();
        try {
            thread.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
