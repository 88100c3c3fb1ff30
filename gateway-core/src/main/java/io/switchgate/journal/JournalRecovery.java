package io.switchgate.journal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Opens a journal directory as it was left, however it was left: reads every segment in order, checks every record
 * (CRC, sequence continuity, and that each segment's name matches the sequence it starts with), and finds where the
 * next record goes.
 *
 * <p>Rules:
 * <ul>
 *   <li>A bad record at the tail (in the last segment, with no good record after it further than one batch) is a
 *       torn write: it is cut. The bytes from the cut on are overwritten with zeros, so nothing of the torn write can
 *       be mistaken for a record later, and a log line says what was cut.</li>
 *   <li>A bad record anywhere else (in a segment that is followed by another, or followed by a good record beyond
 *       one batch in the last segment), or a gap in sequences between segments: {@link JournalCorruptException},
 *       naming the segment, the offset and the reason.</li>
 *   <li>A last segment shorter than a segment (a crash while it was being preallocated) is zero-filled to size.</li>
 *   <li>Records known to have been durable (the caller's {@code knownDurable}: the projection's mark, which never
 *       passes the durable sequence) cannot be a torn write: if the journal's good records end before them, it
 *       refuses to open, and nothing is cut.</li>
 *   <li>What a cut discards is first copied aside, to {@code <segment>.cut-<offset>} next to the segment, so an
 *       operator can look at it; the journal never reads those files.</li>
 * </ul>
 */
final class JournalRecovery {
    private static final Logger LOG = LoggerFactory.getLogger(JournalRecovery.class);

    /**
     * Where the journal stands after recovery.
     *
     * @param firstSequence     sequence of the first record kept (of the oldest segment's first record)
     * @param lastSequence      sequence of the last good record, {@code firstSequence - 1} if there is none
     * @param tail              the segment the next record goes to; null when the directory held no segment
     * @param tailEnd           offset in {@code tail} where the next record goes
     * @param cut               what was cut from the tail, null if nothing
     */
    record Recovered(long firstSequence, long lastSequence, SegmentFiles.Segment tail, long tailEnd, String cut) {
    }

    private JournalRecovery() {
    }

    /**
     * @param knownDurable a sequence that was durable before this start (0: none known): the records up to it must
     *                     all be there and whole, or the journal is refused
     */
    static Recovered recover(JournalOptions options, SegmentFiles files, long knownDurable) throws IOException {
        Files.createDirectories(files.dir());
        java.util.OptionalLong stopped = StopMark.read(files.dir());
        if (stopped.isPresent()) {
            cutAfterStop(options, files, stopped.getAsLong());
            StopMark.clear(files.dir());
        }
        List<SegmentFiles.Segment> segments = files.list();
        if (segments.isEmpty()) {
            if (knownDurable > 0) {
                // New records would reuse sequences the tables already count as applied, and never reach them.
                throw new JournalException("the journal in " + files.dir() + " holds no record, but records up to "
                        + knownDurable + " were durable before (the tables hold them): is journal.dir the directory "
                        + "this store was journaled in?");
            }
            return new Recovered(1, 0, null, 0, null);
        }
        long first = segments.get(0).firstSequence();
        long expected = first;
        for (int i = 0; i < segments.size(); i++) {
            SegmentFiles.Segment seg = segments.get(i);
            if (seg.firstSequence() != expected) {
                throw new JournalCorruptException("journal segment " + seg.path() + " starts at sequence " + seg.firstSequence()
                        + " but the records before it end at " + (expected - 1) + ": records are missing");
            }
            boolean last = i == segments.size() - 1;
            try (SegmentReader reader = new SegmentReader(files.openForRead(seg.path()), expected, options.maxPayload())) {
                while (reader.next()) {
                    // checking is all: the records are replayed later, by JournalReader
                }
                expected = reader.expectedSequence();
                if (!last) {
                    SegmentReader.Stop stop = reader.stop();
                    if (stop != SegmentReader.Stop.ZEROS && stop != SegmentReader.Stop.END_OF_FILE) {
                        throw new JournalCorruptException("journal segment " + seg.path() + " has a bad record at offset "
                                + reader.endOffset() + " (sequence " + expected + " expected): " + reader.stopDetail()
                                + "; segment " + segments.get(i + 1).path().getFileName()
                                + " follows, so this is corruption inside the journal, not a torn tail");
                    }
                    continue;
                }
                if (expected - 1 < knownDurable) {
                    throw new JournalCorruptException("journal segment " + seg.path() + " has its last good record at sequence "
                            + (expected - 1) + " (offset " + reader.endOffset() + ": " + reader.stopDetail()
                            + "), but records up to " + knownDurable + " were durable before (the tables hold them): "
                            + "damage inside the journal, not a torn tail (or a journal behind its tables: another journal.dir, or a "
                            + "power loss under durability write); nothing was cut");
                }
                String cut = cutTail(options, files, seg, reader);
                return new Recovered(first, expected - 1, seg, reader.endOffset(), cut);
            }
        }
        throw new AssertionError("unreachable: the last segment returns");
    }

    /**
     * The journal stopped for good on a disk error with records up to {@code durable} reported durable ({@link StopMark}):
     * every record after it was answered as refused, so whatever of them reached the disk is cut (copied aside first,
     * as a torn tail is), in the segment that holds {@code durable + 1}, and every later segment is renamed aside.
     */
    private static void cutAfterStop(JournalOptions options, SegmentFiles files, long durable) throws IOException {
        List<SegmentFiles.Segment> segments = files.list();
        long kept = 0;
        int moved = 0;
        for (int i = 0; i < segments.size(); i++) {
            SegmentFiles.Segment seg = segments.get(i);
            boolean holdsNext = seg.firstSequence() <= durable + 1
                    && (i + 1 == segments.size() || segments.get(i + 1).firstSequence() > durable + 1);
            if (seg.firstSequence() > durable + 1) {
                Path aside = seg.path().resolveSibling(seg.path().getFileName() + ".cut-stopped");
                Files.move(seg.path(), aside, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                moved++;
                continue;
            }
            if (!holdsNext) continue;
            long cutAt;
            try (SegmentReader reader = new SegmentReader(files.openForRead(seg.path()), seg.firstSequence(), options.maxPayload())) {
                while (reader.expectedSequence() <= durable && reader.next()) {
                    // up to the last durable record
                }
                if (reader.expectedSequence() <= durable) {
                    // the durable records themselves are not all there: not this rule's to mend (recovery judges it)
                    LOG.warn("journal {} stopped for good after sequence {}, but its records end at {}: nothing cut for the stop",
                            files.dir(), durable, reader.expectedSequence() - 1);
                    return;
                }
                cutAt = reader.endOffset();
            }
            try (FileChannel ch = files.openForWrite(seg.path())) {
                long dirtyEnd = TailInspector.inspect(ch, cutAt, durable, options.maxPayload()).dirtyEnd();
                if (dirtyEnd > cutAt) {
                    Path aside = copyAside(files, ch, seg.path(), cutAt, dirtyEnd);
                    files.forceDirectory();
                    SegmentFiles.zeroFill(ch, cutAt, dirtyEnd);
                    ch.force(true);
                    kept = dirtyEnd - cutAt;
                    LOG.warn("journal {} had stopped for good after sequence {} (a disk error): cut {} bytes after it in segment {},"
                            + " records answered as refused then; copied to {}", files.dir(), durable, kept,
                            seg.path().getFileName(), aside.getFileName());
                }
            }
        }
        if (moved > 0) {
            files.forceDirectory();
            LOG.warn("journal {} had stopped for good after sequence {}: {} later segment(s) renamed to *.cut-stopped",
                    files.dir(), durable, moved);
        }
        if (kept == 0 && moved == 0) {
            LOG.info("journal {} had stopped for good after sequence {}: nothing after it reached the disk", files.dir(), durable);
        }
    }

    /** Checks what follows the last good record of the last segment, cuts a torn tail, refuses corruption. */
    private static String cutTail(JournalOptions options, SegmentFiles files, SegmentFiles.Segment seg, SegmentReader reader)
            throws IOException {
        long cutAt = reader.endOffset();
        long lastGood = reader.expectedSequence() - 1;
        try (FileChannel ch = files.openForWrite(seg.path())) {
            TailInspector.Finding f = TailInspector.inspect(ch, cutAt, lastGood, options.maxPayload());
            if (f.furthestOffset() >= cutAt + RecordLayout.MAX_BATCH_BYTES) {
                throw new JournalCorruptException("journal segment " + seg.path() + " has a bad record at offset " + cutAt
                        + " (sequence " + (lastGood + 1) + " expected): " + reader.stopDetail() + "; a good record (sequence "
                        + f.furthestSequence() + ") follows at offset " + f.furthestOffset()
                        + ", further than one batch, so this is corruption inside the journal, not a torn tail");
            }
            String cut = null;
            if (f.dirtyEnd() > cutAt) {
                cut = "cut the tail of journal segment " + seg.path() + " at offset " + cutAt + " after sequence " + lastGood
                        + ": " + reader.stopDetail() + "; " + (f.dirtyEnd() - cutAt) + " bytes discarded"
                        + (f.laterRecords() > 0 ? ", holding " + f.laterRecords() + " good record(s) after the bad one, within"
                        + " one batch's reach, so taken for the rest of a torn write (if the disk damaged acknowledged"
                        + " records instead, they were answered: the copy keeps them)" : "");
                Path aside = copyAside(files, ch, seg.path(), cutAt, f.dirtyEnd());
                files.forceDirectory(); // the copy's name on disk before the zeros are
                cut += "; copied to " + aside.getFileName();
                LOG.warn(cut);
                SegmentFiles.zeroFill(ch, cutAt, f.dirtyEnd());
            }
            long size = ch.size();
            if (size < options.segmentBytes()) {
                LOG.warn("journal segment {} is {} bytes, less than {}: zero-filling the rest (a crash while it was created)",
                        seg.path(), size, options.segmentBytes());
                SegmentFiles.zeroFill(ch, size, options.segmentBytes());
            }
            if (cut != null || size < options.segmentBytes()) {
                ch.force(true);
            }
            return cut;
        }
    }

    /**
     * Copies {@code [from, to)} of the segment to {@code <segment>.cut-<from>} (forced) before the cut zero-fills it:
     * a torn write is garbage, but a cut that took good records with it (the documented limit of the rule, within one
     * batch of the tail) can then still be read by hand. A file of that name left by an earlier start is replaced.
     * The copy is forced, and the caller forces the directory, before the zero-fill is written.
     */
    private static Path copyAside(SegmentFiles files, FileChannel ch, Path segment, long from, long to) throws IOException {
        Path aside = segment.resolveSibling(segment.getFileName() + ".cut-" + from);
        try (FileChannel out = files.openReplacing(aside)) {
            long pos = from;
            while (pos < to) {
                pos += ch.transferTo(pos, to - pos, out);
            }
            out.force(true);
        }
        return aside;
    }
}
