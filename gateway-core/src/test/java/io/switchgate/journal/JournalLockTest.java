package io.switchgate.journal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static io.switchgate.journal.JournalFixtures.appendUpTo;
import static io.switchgate.journal.JournalFixtures.assertRecords;
import static io.switchgate.journal.JournalFixtures.payload;
import static io.switchgate.journal.JournalFixtures.segments;
import static io.switchgate.journal.JournalFixtures.type;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One writer per journal directory: a second one, in this JVM or in another process, is refused before it touches
 * anything; closing (also after a failure) and dying (kill -9) free the directory; readers take no lock.
 */
class JournalLockTest {
    static final String IN_USE = "is in use by another gateway process";

    @TempDir
    Path dir;

    JournalOptions options(Durability d) {
        return new JournalOptions(dir, d, 4096);
    }

    static void assertInUse(Path dir, JournalException e) {
        assertTrue(e.getMessage().contains("journal directory " + dir + " " + IN_USE), e.getMessage());
    }

    @Test
    void aSecondWriterInTheSameJvmIsRefusedAndTheFirstGoesOn() throws Exception {
        try (JournalWriter first = JournalWriter.open(options(Durability.FSYNC), DurableListener.NONE)) {
            appendUpTo(first, 20);
            for (Durability d : Durability.values()) {
                JournalException e = assertThrows(JournalException.class, () -> JournalWriter.open(options(d), DurableListener.NONE));
                assertInUse(dir, e);
            }
            // The same directory by another path (a symbolic link) is the same directory.
            Path alias = Files.createSymbolicLink(dir.resolve("alias"), Path.of("."));
            JournalException e = assertThrows(JournalException.class,
                    () -> JournalWriter.open(new JournalOptions(alias, Durability.WRITE, 4096), DurableListener.NONE));
            assertTrue(e.getMessage().contains(IN_USE), e.getMessage());
            appendUpTo(first, 200);
        }
        assertRecords(dir, 1, 200);
    }

    @Test
    void afterCloseANewWriterOpensAndTheLockFileIsNotASegment() throws Exception {
        try (JournalWriter w = JournalWriter.open(options(Durability.WRITE), DurableListener.NONE)) {
            appendUpTo(w, 300);
        }
        assertTrue(Files.exists(dir.resolve(DirectoryLock.FILE_NAME)), "the lock file stays; only its lock goes");
        try (JournalWriter w = JournalWriter.open(options(Durability.WRITE), DurableListener.NONE)) {
            assertEquals(300, w.recoveredLastSequence());
            assertEquals(1, w.firstSequence());
            appendUpTo(w, 400);
        }
        assertRecords(dir, 1, 400);
        assertFalse(segments(dir).contains(dir.resolve(DirectoryLock.FILE_NAME)));
    }

    @Test
    void aWriterStoppedOnAFailureHoldsTheDirectoryUntilClosed() throws Exception {
        FaultyChannels disk = new FaultyChannels();
        JournalWriter w = JournalWriter.open(options(Durability.WRITE), DurableListener.NONE, disk);
        try {
            appendUpTo(w, 10);
            disk.failWrites = true;
            long pending = w.append(type(11), payload(11));
            assertThrows(JournalStoppedException.class, () -> w.awaitDurable(pending));
            assertInUse(dir, assertThrows(JournalException.class, () -> JournalWriter.open(options(Durability.WRITE), DurableListener.NONE)));
        } finally {
            w.close();
        }
        try (JournalWriter again = JournalWriter.open(options(Durability.WRITE), DurableListener.NONE)) {
            assertEquals(10, again.recoveredLastSequence());
        }
    }

    @Test
    void anOpenThatFailsAfterTakingTheLockReleasesIt() throws Exception {
        try (JournalWriter w = JournalWriter.open(options(Durability.WRITE), DurableListener.NONE)) {
            appendUpTo(w, 300);
        }
        Files.delete(segments(dir).get(1));
        // Refused by recovery both times: the first refusal did not leave the directory locked.
        for (int i = 0; i < 2; i++) {
            JournalException e = assertThrows(JournalException.class, () -> JournalWriter.open(options(Durability.WRITE), DurableListener.NONE));
            assertInstanceOf(JournalCorruptException.class, e, e.getMessage());
        }
    }

