package io.switchgate.journal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;

import static io.switchgate.journal.JournalFixtures.appendUpTo;
import static io.switchgate.journal.JournalFixtures.assertRecords;
import static io.switchgate.journal.JournalFixtures.payload;
import static io.switchgate.journal.JournalFixtures.type;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A disk that fails: the journal stops for good, never reports durable what it does not know to be, fails every later
 * append saying why, and opens again afterwards with what is on disk.
 */
class JournalFailureTest {
    @TempDir
    Path dir;

    final FaultyChannels disk = new FaultyChannels();
    final RecordingListener heard = new RecordingListener();

    JournalOptions options(Durability d) {
        return new JournalOptions(dir, d, 4096);
    }

    /** The journal stopped: durable stays at {@code durable}, and waits and appends fail with {@code reason}. */
    void assertStopped(JournalWriter w, long pending, long durable, String reason) {
        JournalStoppedException waited = assertThrows(JournalStoppedException.class, () -> w.awaitDurable(pending));
        assertTrue(waited.getMessage().contains(reason), waited.getMessage());
        assertEquals(durable, w.durableSequence(), "durable sequence did not advance");
        JournalStoppedException appended = assertThrows(JournalStoppedException.class, () -> w.append(1, new byte[3]));
        assertTrue(appended.getMessage().contains(reason), appended.getMessage());
        assertTrue(appended.getMessage().contains("records up to sequence " + durable + " are durable"), appended.getMessage());
        assertNotNull(w.failure());
        assertSame(w.failure(), heard.stopped, "the listener heard of the stop");
        assertEquals(durable, (long) heard.reported().get(heard.reported().size() - 1), "never reported durable beyond");
    }

    @ParameterizedTest
    @EnumSource(Durability.class)
    void aFullDiskStopsTheJournalCleanly(Durability d) throws Exception {
        try (JournalWriter w = JournalWriter.open(options(d), heard, disk)) {
            appendUpTo(w, 10);
            disk.failWrites = true;
            long pending = w.append(type(11), payload(11));
            assertStopped(w, pending, 10, "No space left on device");
            assertTrue(w.failure().getMessage().contains("write to journal segment"), w.failure().getMessage());
        }
        try (JournalWriter w = JournalWriter.open(options(d), DurableListener.NONE)) {
            assertEquals(10, w.recoveredLastSequence());
            appendUpTo(w, 30);
        }
        assertRecords(dir, 1, 30);
    }

    @Test
    void aFailedForceStopsTheJournalWithoutRetrying() throws Exception {
        try (JournalWriter w = JournalWriter.open(options(Durability.FSYNC), heard, disk)) {
            appendUpTo(w, 10);
            disk.failForces = true;
            long pending = w.append(type(11), payload(11));
            assertStopped(w, pending, 10, "Input/output error");
            assertTrue(w.failure().getMessage().contains("fdatasync"), w.failure().getMessage());
            int forces = disk.forces;
            assertThrows(JournalStoppedException.class, () -> w.append(1, new byte[1]));
            assertEquals(forces, disk.forces, "no force is retried");
        }
        // The record whose force failed reached the disk (the write went through), but it was refused to whoever
        // appended it (the gateway answered 96): the next start cuts it, and only it, and removes the stop mark.
        assertTrue(java.nio.file.Files.exists(dir.resolve(StopMark.NAME)), "the stop mark is written");
        try (JournalWriter w = JournalWriter.open(options(Durability.FSYNC), DurableListener.NONE)) {
            assertEquals(10, w.recoveredLastSequence());
            appendUpTo(w, 20);
        }
        assertTrue(java.nio.file.Files.notExists(dir.resolve(StopMark.NAME)), "the mark is gone once it has been acted on");
        assertRecords(dir, 1, 20);
        // and a later start cuts nothing more
        try (JournalWriter w = JournalWriter.open(options(Durability.FSYNC), DurableListener.NONE)) {
            assertEquals(20, w.recoveredLastSequence());
        }
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(dir)) {
            assertTrue(files.anyMatch(f -> f.getFileName().toString().contains(".cut-")), "what was cut is copied aside");
        }
    }

    /** Records after the stop in segments of their own are set aside whole; a mark that names no sequence refuses the start. */
    @Test
    void aStopMarkSetsLaterSegmentsAsideAndAnUnreadableOneRefusesTheStart() throws Exception {
        JournalOptions small = options(Durability.WRITE);
        try (JournalWriter w = JournalWriter.open(small, DurableListener.NONE)) {
            appendUpTo(w, 600); // segments of 4 KiB: many
        }
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(dir)) {
            assertTrue(files.filter(f -> f.getFileName().toString().endsWith(".journal")).count() > 3, "several segments");
        }
        StopMark.write(dir, 40);
        try (JournalWriter w = JournalWriter.open(small, DurableListener.NONE)) {
            assertEquals(40, w.recoveredLastSequence());
            appendUpTo(w, 50);
        }
        assertRecords(dir, 1, 50);
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(dir)) {
            assertTrue(files.anyMatch(f -> f.getFileName().toString().endsWith(".cut-stopped")), "later segments set aside");
        }
        java.nio.file.Files.writeString(dir.resolve(StopMark.NAME), "garbage");
        JournalCorruptException e = assertThrows(JournalCorruptException.class, () -> JournalWriter.open(small, DurableListener.NONE));
        assertTrue(e.getMessage().contains("does not name a sequence"), e.getMessage());
    }

    @ParameterizedTest
    @EnumSource(Durability.class)
    void aSegmentThatCannotBeCreatedStopsTheJournal(Durability d) throws Exception {
        long stoppedAt;
        try (JournalWriter w = JournalWriter.open(options(d), heard, disk)) {
            appendUpTo(w, 5);
            disk.failCreates = true;
            long seq = 5;
            while (true) {
                seq = w.append(type(seq + 1), payload(seq + 1));
                try {
                    w.awaitDurable(seq);
                } catch (JournalStoppedException e) {
                    break;
                }
            }
            stoppedAt = seq;
            assertStopped(w, seq, seq - 1, "No space left on device");
            assertTrue(w.failure().getMessage().contains("creating journal segment"), w.failure().getMessage());
        }
        try (JournalWriter w = JournalWriter.open(options(d), DurableListener.NONE)) {
            assertEquals(stoppedAt - 1, w.recoveredLastSequence());
            appendUpTo(w, stoppedAt + 200);
        }
        assertRecords(dir, 1, stoppedAt + 200);
    }

    @Test
    void withWriteDurabilityAFailedForceAtCloseIsReported() throws Exception {
        JournalWriter w = JournalWriter.open(options(Durability.WRITE), heard, disk);
        appendUpTo(w, 10);
        assertEquals(0, disk.forces, "write durability never forces while running");
        disk.failForces = true;
        w.close();
        assertNotNull(w.failure());
        assertTrue(w.failure().getMessage().contains("Input/output error"), w.failure().getMessage());
        assertEquals(10, w.durableSequence());
    }
}
