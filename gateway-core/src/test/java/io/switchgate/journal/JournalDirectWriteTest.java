package io.switchgate.journal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

import static io.switchgate.journal.JournalFixtures.assertRecords;
import static io.switchgate.journal.JournalFixtures.payload;
import static io.switchgate.journal.JournalFixtures.type;
import static org.junit.jupiter.api.Assertions.*;

/**
 * {@link JournalWriter#appendWritingIfIdle}: with {@code write} durability a producer that finds the writer thread idle
 * writes the batch itself (durable on return, the listener told on the producer's thread); with {@code fsync} never.
 * Mixed with the writer thread and other producers, every record lands once, in order; a failed write on the
 * producer's thread stops the journal as one on the writer thread does.
 */
class JournalDirectWriteTest {
    @TempDir
    Path dir;

    /** Records which threads told the listener, and the highest sequence it heard. */
    static final class ThreadsListener implements DurableListener {
        final Set<String> threads = ConcurrentHashMap.newKeySet();
        volatile long highest;
        volatile JournalStoppedException stopped;

        @Override
        public synchronized void onDurable(long seq) {
            threads.add(Thread.currentThread().getName());
            highest = Math.max(highest, seq);
        }

        @Override
        public void onStopped(JournalStoppedException why) {
            stopped = why;
        }
    }

    private static long appendDirect(JournalWriter w, long seq) {
        byte[] p = payload(seq);
        return w.appendWritingIfIdle(type(seq), p, 0, p.length);
    }

    @Test
    void withWriteASerialProducerWritesItsOwnRecordsAndIsDurableOnReturn() throws Exception {
        ThreadsListener heard = new ThreadsListener();
        String name = Thread.currentThread().getName();
        Thread.currentThread().setName("producer-under-test");
        int durableOnReturn = 0;
        try (JournalWriter w = JournalWriter.open(new JournalOptions(dir, Durability.WRITE, 1 << 16), heard)) {
            for (long seq = 1; seq <= 2_000; seq++) {
                assertEquals(seq, appendDirect(w, seq));
                if (w.durableSequence() >= seq) durableOnReturn++;
                w.awaitDurable(seq); // then the writer thread goes back to waiting: idle for the next one, mostly
            }
        } finally {
            Thread.currentThread().setName(name);
        }
        assertTrue(durableOnReturn > 1_000, "most records were written by the producer itself: " + durableOnReturn);
        assertTrue(heard.threads.contains("producer-under-test"), "the listener heard on the producer's thread: " + heard.threads);
        assertEquals(2_000, heard.highest);
        assertRecords(dir, 1, 2_000); // across several small segments
    }

    @Test
    void withFsyncTheWriterThreadAlwaysWrites() throws Exception {
        ThreadsListener heard = new ThreadsListener();
        try (JournalWriter w = JournalWriter.open(new JournalOptions(dir, Durability.FSYNC, 1 << 16), heard)) {
            for (long seq = 1; seq <= 50; seq++) {
                appendDirect(w, seq);
                w.awaitDurable(seq);
            }
        }
        assertEquals(Set.of("journal-writer"), heard.threads);
        assertRecords(dir, 1, 50);
    }

    @ParameterizedTest
    @EnumSource(Durability.class)
    void producersWritingThemselvesBesideTheWriterThreadLoseAndReorderNothing(Durability d) throws Exception {
        ThreadsListener heard = new ThreadsListener();
        int producers = 4;
        int each = 5_000;
        try (JournalWriter w = JournalWriter.open(new JournalOptions(dir, d, 1 << 16), heard)) {
            List<Thread> threads = new ArrayList<>();
            List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
            // Every payload names its sequence, so records are appended under one lock to keep payload = f(sequence).
            Object order = new Object();
            for (int p = 0; p < producers; p++) {
                Thread t = new Thread(() -> {
                    try {
                        for (int i = 0; i < each; i++) {
                            synchronized (order) {
                                long next = w.lastAppendedSequence() + 1;
                                long seq = ThreadLocalRandom.current().nextBoolean()
                                        ? appendDirect(w, next)
                                        : w.append(type(next), payload(next));
                                assertEquals(next, seq);
                            }
                            if (i % 97 == 0) Thread.yield();
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                });
                threads.add(t);
                t.start();
            }
            for (Thread t : threads) t.join();
            assertEquals(List.of(), failures);
            w.awaitDurable((long) producers * each);
        }
        assertEquals((long) producers * each, heard.highest);
        assertRecords(dir, 1, (long) producers * each);
    }

    @Test
    void aFailedWriteOnTheProducersThreadStopsTheJournalForGood() throws Exception {
        ThreadsListener heard = new ThreadsListener();
        FaultyChannels disk = new FaultyChannels();
        try (JournalWriter w = JournalWriter.open(new JournalOptions(dir, Durability.WRITE, 1 << 16), heard, disk)) {
            for (long seq = 1; seq <= 10; seq++) {
                appendDirect(w, seq);
                w.awaitDurable(seq);
            }
            disk.failWrites = true;
            long pending = appendDirect(w, 11);
            assertThrows(JournalStoppedException.class, () -> w.awaitDurable(pending));
            assertEquals(10, w.durableSequence());
            assertNotNull(w.failure());
            assertSame(w.failure(), heard.stopped, "the listener heard of the stop");
            assertThrows(JournalStoppedException.class, () -> appendDirect(w, 12));
            assertThrows(JournalStoppedException.class, () -> w.append(1, new byte[3]));
            disk.failWrites = false;
        } // close returns: the writer thread ended
        try (JournalWriter w = JournalWriter.open(new JournalOptions(dir, Durability.WRITE, 1 << 16), DurableListener.NONE)) {
            assertEquals(10, w.recoveredLastSequence(), "what was durable is there, nothing after it");
        }
        assertRecords(dir, 1, 10);
    }
}
