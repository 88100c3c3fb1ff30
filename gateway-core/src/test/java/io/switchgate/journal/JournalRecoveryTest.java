package io.switchgate.journal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static io.switchgate.journal.JournalFixtures.appendUpTo;
import static io.switchgate.journal.JournalFixtures.assertRecords;
import static io.switchgate.journal.JournalFixtures.flipBit;
import static io.switchgate.journal.JournalFixtures.offsetOf;
import static io.switchgate.journal.JournalFixtures.payload;
import static io.switchgate.journal.JournalFixtures.segments;
import static io.switchgate.journal.JournalFixtures.type;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What opening a damaged journal does. The rule under test: a bad record at the tail (nothing good after it further
 * than one batch, {@link RecordLayout#MAX_BATCH_BYTES}) is cut, and appending continues from the record before it;
 * a bad record anywhere else refuses to open.
 */
class JournalRecoveryTest {
    static final long SMALL_SEGMENT = 4096;

    @TempDir
    Path dir;

    JournalOptions small() {
        return new JournalOptions(dir, Durability.WRITE, SMALL_SEGMENT);
    }

    void write(JournalOptions o, long last) throws Exception {
        try (JournalWriter w = JournalWriter.open(o, DurableListener.NONE)) {
            appendUpTo(w, last);
        }
    }

    /** Opens, checks where recovery stood, appends up to {@code thenUpTo}, and checks every record. */
    String reopenExpecting(JournalOptions o, long recoveredLast, long thenUpTo) throws Exception {
        return reopenExpecting(o, recoveredLast, thenUpTo, 0);
    }

    String reopenExpecting(JournalOptions o, long recoveredLast, long thenUpTo, long knownDurable) throws Exception {
        String cut;
        try (JournalWriter w = JournalWriter.open(o, DurableListener.NONE, ChannelFactory.FILES, knownDurable)) {
            assertEquals(recoveredLast, w.recoveredLastSequence(), "recovered up to");
            assertEquals(recoveredLast + 1, w.append(type(recoveredLast + 1), payload(recoveredLast + 1)));
            appendUpTo(w, thenUpTo);
            cut = w.recoveryCut();
        }
        assertRecords(o.dir(), 1, thenUpTo);
        return cut;
    }

    @Test
    void aTornTailOfGarbageIsCutAndOverwritten() throws Exception {
        write(small(), 20);
        Path seg = segments(dir).get(0);
        long end = offsetOf(1, 21);
        // Half a header, as a write cut short by a crash leaves it (the last byte zero, so 8 bytes are not).
        JournalFixtures.write(seg, end, new byte[] {0, 0, 0, 40, 1, 2, 3, 4, 0});
        String cut = reopenExpecting(small(), 20, 60);
        assertNotNull(cut);
        assertTrue(cut.contains("after sequence 20") && cut.contains("8 bytes discarded"), cut);
    }

    @Test
    void aFlippedBitInTheLastRecordCutsThatRecordOnly() throws Exception {
        write(small(), 20);
        Path seg = segments(dir).get(0);
        flipBit(seg, offsetOf(1, 20) + RecordLayout.HEADER_BYTES + 2, 3);
        String cut = reopenExpecting(small(), 19, 40);
        assertTrue(cut.contains("CRC32C"), cut);
    }

    @Test
    void aBadRecordInASegmentFollowedByAnotherRefusesToOpen() throws Exception {
        write(small(), 500);
        List<Path> segs = segments(dir);
        assertTrue(segs.size() > 3);
        Path middle = segs.get(1);
        long first = Long.parseLong(middle.getFileName().toString().substring(0, 20));
        flipBit(middle, offsetOf(first, first + 3) + 9, 0);
        JournalCorruptException e = assertThrows(JournalCorruptException.class,
                () -> JournalWriter.open(small(), DurableListener.NONE));
        assertTrue(e.getMessage().contains(middle.toString()) && e.getMessage().contains("not a torn tail"), e.getMessage());
        assertTrue(e.getMessage().contains("sequence " + (first + 3)), e.getMessage());
        // The reader refuses too, rather than ending early.
        assertThrows(JournalCorruptException.class, () -> JournalFixtures.readAll(dir, 1));
    }

    @Test
    void theLastRecordOfANonLastSegmentBadRefusesToOpen() throws Exception {
        write(small(), 500);
        Path first = segments(dir).get(0);
        long nextFirst = Long.parseLong(segments(dir).get(1).getFileName().toString().substring(0, 20));
        flipBit(first, offsetOf(1, nextFirst - 1) + RecordLayout.HEADER_BYTES, 6);
        JournalCorruptException e = assertThrows(JournalCorruptException.class,
                () -> JournalWriter.open(small(), DurableListener.NONE));
        assertTrue(e.getMessage().contains(first.toString()), e.getMessage());
    }

    @Test
    void aMissingSegmentRefusesToOpen() throws Exception {
        write(small(), 500);
        Path gone = segments(dir).get(2);
        Files.delete(gone);
        JournalCorruptException e = assertThrows(JournalCorruptException.class,
                () -> JournalWriter.open(small(), DurableListener.NONE));
        assertTrue(e.getMessage().contains("records are missing"), e.getMessage());
    }

    @Test
    void aBadRecordFollowedByGoodOnesBeyondOneBatchInTheLastSegmentRefusesToOpen() throws Exception {
        JournalOptions big = new JournalOptions(dir, Durability.WRITE, 4L << 20);
        write(big, 40_000);
        assertEquals(1, segments(dir).size());
        assertTrue(offsetOf(1, 40_000) - offsetOf(1, 100) > RecordLayout.MAX_BATCH_BYTES);
        flipBit(segments(dir).get(0), offsetOf(1, 100) + RecordLayout.SEQUENCE_OFFSET + 7, 1);
        JournalCorruptException e = assertThrows(JournalCorruptException.class,
                () -> JournalWriter.open(big, DurableListener.NONE));
        assertTrue(e.getMessage().contains("sequence 100 expected") && e.getMessage().contains("further than one batch"),
                e.getMessage());
    }

    /**
     * The documented limit of the rule: within one batch of the tail, a bad record followed by good ones looks exactly
     * like a torn last write (whose later pages reached the disk before an earlier one), so it is cut with them, and
     * the log line says how many good records went.
     */
    @Test
    void aBadRecordWithinOneBatchOfTheTailIsCutWithWhatFollows() throws Exception {
        write(small(), 30);
        flipBit(segments(dir).get(0), offsetOf(1, 28) + RecordLayout.HEADER_BYTES, 0);
        String cut = reopenExpecting(small(), 27, 45);
        assertTrue(cut.contains("holding 2 good record(s) after the bad one"), cut);
    }

    /** Records 1..30 in one segment, a bit of record 28's payload flipped: within one batch of the tail. */
    Path thirtyRecordsWithRecord28Damaged() throws Exception {
        write(small(), 30);
        Path seg = segments(dir).get(0);
        flipBit(seg, offsetOf(1, 28) + RecordLayout.HEADER_BYTES, 0);
        return seg;
    }

    /**
     * The same damage, but the caller knows records past it were durable (the tables' mark): not a torn tail, so
     * opening is refused and the segment is left exactly as it was.
     */
    @Test
    void aBadRecordBeforeWhatIsKnownDurableRefusesToOpenAndCutsNothing() throws Exception {
        Path seg = thirtyRecordsWithRecord28Damaged();
        byte[] before = Files.readAllBytes(seg);
        JournalCorruptException e = assertThrows(JournalCorruptException.class,
                () -> JournalWriter.open(small(), DurableListener.NONE, ChannelFactory.FILES, 29));
        assertTrue(e.getMessage().contains("last good record at sequence 27")
                && e.getMessage().contains("records up to 29 were durable") && e.getMessage().contains("nothing was cut"),
                e.getMessage());
        assertTrue(Arrays.equals(before, Files.readAllBytes(seg)), "the segment is untouched");
        assertEquals(List.of(seg), segments(dir));
        try (var files = Files.list(dir)) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().contains(".cut-")), "nothing copied aside");
        }
        // Known durable up to the record before the damage: the tail rule applies again.
        String cut = reopenExpecting(small(), 27, 40, 27);
        assertTrue(cut.contains("holding 2 good record(s)"), cut);
    }

    /** What a cut zero-fills is first copied aside, byte for byte, and the journal goes on without it. */
    @Test
    void whatACutDiscardsIsCopiedAsideFirst() throws Exception {
        Path seg = thirtyRecordsWithRecord28Damaged();
        long bad = offsetOf(1, 28);
        long end = offsetOf(1, 31);
        byte[] discarded = JournalFixtures.read(seg, bad, (int) (end - bad));
        String cut = reopenExpecting(small(), 27, 40);
        Path aside = dir.resolve(seg.getFileName() + ".cut-" + bad);
        assertTrue(cut.contains("copied to " + aside.getFileName()), cut);
        byte[] copied = Files.readAllBytes(aside);
        // up to the last non-zero byte: the last record's own trailing zeros, if any, are not copied
        assertTrue(copied.length > offsetOf(1, 30) - bad && copied.length <= discarded.length, "copied " + copied.length);
        assertTrue(Arrays.equals(Arrays.copyOf(discarded, copied.length), copied), "the discarded bytes, as they were");
        assertEquals(List.of(seg), segments(dir), "the copy is not a segment");
    }

    /** A disk that fails the copy aside: the start fails on it, before any zero reaches the segment. */
    @Test
    void aCopyAsideThatFailsLeavesTheSegmentUntouched() throws Exception {
        Path seg = thirtyRecordsWithRecord28Damaged();
        byte[] before = Files.readAllBytes(seg);
        FaultyChannels full = new FaultyChannels();
        full.failWrites = true;
        IOException e = assertThrows(IOException.class, () -> JournalWriter.open(small(), DurableListener.NONE, full, 0));
        assertNotNull(e.getMessage());
        assertTrue(Arrays.equals(before, Files.readAllBytes(seg)), "no zeros written: the cut did not happen");
        // The disk mended, the next start cuts as usual.
        String cut = reopenExpecting(small(), 27, 35);
        assertTrue(cut.contains("copied to"), cut);
    }

    /** Tables that hold records, and a journal directory with none: another directory, or an emptied one. */
    @Test
    void anEmptyDirectoryWhenRecordsWereDurableRefusesToOpen() {
        JournalException e = assertThrows(JournalException.class,
                () -> JournalWriter.open(small(), DurableListener.NONE, ChannelFactory.FILES, 5));
        assertTrue(e.getMessage().contains("holds no record") && e.getMessage().contains("journal.dir"), e.getMessage());
    }

    /**
     * The last record written only up to each byte offset (the rest zeros, as in the preallocated file, or garbage):
     * every reopen recovers exactly the records before it, and appending after it works.
     */
    @Test
    void aLastRecordCutAtEveryByteOffsetRecoversTheRecordsBeforeIt() throws Exception {
        Path original = dir.resolve("original");
        write(new JournalOptions(original, Durability.WRITE, SMALL_SEGMENT), 3);
        long lastAt = offsetOf(1, 3);
        int lastBytes = RecordLayout.recordBytes(payload(3).length);
        String name = segments(original).get(0).getFileName().toString();
        byte[] last = JournalFixtures.read(segments(original).get(0), lastAt, lastBytes);
        for (int k = 0; k < lastBytes; k++) {
            for (byte fill : new byte[] {0, (byte) 0xA5}) {
                Path copy = dir.resolve("cut-" + k + "-" + (fill & 0xFF));
                JournalFixtures.copyDir(original, copy);
                byte[] rest = new byte[lastBytes - k];
                Arrays.fill(rest, fill);
                JournalFixtures.write(copy.resolve(name), lastAt + k, rest);
                JournalOptions o = new JournalOptions(copy, Durability.WRITE, SMALL_SEGMENT);
                String cut = reopenExpecting(o, 2, 6);
                if (fill == 0 && allZero(last, k)) {
                    // Nothing but zeros written (the high bytes of the length are zero): a clean end.
                    assertNull(cut, "offset " + k + ": nothing to cut");
                } else {
                    assertNotNull(cut, "offset " + k + " fill " + fill);
                }
            }
        }
    }

    static boolean allZero(byte[] b, int n) {
        for (int i = 0; i < n; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    @Test
    void aLastSegmentShortOfItsSizeIsZeroFilledAndUsed() throws Exception {
        write(small(), 10);
        Path seg = segments(dir).get(0);
        try (var ch = java.nio.channels.FileChannel.open(seg, java.nio.file.StandardOpenOption.WRITE)) {
            ch.truncate(offsetOf(1, 11));
        }
        reopenExpecting(small(), 10, 200);
        assertEquals(SMALL_SEGMENT, Files.size(seg));
    }

    @Test
    void anEmptyLastSegmentLeftByACrashAfterItsCreationIsContinued() throws Exception {
        write(small(), 10);
        // A crash right after the file of the next segment was created, before anything was in it.
        Files.createFile(dir.resolve(String.format("%020d", 11) + ".journal"));
        reopenExpecting(small(), 10, 300);
    }

    @Test
    void filesThatAreNotSegmentsAreLeftAlone() throws Exception {
        Files.writeString(dir.resolve("README"), "not a segment");
        write(small(), 5);
        reopenExpecting(small(), 5, 10);
        assertEquals("not a segment", Files.readString(dir.resolve("README")));
    }

    @Test
    void readingBeforeTheFirstSegmentSaysTheRecordsAreGone() throws IOException {
        Files.createFile(dir.resolve(String.format("%020d", 50) + ".journal"));
        JournalException e = assertThrows(JournalException.class, () -> JournalReader.open(dir, 3));
        assertTrue(e.getMessage().contains("starts at sequence 50"), e.getMessage());
    }
}
