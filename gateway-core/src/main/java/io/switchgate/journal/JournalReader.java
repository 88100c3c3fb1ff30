package io.switchgate.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Replays a journal's records in sequence order from a given sequence, one at a time, with bounded memory (one
 * buffer of {@link RecordLayout#MAX_BATCH_BYTES}, whatever the journal's length): the future recovery loads a snapshot
 * and replays what follows it. Every record is checked as it is read.
 *
 * <pre>{@code
 * try (JournalReader r = JournalReader.open(dir, snapshotSequence + 1)) {
 *     while (r.next()) ledger.apply(r.sequence(), r.type(), r.payload());
 * }
 * }</pre>
 *
 * Meant for a journal that is not being written (open it for writing afterwards, or read up to the writer's
 * durable sequence only: a record past it may still be incomplete). Reading ends at the first record that is not
 * there or not whole in the last segment; a bad record in any other segment is {@link JournalCorruptException}.
 *
 * <p>It takes no lock: it reads alongside the writer, and alongside {@link JournalWriter#pruneThrough}. A segment it
 * has open stays readable after it is deleted; records it has not reached yet that were pruned are a
 * {@link JournalException} ("journal records before N were pruned"), never skipped.
 */
public final class JournalReader implements AutoCloseable {
    private final SegmentFiles files;
    private List<SegmentFiles.Segment> segments;
    private final long from;
    private final int maxPayload;
    private int index;
    private SegmentReader current;

    private JournalReader(SegmentFiles files, List<SegmentFiles.Segment> segments, int index, long from, int maxPayload) {
        this.files = files;
        this.segments = segments;
        this.index = index;
        this.from = from;
        this.maxPayload = maxPayload;
    }

    /** Opens {@code dir} to read the records from {@code fromSequence} on. */
    /** The first sequence the journal in {@code dir} still holds (older segments pruned), or 1 if it holds none. */
    public static long firstSequence(Path dir) throws IOException {
        List<SegmentFiles.Segment> segments = new SegmentFiles(dir, ChannelFactory.FILES).list();
        return segments.isEmpty() ? 1 : segments.get(0).firstSequence();
    }

    public static JournalReader open(Path dir, long fromSequence) throws IOException {
        return open(dir, fromSequence, ChannelFactory.FILES);
    }

    public static JournalReader open(Path dir, long fromSequence, ChannelFactory channels) throws IOException {
        SegmentFiles files = new SegmentFiles(dir, channels);
        List<SegmentFiles.Segment> segments = files.list();
        if (!segments.isEmpty() && fromSequence < segments.get(0).firstSequence()) {
            throw pruned(segments.get(0).firstSequence(), "the journal in " + dir + " starts at sequence "
                    + segments.get(0).firstSequence() + ", records from " + fromSequence + " were asked for");
        }
        return new JournalReader(files, segments, indexOf(segments, fromSequence), fromSequence, RecordLayout.MAX_PAYLOAD);
    }

    /** The segment that holds {@code sequence}: the last one starting at or before it. */
    private static int indexOf(List<SegmentFiles.Segment> segments, long sequence) {
        int index = 0;
        for (int i = 0; i < segments.size(); i++) {
            if (segments.get(i).firstSequence() <= sequence) {
                index = i;
            }
        }
        return index;
    }

    /** Moves to the next record; false when there is none. */
    public boolean next() throws IOException {
        while (true) {
            if (current == null) {
                if (index >= segments.size()) {
                    return false;
                }
                SegmentFiles.Segment seg = segments.get(index);
                current = new SegmentReader(openListed(seg), seg.firstSequence(), maxPayload);
            }
            while (current.next()) {
                if (current.sequence() >= from) {
                    return true;
                }
            }
            if (index == segments.size() - 1) {
                return false;
            }
            SegmentFiles.Segment seg = segments.get(index);
            SegmentFiles.Segment following = segments.get(index + 1);
            SegmentReader.Stop stop = current.stop();
            boolean cleanEnd = stop == SegmentReader.Stop.ZEROS || stop == SegmentReader.Stop.END_OF_FILE;
            if (!cleanEnd || following.firstSequence() != current.expectedSequence()) {
                throw new JournalCorruptException("journal segment " + seg.path() + " ends at offset " + current.endOffset()
                        + " with sequence " + (current.expectedSequence() - 1) + " (" + current.stopDetail() + ") but "
                        + following.path().getFileName() + " starts at sequence " + following.firstSequence());
            }
            current.close();
            current = null;
            index++;
        }
    }

    /**
     * For a reader that follows a journal being written (the projection tailer), instead of opening a new reader from
     * the start of the segment each time: forgets what was read ahead of the last record {@link #next()} returned, and
     * lists the segments again, so the next {@link #next()} sees the records written since, in this segment or in
     * segments created since. Call it only between records (after a record, or after {@code next()} returned false)
     * and read no further than the writer's durable sequence, as always.
     */
    public void refresh() throws IOException {
        if (current == null) { // nothing read yet: start as a reader opened now would
            segments = files.list();
            if (!segments.isEmpty() && from < segments.get(0).firstSequence()) {
                throw pruned(segments.get(0).firstSequence(), "the journal in " + files.dir() + " starts at sequence "
                        + segments.get(0).firstSequence() + ", records from " + from + " were asked for");
            }
            index = indexOf(segments, from);
            return;
        }
        current.forgetReadAhead();
        SegmentFiles.Segment at = segments.get(index);
        List<SegmentFiles.Segment> now = new ArrayList<>();
        now.add(at); // kept even if retention deleted it under us: its channel is open and we are past its records
        for (SegmentFiles.Segment seg : files.list()) {
            if (seg.firstSequence() > at.firstSequence()) now.add(seg);
        }
        segments = now;
        index = 0;
    }

    /** Opens a segment listed when this reader was opened; one deleted since then was pruned under it. */
    private FileChannel openListed(SegmentFiles.Segment seg) throws IOException {
        try {
            return files.openForRead(seg.path());
        } catch (NoSuchFileException e) {
            // Pruning deletes oldest first, so the oldest segment there now is where the records start again.
            long before = seg.firstSequence() + 1;
            for (SegmentFiles.Segment now : files.list()) {
                if (now.firstSequence() > seg.firstSequence()) {
                    before = now.firstSequence();
                    break;
                }
            }
            throw pruned(before, "segment " + seg.path() + " was deleted after this reader, reading from sequence "
                    + from + ", was opened");
        }
    }

    private static JournalException pruned(long before, String detail) {
        return new JournalException("journal records before " + before + " were pruned: " + detail);
    }

    public long sequence() {
        return current.sequence();
    }

    public int type() {
        return current.type();
    }

    /** The record's payload, read-only, positioned at its first byte; valid until the next call of {@link #next()}. */
    public ByteBuffer payload() {
        return current.payload();
    }

    @Override
    public void close() throws IOException {
        if (current != null) {
            current.close();
            current = null;
        }
    }
}
