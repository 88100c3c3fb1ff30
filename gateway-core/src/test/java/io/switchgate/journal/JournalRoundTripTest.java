package io.switchgate.journal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.switchgate.journal.JournalFixtures.appendUpTo;
import static io.switchgate.journal.JournalFixtures.assertRecords;
import static io.switchgate.journal.JournalFixtures.payload;
import static io.switchgate.journal.JournalFixtures.readAll;
import static io.switchgate.journal.JournalFixtures.segments;
import static io.switchgate.journal.JournalFixtures.type;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JournalRoundTripTest {
    /** Small segments, so that a few thousand records roll dozens of times. */
    static final long SEGMENT = 4096;

    @TempDir
    Path dir;

    JournalOptions options(Durability d) {
        return new JournalOptions(dir, d, SEGMENT);
    }

    @ParameterizedTest
    @EnumSource(Durability.class)
    void manyRecordsAcrossSegmentRollsReadBackInOrder(Durability d) throws Exception {
        RecordingListener heard = new RecordingListener();
        try (JournalWriter w = JournalWriter.open(options(d), heard)) {
            assertEquals(0, w.recoveredLastSequence());
            assertEquals(1, w.firstSequence());
            appendUpTo(w, 5000);
            assertEquals(5000, w.durableSequence());
            JournalStats stats = w.stats();
            assertEquals(5000, stats.records());
            assertTrue(stats.batches() >= 1 && stats.batches() <= 5000, stats.toString());
            assertEquals(d == Durability.FSYNC, stats.forces() >= stats.batches(), "a force per batch with fsync only: " + stats);
            assertEquals(d == Durability.WRITE, stats.forces() == 0, stats.toString());
        }
        assertTrue(segments(dir).size() > 50, "rolled into many segments: " + segments(dir).size());
        for (Path seg : segments(dir)) {
            assertEquals(SEGMENT, Files.size(seg), "preallocated: " + seg);
        }
        assertRecords(dir, 1, 5000);
        List<Long> reported = heard.reported();
        assertEquals(5000L, reported.get(reported.size() - 1));
        for (int i = 1; i < reported.size(); i++) {
            assertTrue(reported.get(i) > reported.get(i - 1), "durable sequence only grows: " + reported);
        }
        assertNull(heard.stopped);
    }

    @ParameterizedTest
    @EnumSource(Durability.class)
    void reopeningContinuesTheSequence(Durability d) throws Exception {
        try (JournalWriter w = JournalWriter.open(options(d), DurableListener.NONE)) {
            appendUpTo(w, 300);
        }
        try (JournalWriter w = JournalWriter.open(options(d), DurableListener.NONE)) {
            assertEquals(300, w.recoveredLastSequence());
            assertEquals(300, w.durableSequence());
            assertNull(w.recoveryCut(), "a clean close leaves nothing to cut");
            assertEquals(301, w.append(type(301), payload(301)));
            appendUpTo(w, 700);
        }
        assertRecords(dir, 1, 700);
    }

    @Test
    void withFsyncTheNextSegmentIsMadeAheadAndALeftoverSpareIsMadeAgain() throws Exception {
        // A spare half made when the process died: garbage, short. It must not become a segment as it is.
        byte[] junk = new byte[700];
        java.util.Arrays.fill(junk, (byte) 0x5A);
        Files.write(dir.resolve(SegmentPreallocator.SPARE_NAME), junk);
        try (JournalWriter w = JournalWriter.open(options(Durability.FSYNC), DurableListener.NONE)) {
            appendUpTo(w, 3000);
        }
        assertTrue(Files.exists(dir.resolve(SegmentPreallocator.SPARE_NAME)), "the next segment waits, made ahead");
        for (Path seg : segments(dir)) {
            assertEquals(SEGMENT, Files.size(seg), "full size: " + seg);
        }
        try (JournalWriter w = JournalWriter.open(options(Durability.FSYNC), DurableListener.NONE)) {
            assertEquals(3000, w.recoveredLastSequence());
            appendUpTo(w, 3500);
        }
        assertRecords(dir, 1, 3500);
    }

    @Test
    void replayStartsAtAnySequence() throws Exception {
        try (JournalWriter w = JournalWriter.open(options(Durability.WRITE), DurableListener.NONE)) {
            appendUpTo(w, 1000);
        }
        assertRecords(dir, 1, 1000);
        assertRecords(dir, 2, 1000);
        assertRecords(dir, 517, 1000);
        assertRecords(dir, 1000, 1000);
        assertEquals(0, readAll(dir, 1001).size());
    }

    @Test
    void emptyPayloadsAndByteBufferPayloadsRoundTrip() throws Exception {
        ByteBuffer direct = ByteBuffer.allocateDirect(16);
        direct.put(new byte[] {9, 8, 7, 6, 5}).flip().position(1);
        try (JournalWriter w = JournalWriter.open(options(Durability.FSYNC), DurableListener.NONE)) {
            w.append(65535, new byte[0]);
            long seq = w.append(7, direct);
            assertEquals(1, direct.position(), "the caller's buffer is left as it was");
            w.awaitDurable(seq);
        }
        List<JournalFixtures.Read> all = readAll(dir, 1);
        assertEquals(2, all.size());
        assertEquals(65535, all.get(0).type());
        assertEquals(0, all.get(0).payload().length);
        assertEquals(7, all.get(1).type());
        assertEquals(List.of((byte) 8, (byte) 7, (byte) 6, (byte) 5),
                List.of(all.get(1).payload()[0], all.get(1).payload()[1], all.get(1).payload()[2], all.get(1).payload()[3]));
    }

    @Test
    void aRecordTooBigForASegmentIsRefusedAndTheJournalGoesOn() throws Exception {
        try (JournalWriter w = JournalWriter.open(options(Durability.WRITE), DurableListener.NONE)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> w.append(1, new byte[(int) SEGMENT]));
            assertTrue(e.getMessage().contains("exceeds the maximum"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> w.append(65536, new byte[1]));
            assertEquals(1, w.append(type(1), payload(1)));
            w.awaitDurable(1);
        }
        assertRecords(dir, 1, 1);
    }

    @Test
    void appendAfterCloseFailsSayingSo() throws Exception {
        JournalWriter w = JournalWriter.open(options(Durability.WRITE), DurableListener.NONE);
        appendUpTo(w, 3);
        w.close();
        JournalStoppedException e = assertThrows(JournalStoppedException.class, () -> w.append(1, new byte[1]));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
        assertNull(w.failure());
    }

    @Test
    void recordsAppendedJustBeforeCloseAreWritten() throws Exception {
        try (JournalWriter w = JournalWriter.open(options(Durability.FSYNC), DurableListener.NONE)) {
            for (long s = 1; s <= 2000; s++) {
                w.append(type(s), payload(s));
            }
        }
        assertRecords(dir, 1, 2000);
    }
}