    @Test
    void aReaderTakesNoLockAndReadsWhileTheWriterRuns() throws Exception {
        try (JournalWriter w = JournalWriter.open(options(Durability.WRITE), DurableListener.NONE)) {
            appendUpTo(w, 250);
            assertRecords(dir, 1, 250);
            assertRecords(dir, 100, 250);
            appendUpTo(w, 260);
            assertInUse(dir, assertThrows(JournalException.class, () -> JournalWriter.open(options(Durability.WRITE), DurableListener.NONE)));
        }
    }

    /**
     * Another process holds the directory: open is refused (naming its pid), also after this JVM refused a writer of
     * its own (whose closing the lock file must not free the other process's lock: POSIX locks go with any closed
     * descriptor); once the holder is killed (-9, no clean close) the directory opens.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aLockHeldByAnotherProcessRefusesOpenUntilThatProcessDies() throws Exception {
        try (JournalWriter w = JournalWriter.open(options(Durability.WRITE), DurableListener.NONE)) {
            appendUpTo(w, 50);
        }
        Process holder = child("hold");
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.US_ASCII));
            assertEquals("open 50", out.readLine(), "the child opened the journal");
            for (int i = 0; i < 2; i++) {
                JournalException e = assertThrows(JournalException.class, () -> JournalWriter.open(options(Durability.WRITE), DurableListener.NONE));
                assertInUse(dir, e);
                assertTrue(e.getMessage().contains("held by process " + holder.pid()), e.getMessage());
            }
            // A reader reads alongside the other process's writer.
            assertRecords(dir, 1, 50);
            holder.toHandle().destroyForcibly();
            assertTrue(holder.waitFor(30, TimeUnit.SECONDS));
        } finally {
            holder.toHandle().destroyForcibly();
        }
        try (JournalWriter w = JournalWriter.open(options(Durability.WRITE), DurableListener.NONE)) {
            assertEquals(50, w.recoveredLastSequence());
            appendUpTo(w, 60);
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aWriterRefusedInThisJvmDoesNotFreeTheLockForAnotherProcess() throws Exception {
        try (JournalWriter w = JournalWriter.open(options(Durability.WRITE), DurableListener.NONE)) {
            appendUpTo(w, 10);
            assertThrows(JournalException.class, () -> JournalWriter.open(options(Durability.WRITE), DurableListener.NONE));
            Process other = child("try");
            String line;
            try (BufferedReader out = new BufferedReader(new InputStreamReader(other.getInputStream(), StandardCharsets.US_ASCII))) {
                line = out.readLine();
            } finally {
                assertTrue(other.waitFor(30, TimeUnit.SECONDS));
            }
            assertNotNull(line, "the child said nothing");
            assertTrue(line.startsWith("refused ") && line.contains(IN_USE)
                    && line.contains("held by process " + ProcessHandle.current().pid()), line);
            appendUpTo(w, 20);
        }
    }

    Process child(String mode) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-Xmx64m", "-cp", System.getProperty("java.class.path"),
                Child.class.getName(), dir.toString(), mode)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }

    /**
     * {@code hold}: opens the journal, prints "open" and its last sequence, and holds it until its standard input
     * ends. {@code try}: tries to open it and prints "opened" or "refused" with the message.
     */
    public static final class Child {
        public static void main(String[] args) throws Exception {
            PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.US_ASCII);
            JournalOptions o = new JournalOptions(Path.of(args[0]), Durability.WRITE, 4096);
            if (args[1].equals("hold")) {
                try (JournalWriter w = JournalWriter.open(o, DurableListener.NONE)) {
                    out.println("open " + w.recoveredLastSequence());
                    while (System.in.read() >= 0) {
                        // hold until the parent closes our input (or kills us)
                    }
                }
                return;
            }
            try (JournalWriter w = JournalWriter.open(o, DurableListener.NONE)) {
                out.println("opened " + w.recoveredLastSequence());
            } catch (JournalException e) {
                out.println("refused " + e.getMessage());
            }
        }
    }
}
