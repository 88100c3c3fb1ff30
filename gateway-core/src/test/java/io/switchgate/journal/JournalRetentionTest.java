package io.switchgate.journal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static io.switchgate.journal.JournalFixtures.appendUpTo;
import static io.switchgate.journal.JournalFixtures.assertRecords;
import static io.switchgate.journal.JournalFixtures.payload;
import static io.switchgate.journal.JournalFixtures.segments;
import static io.switchgate.journal.JournalFixtures.type;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Retention: {@link JournalWriter#pruneThrough} deletes the segments wholly applied elsewhere and nothing else; the
 * journal that is left opens, continues, and is read from its new first sequence, and a read of pruned records fails
 * saying so.
 */
class JournalRetentionTest {
    /** Small segments: about 60 records each, so 2,000 records make some thirty segments. */
    static final long SEGMENT = 4096;

    @TempDir
    Path dir;

    JournalOptions options(Durability d) {
        return new JournalOptions(dir, d, SEGMENT);
    }

    /** First sequences of the segments in {@code dir}, in order. */
    List<Long> firsts() throws IOException {
        List<Long> out = new ArrayList<>();
        for (Path p : segments(dir)) {
            out.add(Long.parseLong(p.getFileName().toString().substring(0, 20)));
        }
        return out;
    }

    /** How many segments of {@code firsts} hold records up to {@code through} only (and have a successor). */
    static int wholly(List<Long> firsts, long through) {
        int n = 0;
        while (n + 1 < firsts.size() && firsts.get(n + 1) - 1 <= through) {
            n++;
        }
        return n;
    }

    @ParameterizedTest
    @EnumSource(Durability.class)
    void pruneDeletesExactlyTheSegmentsWhollyAtOrBelowTheSequence(Durability d) throws Exception {
        try (JournalWriter w = JournalWriter.open(options(d), DurableListener.NONE)) {
            appendUpTo(w, 2000);
            List<Long> before = firsts();
            assertTrue(before.size() > 20, "many segments: " + before.size());
            int expected = wholly(before, 1000);
            assertTrue(expected > 5 && expected < before.size() - 5, "prunes from the middle: " + expected);

            assertEquals(expected, w.pruneThrough(1000));
            List<Long> after = firsts();
            assertEquals(before.subList(expected, before.size()), after, "the oldest went, in order");
            long firstKept = after.get(0);
            assertTrue(firstKept <= 1001 && after.get(1) > 1001, "the segment holding 1001 is kept: " + after);
            assertEquals(firstKept, w.firstSequence());
            assertTrue(Files.exists(dir.resolve(DirectoryLock.FILE_NAME)), "the lock file is not a segment");
            if (d == Durability.FSYNC) {
                assertTrue(Files.exists(dir.resolve(SegmentPreallocator.SPARE_NAME)), "nor is the spare");
            }
            assertRecords(dir, firstKept, 2000);

            assertEquals(0, w.pruneThrough(1000), "nothing more through the same sequence");
            assertEquals(0, w.pruneThrough(after.get(1) - 2), "one short of a segment's last record keeps it");
            assertEquals(1, w.pruneThrough(after.get(1) - 1), "its last record exactly lets it go");
            assertEquals(after.get(1), w.firstSequence());
            assertEquals(0, w.pruneThrough(0));
            assertEquals(0, w.pruneThrough(-5));

            appendUpTo(w, 2300);
        }
        long first = firsts().get(0);
        assertRecords(dir, first, 2300);
    }

    @ParameterizedTest
    @EnumSource(Durability.class)
    void aPrunedJournalReopensAndContinuesTheSequence(Durability d) throws Exception {
        long firstKept;
        try (JournalWriter w = JournalWriter.open(options(d), DurableListener.NONE)) {
            appendUpTo(w, 2000);
            assertTrue(w.pruneThrough(1500) > 0);
            firstKept = w.firstSequence();
        }
        assertEquals(firstKept, firsts().get(0));
        try (JournalWriter w = JournalWriter.open(options(d), DurableListener.NONE)) {
            assertEquals(firstKept, w.firstSequence(), "recovery starts at the first remaining segment");
            assertEquals(2000, w.recoveredLastSequence());
            assertNull(w.recoveryCut());
            assertEquals(2001, w.append(type(2001), payload(2001)));
            appendUpTo(w, 3000);
            // Pruning goes on after a reopen, from what recovery found.
            int expected = wholly(firsts(), 2500);
            assertTrue(expected > 0);
            assertEquals(expected, w.pruneThrough(2500));
            firstKept = w.firstSequence();
            assertTrue(firstKept > 1500 && firstKept <= 2501, "first kept " + firstKept);
        }
        try (JournalWriter w = JournalWriter.open(options(d), DurableListener.NONE)) {
            assertEquals(firstKept, w.firstSequence());
            assertEquals(3000, w.recoveredLastSequence());
        }
        assertRecords(dir, firstKept, 3000);
        assertRecords(dir, 2700, 3000);
    }

    @Test
    void readingPrunedRecordsFailsSayingSoNeverSkipping() throws Exception {
        try (JournalWriter w = JournalWriter.open(options(Durability.WRITE), DurableListener.NONE)) {
            appendUpTo(w, 2000);
            w.pruneThrough(1000);
            long firstKept = w.firstSequence();
            for (long from : new long[] {1, 500, firstKept - 1}) {
                JournalException e = assertThrows(JournalException.class, () -> JournalReader.open(dir, from));
                assertTrue(e.getMessage().startsWith("journal records before " + firstKept + " were pruned"), e.getMessage());
                assertTrue(e.getMessage().contains("records from " + from + " were asked for"), e.getMessage());
            }
            assertRecords(dir, firstKept, 2000);
            assertRecords(dir, firstKept + 1, 2000);
        }
    }

    /**
     * Readers opened before a prune: one with the deleted segment open reads it to its end (POSIX unlink), and goes on
     * when the next segment is kept; one that reaches a deleted segment fails naming where the records start again.
     */
    @Test
    void readersOpenedBeforeAPruneReadOnOrFailClearly() throws Exception {
        try (JournalWriter w = JournalWriter.open(options(Durability.WRITE), DurableListener.NONE)) {
            appendUpTo(w, 2000);
            List<Long> f = firsts();
            long keptFirst = f.get(10);
            try (JournalReader insideLastPruned = JournalReader.open(dir, f.get(9));
                 JournalReader beforeIt = JournalReader.open(dir, f.get(8));
                 JournalReader notStarted = JournalReader.open(dir, f.get(5))) {
                assertTrue(insideLastPruned.next());
                assertEquals(f.get(9), insideLastPruned.sequence());
                assertTrue(beforeIt.next());

                assertEquals(10, w.pruneThrough(keptFirst - 1));
                assertEquals(keptFirst, firsts().get(0));

                for (long seq = f.get(9) + 1; seq <= 2000; seq++) {
                    assertTrue(insideLastPruned.next(), "reads on at " + seq);
                    assertEquals(seq, insideLastPruned.sequence());
                    assertPayload(seq, insideLastPruned.payload());
                }
                assertFalse(insideLastPruned.next());

                for (long seq = f.get(8) + 1; seq < f.get(9); seq++) {
                    assertTrue(beforeIt.next());
                    assertEquals(seq, beforeIt.sequence());
                }
                JournalException e = assertThrows(JournalException.class, beforeIt::next);
                assertTrue(e.getMessage().startsWith("journal records before " + keptFirst + " were pruned"), e.getMessage());

                e = assertThrows(JournalException.class, notStarted::next);
                assertTrue(e.getMessage().startsWith("journal records before " + keptFirst + " were pruned"), e.getMessage());
            }
        }
    }

    static void assertPayload(long seq, ByteBuffer p) {
        byte[] b = new byte[p.remaining()];
        p.get(b);
        assertArrayEquals(payload(seq), b, "payload of " + seq);
    }

    @ParameterizedTest
    @EnumSource(Durability.class)
    void pruningBeyondTheDurableSequenceNeverDeletesTheActiveSegment(Durability d) throws Exception {
        try (JournalWriter w = JournalWriter.open(options(d), DurableListener.NONE)) {
            assertEquals(0, w.pruneThrough(Long.MAX_VALUE), "a new journal: one segment, the active one");
            appendUpTo(w, 1000);
            List<Long> before = firsts();
            long active = before.get(before.size() - 1);
            assertEquals(before.size() - 1, w.pruneThrough(Long.MAX_VALUE));
            assertEquals(List.of(active), firsts(), "only the segment being appended to is left");
            assertEquals(active, w.firstSequence());
            assertEquals(0, w.pruneThrough(Long.MAX_VALUE));
            assertRecords(dir, active, 1000);

            appendUpTo(w, 1500);
            assertEquals(List.of(active), firsts().subList(0, 1));
            assertTrue(w.pruneThrough(Long.MAX_VALUE) > 0, "the rolls since made it prunable");
            assertEquals(1, firsts().size());
            appendUpTo(w, 1600);
        }
        try (JournalWriter w = JournalWriter.open(options(d), DurableListener.NONE)) {
            assertEquals(1600, w.recoveredLastSequence());
            assertEquals(firsts().get(0), w.firstSequence());
            assertRecords(dir, w.firstSequence(), 1600);
        }
    }

    /** A writer stopped on a failure keeps its durable sequence: pruning never passes it. */
    @Test
    void aStoppedWriterPrunesOnlyWhatWasDurable() throws Exception {
        FaultyChannels disk = new FaultyChannels();
        try (JournalWriter w = JournalWriter.open(options(Durability.WRITE), DurableListener.NONE, disk)) {
            appendUpTo(w, 1000);
            disk.failWrites = true;
            long pending = w.append(type(1001), payload(1001));
            assertThrows(JournalStoppedException.class, () -> w.awaitDurable(pending));
            List<Long> before = firsts();
            assertEquals(wholly(before, 1000), w.pruneThrough(Long.MAX_VALUE));
            assertEquals(before.get(before.size() - 1), firsts().get(0));
        }
        try (JournalWriter w = JournalWriter.open(options(Durability.WRITE), DurableListener.NONE)) {
            assertEquals(1000, w.recoveredLastSequence());
        }
    }

    @Test
    void afterCloseNothingIsPruned() throws Exception {
        JournalWriter w = JournalWriter.open(options(Durability.WRITE), DurableListener.NONE);
        appendUpTo(w, 1000);
        w.close();
        List<Long> before = firsts();
        assertEquals(0, w.pruneThrough(Long.MAX_VALUE));
        assertEquals(before, firsts());
    }

    /**
     * The intended use, at full speed: a tailer thread reads each durable stretch from where it stopped and prunes
     * through what it read, while the producer appends and rolls. No read ever finds its records pruned, no record is
     * lost, and the journal left reopens and continues.
     */
    @ParameterizedTest
    @EnumSource(Durability.class)
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aTailerPrunesBehindItselfWhileTheWriterRolls(Durability d) throws Exception {
        long total = d == Durability.FSYNC ? 4000 : 10_000;
        AtomicReference<Throwable> failed = new AtomicReference<>();
        long[] pruned = new long[1];
        // Woken by the journal's listener, as the projection tailer will be.
        Object woken = new Object();
        long[] heard = new long[1];
        DurableListener wake = seq -> {
            synchronized (woken) {
                heard[0] = seq;
                woken.notifyAll();
            }
        };
        try (JournalWriter w = JournalWriter.open(options(d), wake)) {
            Thread tailer = new Thread(() -> {
                long applied = 0;
                try {
                    while (applied < total) {
                        synchronized (woken) {
                            while (heard[0] <= applied) {
                                woken.wait();
                            }
                        }
                        long upTo = w.durableSequence();
                        try (JournalReader r = JournalReader.open(dir, applied + 1)) {
                            while (applied < upTo && r.next()) {
                                assertEquals(applied + 1, r.sequence());
                                assertPayload(r.sequence(), r.payload());
                                applied = r.sequence();
                            }
                        }
                        assertEquals(upTo, applied, "every durable record was read");
                        pruned[0] += w.pruneThrough(applied);
                    }
                } catch (Throwable t) {
                    failed.set(t);
                }
            }, "test-tailer");
            tailer.start();
            for (long seq = 1; seq <= total; seq++) {
                assertEquals(seq, w.append(type(seq), payload(seq)));
            }
            w.awaitDurable(total);
            tailer.join();
            if (failed.get() != null) {
                throw new AssertionError("the tailer failed", failed.get());
            }
            assertTrue(pruned[0] > 10, "pruned " + pruned[0]);
            assertEquals(1, firsts().size(), "all but the active segment went: " + firsts());
        }
        try (JournalWriter w = JournalWriter.open(options(d), DurableListener.NONE)) {
            assertEquals(total, w.recoveredLastSequence());
            appendUpTo(w, total + 100);
            assertRecords(dir, w.firstSequence(), total + 100);
        }
    }
}
