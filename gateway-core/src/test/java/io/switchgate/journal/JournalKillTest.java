package io.switchgate.journal;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static io.switchgate.journal.JournalFixtures.assertRecords;
import static io.switchgate.journal.JournalFixtures.payload;
import static io.switchgate.journal.JournalFixtures.type;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * kill -9 of a process in the middle of appending: every record it reported durable is there after the restart,
 * whole, and the journal continues. (The power-loss half of {@code fsync} cannot be tested in a process.)
 */
class JournalKillTest {
    static final long SEGMENT = 64 << 10;

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Durability.class)
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void everyRecordReportedDurableSurvivesRepeatedKills(Durability d) throws Exception {
        long recovered = 0;
        for (int kill = 1; kill <= 5; kill++) {
            long reported = runAndKill(d, recovered + 10_000);
            try (JournalWriter w = JournalWriter.open(new JournalOptions(dir, d, SEGMENT), DurableListener.NONE)) {
                assertTrue(w.recoveredLastSequence() >= reported,
                        "kill " + kill + ": recovered " + w.recoveredLastSequence() + ", reported durable " + reported);
                recovered = w.recoveredLastSequence();
            }
            assertRecords(dir, 1, recovered);
        }
        try (JournalWriter w = JournalWriter.open(new JournalOptions(dir, d, SEGMENT), DurableListener.NONE)) {
            w.awaitDurable(w.append(type(recovered + 1), payload(recovered + 1)));
        }
        assertRecords(dir, 1, recovered + 1);
    }

    /** Starts a child appending to the journal, kills it once it reported {@code atLeast} durable; returns the most it reported. */
    long runAndKill(Durability d, long atLeast) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xmx128m", "-cp", System.getProperty("java.class.path"),
                Child.class.getName(), dir.toString(), d.name())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        long reported = 0;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII))) {
            String line;
            while ((line = r.readLine()) != null) {
                reported = Math.max(reported, Long.parseLong(line.substring("durable ".length())));
                if (reported >= atLeast && p.isAlive()) {
                    // SIGKILL in the middle of appending: no close, no shutdown hook. Through the handle, which
                    // (unlike Process.destroyForcibly) leaves the pipe open, so the lines already in it are read:
                    // they were reported before the kill and count too.
                    p.toHandle().destroyForcibly();
                }
            }
        } finally {
            p.toHandle().destroyForcibly();
            p.waitFor();
        }
        assertTrue(reported >= atLeast, "the child reported durable up to " + reported + " before it ended");
        return reported;
    }

    /** The process that is killed: appends records without end, printing each durable sequence it hears of. */
    public static final class Child {
        public static void main(String[] args) throws Exception {
            PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.US_ASCII);
            JournalOptions o = new JournalOptions(Path.of(args[0]), Durability.valueOf(args[1]), SEGMENT);
            JournalWriter w = JournalWriter.open(o, seq -> out.println("durable " + seq));
            for (long seq = w.recoveredLastSequence() + 1; ; seq++) {
                w.append(type(seq), payload(seq));
                if (seq - w.durableSequence() > 5_000) {
                    w.awaitDurable(seq - 5_000);
                }
            }
        }
    }
}
